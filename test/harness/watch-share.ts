/**
 * A sharer for the /watch tests: the extension in its own Chromium shares a page through its
 * popup, as a person would (the same steps as tab-share.e2e.ts), and hands out the spoken
 * code for the next viewer.
 */
import type { Page } from 'playwright-core';
import { launchBrowser, type PeerbeamBrowser } from './browser.js';
import { Popup } from './popup.js';
import { EXTENSION_ID } from './paths.js';
import { waitUntil } from './ports.js';

export interface WatchSharer {
  browser: PeerbeamBrowser;
  /** Shares a fresh tab showing `url`; resolves with the popup and the first code. */
  share(url: string): Promise<{ tab: Page; popup: Page; code: string }>;
  close(): Promise<void>;
}

export async function launchWatchSharer(signalingUrl: string): Promise<WatchSharer> {
  // Tab capture without a toolbar click needs the extension allowlisted (BROWSER-TESTING.md).
  const browser = await launchBrowser({
    name: 'watch-sharer',
    extraArgs: [`--allowlisted-extension-id=${EXTENSION_ID}`],
  });
  await browser.setSignalingUrl(signalingUrl);
  return {
    browser,
    async share(url) {
      const tab = await browser.context.newPage();
      await tab.goto(url);
      const popup = await openHome(browser);
      // The popup acts on the active tab, as the toolbar popup does on the page under it.
      await tab.bringToFront();
      await popup.click('#share-tab');
      return { tab, popup, code: await shownCode(popup) };
    },
    close: () => browser.close(),
  };
}

/** The popup's home, with any share an earlier (failed) test left running stopped first. */
async function openHome(browser: PeerbeamBrowser): Promise<Page> {
  const popup = await browser.openPopup();
  await popup.locator('#share-tab, #stop-share').first().waitFor({ timeout: 10_000 });
  if (!(await popup.locator('#stop-share').isVisible())) return popup;
  await popup.click('#stop-share');
  await popup.locator('[data-share-step="ended"]').waitFor({ timeout: 10_000 });
  await popup.close();
  const fresh = await browser.openPopup();
  await fresh.locator('#share-tab').waitFor({ timeout: 10_000 });
  return fresh;
}

/** The spoken code the sharer's popup offers (waits until it differs from `other`). */
export async function shownCode(popup: Page, other?: string): Promise<string> {
  let text = '';
  await waitUntil(
    async () => {
      text = ((await popup.locator('#tab-code').textContent({ timeout: 1_000 })) ?? '').trim();
      return text !== '' && text !== other;
    },
    15_000,
    'a code for the next viewer',
  );
  return text;
}

/**
 * Watches a share in the extension: `code` goes into `viewer`'s popup; resolves with the viewer
 * tab it opens, once that plays.
 */
export async function watchInExtension(viewer: PeerbeamBrowser, code: string): Promise<Page> {
  const receiver = new Popup(await viewer.openPopup());
  await receiver.cancelRunningSession();
  const opened = viewer.context.waitForEvent('page', {
    predicate: (page) => page.url().includes('/src/viewer/viewer.html'),
    timeout: 20_000,
  });
  await receiver.receive(code);
  const page = await opened;
  await page.locator('body[data-state="playing"]').waitFor({ timeout: 20_000 });
  await receiver.page.close();
  return page;
}
