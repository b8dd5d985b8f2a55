/**
 * The no-install web page in a plain Chromium without the extension: a persistent profile on
 * disk (as a person's browser: its OPFS is on disk, unlike an incognito context's), whose
 * downloads land under their own names in one folder, and which allows a page to download
 * several files (a person answers Chromium's "download multiple files" once; a test cannot).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { BROWSER_FLAGS } from './browser.js';
import { CHROMIUM } from './paths.js';

export interface WebPeerBrowser {
  readonly context: BrowserContext;
  readonly downloads: string;
  /** Chromium's user data directory (its processes carry it: bench/browser-memory.ts). */
  readonly profileDir: string;
  /** Opens `url` (the page, or a link to it) in a new tab, in the person's `locale`. */
  open(url: string): Promise<Page>;
  close(): Promise<void>;
}

export async function launchWebPeerBrowser(options: {
  locale?: string;
  viewport?: { width: number; height: number };
  /**
   * A browser without the Origin Private File System (older Safari and Firefox, Firefox's
   * private windows): `navigator.storage.getDirectory` is gone before any page script runs.
   */
  withoutOpfs?: boolean;
  /**
   * Stands in for the person choosing a folder in File System Access's picker (a native dialog
   * a test cannot answer): `showDirectoryPicker` gives the page's OPFS folder of this name, a
   * real directory handle, so everything after the dialog runs as it would.
   */
  pickFolder?: string;
}): Promise<WebPeerBrowser> {
  const profile = await mkdtemp(join(tmpdir(), 'peerbeam-web-peer-'));
  const downloads = join(profile, 'downloads');
  const userData = join(profile, 'user');
  await mkdir(join(userData, 'Default'), { recursive: true });
  await writeFile(
    join(userData, 'Default', 'Preferences'),
    JSON.stringify({
      download: { default_directory: downloads, prompt_for_download: false },
      profile: { default_content_setting_values: { automatic_downloads: 1 } },
    }),
  );
  const context = await chromium.launchPersistentContext(userData, {
    executablePath: CHROMIUM,
    headless: false, // --headless=new is passed explicitly, as for the extension's browsers.
    acceptDownloads: true,
    args: [...BROWSER_FLAGS, '--allow-loopback-in-peer-connection'],
    viewport: options.viewport ?? { width: 360, height: 740 },
    locale: options.locale ?? 'en-US',
  });
  if (options.withoutOpfs) {
    await context.addInitScript(() => {
      delete (StorageManager.prototype as Partial<StorageManager>).getDirectory;
    });
  }
  if (options.pickFolder) {
    await context.addInitScript((name: string) => {
      Object.assign(window, {
        showDirectoryPicker: async () =>
          (await navigator.storage.getDirectory()).getDirectoryHandle(name, { create: true }),
      });
    }, options.pickFolder);
  }
  // Playwright renames downloads to GUIDs; the browser's own behaviour keeps their names.
  const first = context.pages()[0] ?? (await context.newPage());
  const cdp = await context.newCDPSession(first);
  await cdp.send('Browser.setDownloadBehavior', { behavior: 'default' });
  await cdp.detach();
  return {
    context,
    downloads,
    profileDir: userData,
    async open(url) {
      // A plain page gathers loopback host candidates only with media permission
      // (BROWSER-TESTING.md).
      await context.grantPermissions(['camera', 'microphone'], { origin: new URL(url).origin });
      const page = await context.newPage();
      await page.goto(url);
      return page;
    },
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
