import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page, type Worker } from 'playwright-core';
import { CHROMIUM, EXTENSION_ID, TEST_DIST } from './paths.js';

/** Flags from ../shared/BROWSER-TESTING.md: headless, no background traffic (benches too). */
export const BROWSER_FLAGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];
/** ...with the test build of the extension loaded. */
const FLAGS = [
  ...BROWSER_FLAGS,
  `--disable-extensions-except=${TEST_DIST}`,
  `--load-extension=${TEST_DIST}`,
];

export const POPUP_PATH = 'src/popup/popup.html';

export interface PeerbeamBrowser {
  readonly name: string;
  readonly context: BrowserContext;
  readonly profileDir: string;
  readonly extensionId: string;
  /** The extension's running service worker (waits for one to start). */
  serviceWorker(): Promise<Worker>;
  /** Opens the popup page as a tab, as a person would see it. */
  openPopup(): Promise<Page>;
  setSignalingUrl(url: string): Promise<void>;
  /** Writes settings as the popup's Settings form would (merged with what is stored). */
  setSettings(settings: { signalingUrl?: string; deviceName?: string }): Promise<void>;
  /** Really stops the service worker (CDP) and resolves once Chromium reports it stopped. */
  stopServiceWorker(): Promise<void>;
  close(): Promise<void>;
}

export interface LaunchOptions {
  name: string;
  /** Reuse a profile (a browser restart); otherwise a fresh one is made and later removed. */
  profileDir?: string;
  extraArgs?: string[];
  /** A Chromium binary or wrapper script, used instead of CHROMIUM (NAT tests: a netns wrapper). */
  executablePath?: string;
  /** Save downloads here under their real names (instead of Playwright's GUID names). */
  downloadsDir?: string;
  /** Offer 127.0.0.1 host candidates (default true; the loopback-only e2e namespace needs it). */
  loopbackCandidates?: boolean;
  /**
   * The pages' size (default 800×600). Tab capture records a tab's real view, while Playwright
   * only emulates a viewport: a page resized after launch is laid out at one size and captured
   * at another (measured: laid out 1280×720, captured 800×512). A browser whose tab is captured
   * at a given size is launched with it.
   */
  viewport?: { width: number; height: number };
}

export async function launchBrowser(options: LaunchOptions): Promise<PeerbeamBrowser> {
  const ownsProfile = !options.profileDir;
  const profileDir =
    options.profileDir ?? (await mkdtemp(join(tmpdir(), `peerbeam-${options.name}-`)));
  if (options.downloadsDir) await preferDownloadsIn(profileDir, options.downloadsDir);
  const context = await chromium.launchPersistentContext(profileDir, {
    acceptDownloads: options.downloadsDir !== undefined,
    executablePath: options.executablePath ?? CHROMIUM,
    headless: false, // --headless=new is passed explicitly: the extension-capable headless.
    args: [
      ...FLAGS,
      // Loopback-only namespaces have no other address for ICE; NAT hosts have real ones.
      ...(options.loopbackCandidates === false ? [] : ['--allow-loopback-in-peer-connection']),
      ...(options.extraArgs ?? []),
    ],
    viewport: options.viewport ?? { width: 800, height: 600 },
  });
  const extensionId = EXTENSION_ID;
  if (options.downloadsDir) {
    // Playwright renames downloads to GUIDs; the browser's own behaviour keeps real names.
    const page = context.pages()[0] ?? (await context.newPage());
    const cdp = await context.newCDPSession(page);
    await cdp.send('Browser.setDownloadBehavior', { behavior: 'default' });
    await cdp.detach();
  }

  const serviceWorker = async (): Promise<Worker> => {
    const running = context
      .serviceWorkers()
      .find((worker) => worker.url().startsWith(`chrome-extension://${extensionId}/`));
    return running ?? (await context.waitForEvent('serviceworker', { timeout: 15_000 }));
  };

  const setSettings = async (patch: { signalingUrl?: string; deviceName?: string }) => {
    const worker = await serviceWorker();
    await worker.evaluate(async (settings) => {
      const { settings: stored } = await chrome.storage.local.get('settings');
      await chrome.storage.local.set({
        settings: { ...(stored as object | undefined), ...settings },
      });
    }, patch);
  };

  return {
    name: options.name,
    context,
    profileDir,
    extensionId,
    serviceWorker,
    async openPopup() {
      const page = await context.newPage();
      await page.goto(`chrome-extension://${extensionId}/${POPUP_PATH}`);
      return page;
    },
    setSignalingUrl: (signalingUrl) => setSettings({ signalingUrl }),
    setSettings,
    async stopServiceWorker() {
      await stopServiceWorker(context, extensionId);
    },
    async close() {
      await context.close();
      if (ownsProfile) await rm(profileDir, { recursive: true, force: true });
    },
  };
}

interface WorkerVersion {
  versionId: string;
  scriptURL: string;
  runningStatus: string;
}

/**
 * ServiceWorker.stopAllWorkers hangs; stopping the one running version through an extension
 * page's CDP session works (BROWSER-TESTING.md). Resolves once its status is `stopped`.
 */
async function stopServiceWorker(context: BrowserContext, extensionId: string): Promise<void> {
  const page = await context.newPage();
  try {
    await page.goto(`chrome-extension://${extensionId}/${POPUP_PATH}`);
    const cdp = await context.newCDPSession(page);
    const versions = new Map<string, WorkerVersion>();
    let onUpdate: (() => void) | undefined;
    cdp.on('ServiceWorker.workerVersionUpdated', ({ versions: updated }) => {
      for (const version of updated as WorkerVersion[]) versions.set(version.versionId, version);
      onUpdate?.();
    });
    const waitFor = (predicate: () => boolean, what: string) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), 10_000);
        onUpdate = () => {
          if (predicate()) {
            clearTimeout(timer);
            onUpdate = undefined;
            resolve();
          }
        };
        onUpdate();
      });
    await cdp.send('ServiceWorker.enable');
    const ours = () =>
      [...versions.values()].find(
        (v) =>
          v.scriptURL.startsWith(`chrome-extension://${extensionId}/`) &&
          v.runningStatus === 'running',
      );
    await waitFor(() => ours() !== undefined, 'the running service worker');
    const { versionId } = ours()!;
    await cdp.send('ServiceWorker.stopWorker', { versionId });
    await waitFor(() => versions.get(versionId)?.runningStatus === 'stopped', 'the worker to stop');
    await cdp.detach();
  } finally {
    await page.close();
  }
}

async function preferDownloadsIn(profileDir: string, downloadsDir: string): Promise<void> {
  await mkdir(join(profileDir, 'Default'), { recursive: true });
  const preferences = join(profileDir, 'Default', 'Preferences');
  const existing = await readFile(preferences, 'utf8').then(
    (text) => JSON.parse(text) as Record<string, unknown>,
    () => ({}),
  );
  await writeFile(
    preferences,
    JSON.stringify({
      ...existing,
      download: { default_directory: downloadsDir, prompt_for_download: false },
    }),
  );
}
