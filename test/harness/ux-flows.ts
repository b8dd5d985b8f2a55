/**
 * The popup and send-page flows of issue #17, driven as a person would (clicks or keys), for
 * the UX, accessibility and screenshot runs.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser, type LaunchOptions, type PeerbeamBrowser } from './browser.js';
import { EXTENSION_ID } from './paths.js';
import { Popup } from './popup.js';

export const SEND_PATH = 'src/send/send.html';

/**
 * A browser whose interface language is `language`. On Linux Chromium takes its UI locale
 * (and so chrome.i18n's) from LANGUAGE/LANG, not from --lang alone; Playwright hands the
 * browser this process's environment, so it is set just for the launch.
 */
export async function launchInLanguage(
  language: 'en' | 'zh_CN',
  options: LaunchOptions,
): Promise<PeerbeamBrowser> {
  const saved = { LANGUAGE: process.env.LANGUAGE, LANG: process.env.LANG };
  const tag = language === 'zh_CN' ? 'zh-CN' : 'en-US';
  process.env.LANGUAGE = language === 'zh_CN' ? 'zh_CN' : 'en_US';
  process.env.LANG = `${language === 'zh_CN' ? 'zh_CN' : 'en_US'}.UTF-8`;
  try {
    return await launchBrowser({
      ...options,
      extraArgs: [`--lang=${tag}`, ...(options.extraArgs ?? [])],
    });
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

/** A sharer: tab capture without a toolbar click needs the extension allowlisted. */
export const SHARER_ARGS = [`--allowlisted-extension-id=${EXTENSION_ID}`];

export async function openSendPage(browser: PeerbeamBrowser): Promise<Page> {
  const page = await browser.context.newPage();
  await page.goto(`chrome-extension://${browser.extensionId}/${SEND_PATH}`);
  await page.locator('#choose-files').waitFor();
  return page;
}

/** Picks `files` (absolute paths) with the page's real "Choose files" button. */
export async function chooseFiles(page: Page, files: string[]): Promise<void> {
  const [chooser] = await Promise.all([
    page.waitForEvent('filechooser'),
    page.click('#choose-files'),
  ]);
  await chooser.setFiles(files);
  await page.locator('#picked').waitFor();
}

/** Presses "Send with a code" and returns the code the page shows. */
export async function sendByCode(page: Page): Promise<string> {
  await page.click('#send-by-code');
  const code = page.locator('#session-code');
  await code.waitFor({ timeout: 15_000 });
  return ((await code.textContent()) ?? '').trim();
}

/** Bob's popup, at Home, types the code: returns once the offer is shown. */
export async function receiveOffer(browser: PeerbeamBrowser, code: string): Promise<Popup> {
  const popup = new Popup(await browser.openPopup());
  await popup.cancelRunningSession();
  await popup.receive(code);
  await popup.page.locator('#transfer[data-state="offered"]').waitFor({ timeout: 20_000 });
  return popup;
}

export async function waitForTransferState(page: Page, state: string, timeout = 60_000) {
  await page.locator(`#transfer[data-state="${state}"]`).waitFor({ timeout });
}

/** The id (else tag and text) of the focused element: where keyboard focus landed. */
export async function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const element = document.activeElement;
    if (!element || element === document.body) return 'body';
    return element.id || `${element.tagName.toLowerCase()}:${element.textContent ?? ''}`;
  });
}

/** Presses Tab until `selector` has focus (Tab must reach it), at most `max` times. */
export async function tabTo(page: Page, selector: string, max = 40): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${selector} (focus is on ${await focused(page)})`);
}

/** The device name the popup says this browser is known as. */
export async function knownAs(popup: Page): Promise<string> {
  const text = (await popup.locator('#known-as span').textContent({ timeout: 10_000 })) ?? '';
  return text;
}

export const fixture = (dir: string, name: string) => join(dir, name);

/** The name this browser introduces itself with (what a first run stored). */
export async function storedDeviceName(browser: PeerbeamBrowser): Promise<string> {
  const worker = await browser.serviceWorker();
  return worker.evaluate(async () => {
    const { settings } = await chrome.storage.local.get('settings');
    return (settings as { deviceName?: string } | undefined)?.deviceName ?? '';
  });
}

/**
 * Shares a page from `browser` through its popup (the browser must be allowlisted for tab
 * capture: SHARER_ARGS): resolves with the popup showing the live share panel, and the tab.
 */
export async function openLiveSharePanel(
  browser: PeerbeamBrowser,
  pageUrl: string,
): Promise<{ popup: Page; tab: Page }> {
  const tab = await browser.context.newPage();
  await tab.goto(pageUrl);
  const popup = await browser.openPopup();
  await popup.locator('#share-tab').waitFor();
  // The popup acts on the active tab, as the toolbar popup does on the page under it.
  await tab.bringToFront();
  await popup.click('#share-tab');
  await popup.locator('#tab-code').waitFor({ timeout: 15_000 });
  return { popup, tab };
}
