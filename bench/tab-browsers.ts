/**
 * The bench's sharing browser. Tab capture records the tab's real view, while Playwright only
 * emulates a page's viewport: a page resized after launch (harness: 800×600) is laid out at one
 * size and captured at another (measured: laid out 1280×720, captured 800×512). So the sharer is
 * launched with the shared tab's size as its viewport, the flags as in test/harness/browser.ts.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page, type Worker } from 'playwright-core';
import { POPUP_PATH } from '../test/harness/browser.js';
import { CHROMIUM, EXTENSION_ID, TEST_DIST } from '../test/harness/paths.js';

export interface BenchBrowser {
  context: BrowserContext;
  serviceWorker(): Promise<Worker>;
  openPopup(): Promise<Page>;
  setSignalingUrl(url: string): Promise<void>;
  close(): Promise<void>;
}

export async function launchSharer(
  viewport: { width: number; height: number },
  extraArgs: string[],
): Promise<BenchBrowser> {
  const profileDir = await mkdtemp(join(tmpdir(), 'peerbeam-bench-sharer-'));
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: false,
    args: [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
      '--allow-loopback-in-peer-connection',
      `--disable-extensions-except=${TEST_DIST}`,
      `--load-extension=${TEST_DIST}`,
      `--allowlisted-extension-id=${EXTENSION_ID}`,
      ...extraArgs,
    ],
    viewport,
  });
  const serviceWorker = async (): Promise<Worker> =>
    context
      .serviceWorkers()
      .find((worker) => worker.url().startsWith(`chrome-extension://${EXTENSION_ID}/`)) ??
    (await context.waitForEvent('serviceworker', { timeout: 15_000 }));
  return {
    context,
    serviceWorker,
    async openPopup() {
      const page = await context.newPage();
      await page.goto(`chrome-extension://${EXTENSION_ID}/${POPUP_PATH}`);
      return page;
    },
    async setSignalingUrl(signalingUrl) {
      const worker = await serviceWorker();
      await worker.evaluate(async (url) => {
        const { settings } = await chrome.storage.local.get('settings');
        await chrome.storage.local.set({
          settings: { ...(settings as object | undefined), signalingUrl: url },
        });
      }, signalingUrl);
    },
    async close() {
      await context.close();
      await rm(profileDir, { recursive: true, force: true });
    },
  };
}
