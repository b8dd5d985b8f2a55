/**
 * Peerbeam for Firefox (issue #16): the Firefox extension (dist-firefox-test/, driven over
 * Marionette in Debian's Firefox ESR) and the Chromium extension talk to each other through
 * the real signaling service, inside the loopback-only namespace.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { narrowLoopback } from './harness/narrow-path.js';
import { launchBrowser, type PeerbeamBrowser } from './harness/browser.js';
import { launchFirefox, type FirefoxPage, type PeerbeamFirefox } from './harness/firefox.js';
import {
  fileSize,
  listFiles,
  sha256File,
  waitForDownloads,
  writeRandomFile,
} from './harness/files.js';
import { EXTENSION_ID, assertIsolatedNetwork } from './harness/paths.js';
import { waitUntil } from './harness/ports.js';
import { Popup } from './harness/popup.js';
import { startSignaling, type RunningSignaling } from './harness/signaling.js';
import { rightClickSendLinks, waitForNotification } from './harness/context-menu.js';
import {
  decodeFrames,
  paintedValues,
  startProbePages,
  type ProbePages,
  type ProbeStats,
} from './harness/tab-probe.js';
import { shownCode, watchInExtension } from './harness/watch-share.js';
import { firefoxDecodeStats, startFirefoxDecoding } from './harness/firefox-probe.js';
import { SCREEN, startXvfb, type RunningXvfb } from './harness/xvfb.js';

const MiB = 1024 * 1024;
/**
 * Firefox stops an idle background page after this (30 s by default): short here, so every
 * test also shows the engine's page stays awake while it has work, and wakes when asked.
 */
const IDLE_TIMEOUT_MS = 3_000;
let work: string;
let signaling: RunningSignaling;
let firefox: PeerbeamFirefox;
let chromium: PeerbeamBrowser;
let firefoxDownloads: string;
let chromiumDownloads: string;
const openFirefoxPages: FirefoxPage[] = [];
let site: Server;
let siteUrl: string;
let probePages: ProbePages;
let display: RunningXvfb;

beforeAll(async () => {
  assertIsolatedNetwork();
  work = await mkdtemp(join(tmpdir(), 'peerbeam-firefox-e2e-'));
  firefoxDownloads = join(work, 'firefox-downloads');
  chromiumDownloads = join(work, 'chromium-downloads');
  [signaling, probePages, display] = await Promise.all([
    startSignaling(),
    startProbePages(),
    startXvfb(),
  ]);
  site = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(
      `<title>Shared ${req.url}</title><h1>page ${req.url}</h1>` +
        `<p><a id="the-link" href="${req.url}-linked">a link</a></p>`,
    );
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  [firefox, chromium] = await Promise.all([
    launchFirefox({
      name: 'fox',
      downloadsDir: firefoxDownloads,
      backgroundIdleTimeoutMs: IDLE_TIMEOUT_MS,
      // On a display, where getDisplayMedia grants the screen to a trusted click without its
      // picker (FIREFOX-TESTING.md): headless it finds nothing to share.
      display: display.display,
      prefs: { 'media.navigator.permission.disabled': true },
    }),
    // Tab capture without a toolbar click needs the extension allowlisted (BROWSER-TESTING.md).
    launchBrowser({
      name: 'chrome',
      downloadsDir: chromiumDownloads,
      extraArgs: [`--allowlisted-extension-id=${EXTENSION_ID}`],
    }),
  ]);
  await firefox.setSettings({ signalingUrl: signaling.url, deviceName: 'Fox laptop' });
  await chromium.setSettings({ signalingUrl: signaling.url, deviceName: 'Chrome desktop' });
}, 90_000);

beforeEach(async () => {
  await Promise.all([
    rm(join(firefoxDownloads, 'Peerbeam'), { recursive: true, force: true }),
    rm(join(chromiumDownloads, 'Peerbeam'), { recursive: true, force: true }),
  ]);
});

afterEach(async () => {
  for (const page of openFirefoxPages.splice(0)) await page.close().catch(() => undefined);
});

afterAll(async () => {
  await Promise.allSettled([firefox?.close(), chromium?.close()]);
  await Promise.allSettled([signaling?.stop(), probePages?.stop(), display?.stop()]);
  await new Promise((resolve) => site?.close(resolve));
  if (work) await rm(work, { recursive: true, force: true });
});

async function firefoxPage(path: string): Promise<FirefoxPage> {
  const page = await firefox.openPage(path);
  openFirefoxPages.push(page);
  return page;
}

/**
 * Firefox's popup on its home screen: it re-attaches to the last session, which a person
 * ends with Cancel while it runs, Start over once it has ended.
 */
/** Chromium's send page offers `names` (under `source`) by code; Firefox's popup is at Accept. */
async function chromiumOffersToFirefox(
  source: string,
  names: string[],
): Promise<{ sendPage: Page; popup: FirefoxPage }> {
  const sendPage = await chromium.context.newPage();
  await sendPage.goto(`chrome-extension://${chromium.extensionId}/src/send/send.html`);
  await sendPage.setInputFiles(
    '#pick-files',
    names.map((name) => join(source, name)),
  );
  await sendPage.click('#send-by-code');
  const code = (await sendPage.locator('#session-code').textContent({ timeout: 15_000 }))!.trim();
  const popup = await firefoxHome();
  await popup.fill('#code', code);
  await popup.click('#connect');
  await popup.waitFor('#transfer[data-state="offered"]', 30_000);
  return { sendPage, popup };
}

async function firefoxHome(): Promise<FirefoxPage> {
  const popup = await firefoxPage('src/popup/popup.html');
  for (let attempt = 0; attempt < 5; attempt++) {
    await popup.waitFor('#send, #cancel, #start-over');
    const shown = await popup.script<string>(
      `return document.querySelector('#send, #cancel, #start-over')?.id ?? ''`,
    );
    if (shown === 'send') return popup;
    await popup.click(`#${shown}`).catch(() => undefined); // it changed under us: look again
  }
  await popup.waitFor('#send');
  return popup;
}

/** Random files of a few sizes (one empty), by name; returns their SHA-256 by name. */
async function sourceFiles(dir: string): Promise<Map<string, string>> {
  const sizes: Record<string, number> = {
    'big.bin': 9 * MiB + 17,
    'notes.md': 1234,
    'empty.txt': 0,
  };
  const hashes = new Map<string, string>();
  for (const [name, size] of Object.entries(sizes)) {
    await writeRandomFile(join(dir, name), size);
    hashes.set(name, await sha256File(join(dir, name)));
  }
  return hashes;
}

async function hashesIn(dir: string, names: string[]): Promise<Map<string, string>> {
  const hashes = new Map<string, string>();
  for (const name of names) hashes.set(name, await sha256File(join(dir, 'Peerbeam', name)));
  return hashes;
}

async function waitForChromiumTransfer(page: Page, state: string): Promise<void> {
  await page.locator(`#transfer[data-state="${state}"]`).waitFor({ timeout: 90_000 });
}

/** What a failure should show: the Firefox side's own words. */
async function firefoxSays(page: FirefoxPage): Promise<string> {
  return page
    .script<string>('return document.body.innerText')
    .catch((error: unknown) => String(error));
}

describe('Firefox and Chromium', () => {
  it('a Firefox extension sends files by code and a Chromium extension receives them byte-identical', async () => {
    const source = join(work, 'from-firefox');
    const expected = await sourceFiles(source);
    const sendPage = await firefoxPage('src/send/send.html');
    await sendPage.setInputFiles(
      '#pick-files',
      [...expected.keys()].map((name) => join(source, name)),
    );
    await sendPage.waitFor(`#picked[data-count="${expected.size}"]`);
    await sendPage.click('#send-by-code');
    const code = (
      await sendPage.text('#session-code').catch(async (error: unknown) => {
        throw new Error(`${String(error)}\nFirefox shows: ${await firefoxSays(sendPage)}`);
      })
    ).trim();

    const receiver = new Popup(await chromium.openPopup());
    await receiver.cancelRunningSession();
    await receiver.receive(code);
    await receiver.page.locator('#transfer[data-state="offered"]').waitFor({ timeout: 30_000 });
    await expect(receiver.page.locator('#transfer').textContent()).resolves.toContain('Fox laptop');
    await receiver.page.click('#accept');
    await waitForChromiumTransfer(receiver.page, 'complete');
    await sendPage.waitFor('#transfer[data-state="complete"]', 30_000);

    const saved = await waitForDownloads(chromiumDownloads, expected.size);
    expect(saved).toEqual([...expected.keys()].map((name) => `Peerbeam/${name}`).sort());
    expect(await hashesIn(chromiumDownloads, [...expected.keys()])).toEqual(expected);
    await receiver.page.close();
  });

  it('a Chromium extension sends files by code and a Firefox extension receives them byte-identical', async () => {
    const source = join(work, 'from-chromium');
    const expected = await sourceFiles(source);
    const { sendPage, popup } = await chromiumOffersToFirefox(source, [...expected.keys()]);
    expect(await popup.text('#transfer')).toContain('Chrome desktop');
    await popup.click('#accept');
    await popup
      .waitFor('#transfer[data-state="complete"]', 90_000)
      .catch(async (error: unknown) => {
        throw new Error(`${String(error)}\nFirefox shows: ${await firefoxSays(popup)}`);
      });
    await waitForChromiumTransfer(sendPage, 'complete');

    // Firefox writes a download under a temporary name first: wait for the real names.
    const names = [...expected.keys()].map((name) => `Peerbeam/${name}`).sort();
    await waitUntil(
      async () => JSON.stringify(await listFiles(firefoxDownloads)) === JSON.stringify(names),
      30_000,
      `Firefox's downloads to be ${names.join(', ')}`,
    );
    expect(await hashesIn(firefoxDownloads, [...expected.keys()])).toEqual(expected);
    // Byte-identical, and none of them a partial (.part) left behind.
    for (const name of expected.keys()) {
      const bytes = await readFile(join(firefoxDownloads, 'Peerbeam', name));
      expect(bytes.length).toBe((await readFile(join(source, name))).length);
    }
    await sendPage.close();
  });
});

/** The id of the paired device called `name`, as `popup` lists it. */
async function deviceIdIn(popup: FirefoxPage | Popup, name: string): Promise<string> {
  const selector = `#devices li[data-device="${name}"]`;
  const id =
    popup instanceof Popup
      ? await popup.page.locator(selector).getAttribute('data-id', { timeout: 20_000 })
      : await popup.attribute(selector, 'data-id');
  if (!id) throw new Error(`no paired device ${name}`);
  return id;
}

/**
 * A real right-click in Firefox: the page's link gets a secondary click (Firefox opens its
 * content-area context menu, where the extension's "Send link to ▸ <device>" is built), and
 * the device's entry is chosen from that menu.
 */
async function firefoxRightClickSendLink(page: FirefoxPage, deviceId: string): Promise<void> {
  await page.rightClick('#the-link');
  await firefox.chromeScript(
    `const [suffix] = arguments;
     const menu = Services.wm.getMostRecentWindow('navigator:browser')
       .document.getElementById('contentAreaContextMenu');
     return new Promise((resolve, reject) => {
       const deadline = Date.now() + 10000;
       const look = () => {
         const item = [...menu.querySelectorAll('menuitem')].find((el) => el.id.endsWith(suffix));
         if (item) {
           item.doCommand();
           menu.hidePopup();
           resolve(item.id);
         } else if (Date.now() > deadline) {
           reject(new Error('no menu entry ' + suffix + ' in ' +
             [...menu.querySelectorAll('[id*="-menuitem-"]')].map((el) => el.id).join(', ')));
         } else setTimeout(look, 100);
       };
       look();
     });`,
    [`-menuitem-_send-link:${deviceId}`],
  );
}

describe("Firefox's background page", () => {
  it('stays awake while a code waits past its idle timeout, and sleeps once there is no work', async () => {
    const popup = await firefoxHome();
    await popup.click('#send');
    const code = (await popup.text('#session-code')).trim();
    // No page open: only the engine's own keep-awake stands between the session and Firefox.
    await popup.close();
    openFirefoxPages.splice(openFirefoxPages.indexOf(popup), 1);
    await new Promise((resolve) => setTimeout(resolve, 3 * IDLE_TIMEOUT_MS));
    expect(await firefox.backgroundState()).toBe('running');

    const receiver = new Popup(await chromium.openPopup());
    await receiver.cancelRunningSession();
    await receiver.receive(code);
    await receiver.waitForStep('open', 30_000);
    await receiver.sendMessage('still there?');
    await receiver.page.click('#cancel');
    await receiver.page.close();
    // The session is over and nothing is paired: after the host's grace, Firefox may stop it.
    await waitUntil(
      async () => (await firefox.backgroundState()) === 'stopped',
      3_000 + 3 * IDLE_TIMEOUT_MS,
      'the background page to be stopped',
    );
  });
});

/** Pairs them the way people do: a code session, then "Remember" on both sides. */
async function pairByCode(): Promise<void> {
  const foxPopup = await firefoxHome();
  const chromePopup = new Popup(await chromium.openPopup());
  await chromePopup.cancelRunningSession();
  await foxPopup.click('#send');
  const code = (await foxPopup.text('#session-code')).trim();
  await chromePopup.receive(code);
  await Promise.all([
    foxPopup.waitFor('section[data-step="open"]', 30_000),
    chromePopup.waitForStep('open', 30_000),
  ]);
  await foxPopup.click('#remember');
  await chromePopup.page.click('#remember');
  await foxPopup.waitFor('#remembered');
  await chromePopup.page.locator('#remembered').waitFor();
  await foxPopup.click('#cancel');
  await foxPopup.close();
  await chromePopup.page.close();
  openFirefoxPages.splice(openFirefoxPages.indexOf(foxPopup), 1);
}

describe('paired Firefox and Chromium', () => {
  it('they pair, and a right-click link sent from each reaches the other', async () => {
    await pairByCode();

    const foxHome = await firefoxHome();
    const chromeHome = new Popup(await chromium.openPopup());
    const chromeId = await deviceIdIn(foxHome, 'Chrome desktop');
    const foxId = await deviceIdIn(chromeHome, 'Fox laptop');
    await chromeHome.waitForDeviceOnline('Fox laptop', 30_000);

    // Firefox → Chromium: a real right-click on a link; Chromium notifies, Open opens it.
    const article = await firefoxPage('about:blank');
    await article.navigate(`${siteUrl}/from-firefox`);
    await firefoxRightClickSendLink(article, chromeId);
    const notification = await waitForNotification(chromium, 'link:');
    const opened = chromium.context.waitForEvent('page', { timeout: 10_000 });
    const worker = await chromium.serviceWorker();
    await worker.evaluate((id) => {
      (
        chrome.notifications.onButtonClicked as unknown as {
          dispatch(id: string, button: number): void;
        }
      ).dispatch(id, 0);
    }, notification);
    const tab = await opened;
    await tab.waitForLoadState();
    expect(tab.url()).toBe(`${siteUrl}/from-firefox-linked`);
    await tab.close();
    await chromeHome.page
      .locator('#links li[data-direction="received"]', { hasText: '/from-firefox-linked' })
      .waitFor({ timeout: 10_000 });

    // Chromium → Firefox: the link is shown in a notification (no buttons in Firefox) and
    // listed in the popup.
    await rightClickSendLinks(chromium, foxId, [`${siteUrl}/from-chromium`]);
    await foxHome
      .waitFor('#links li[data-direction="received"]', 30_000)
      .catch((error: unknown) => {
        throw new Error(`${String(error)}\nFirefox said: ${firefox.output().slice(-3000)}`);
      });
    expect(await foxHome.text('#links li[data-direction="received"]')).toContain('127.0.0.1');
    const notes = await foxHome.script<Record<string, { title: string }>>(
      'return browser.notifications.getAll()',
    );
    expect(
      Object.entries(notes)
        .filter(([id]) => id.startsWith('link:'))
        .map(([, note]) => note.title),
    ).toEqual([expect.stringContaining('Chrome desktop')]);
    // A click on it opens the link in a new tab (Firefox notifications have no buttons).
    await firefox.clickNotification('Chrome desktop');
    await waitUntil(
      async () => (await firefox.tabUrls()).includes(`${siteUrl}/from-chromium`),
      10_000,
      'the link open in a Firefox tab',
    );
    await chromeHome.page.close();
  });
});

/**
 * What a viewer decoded is the shared tab's clock: only values it painted, moving forward,
 * well under a second late (as in tab-share.e2e.ts).
 */
function expectPaintedBy(
  stats: Pick<ProbeStats, 'values' | 'latencies'>,
  paintedByTab: number[],
): void {
  const painted = new Set(paintedByTab);
  expect(
    stats.values.filter((value) => !painted.has(value)),
    'decoded values the shared tab never painted',
  ).toEqual([]);
  expect(stats.values.at(-1)! - stats.values[0]!).toBeGreaterThan(0);
  const sorted = [...stats.latencies].sort((a, b) => a - b);
  expect(sorted[Math.floor(sorted.length / 2)]).toBeLessThan(1_000);
}

describe('share a tab from Firefox', () => {
  it('a Firefox share reaches a Chromium viewer: it decodes the frames the shared tab paints', async () => {
    const shared = await firefoxPage(probePages.paintedUrl);
    const popup = await firefoxHome();
    // Said up front: Firefox's own picker asks, and no sound goes with the picture.
    expect(await popup.text('#share-hint')).toBe(
      'Firefox asks what to share: pick the window that shows this tab. ' +
        'Only the picture is shared, without sound.',
    );
    await popup.click('#share-tab');
    // The capture window the share opened: a person's click there asks for getDisplayMedia.
    const capture = await firefox.pageAt('/src/capture/capture.html');
    await capture.click('#capture-pick');
    await capture.waitFor('body[data-state="sharing"]');
    const code = (await popup.text('#tab-code')).trim();
    expect(code).toMatch(/^[1-9][0-9]*-[a-z]+-[a-z]+$/);

    // The screen is what Firefox shares here: the tab fills it, as a person would show it.
    await firefox.fillScreenWith(probePages.paintedUrl, SCREEN);
    const viewer = await watchInExtension(chromium, code);
    const stats = await decodeFrames(viewer);
    expectPaintedBy(stats, await shared.script<number[]>('return peerbeamProbe.painted()'));

    // Stop in the popup ends it for the viewer, and the capture window closes itself.
    await popup.click('#stop-share');
    await viewer.locator('body[data-state="ended"]').waitFor({ timeout: 10_000 });
    await waitUntil(
      async () => !(await firefox.tabUrls()).some((url) => url.includes('/src/capture/')),
      10_000,
      'the capture window to close',
    );
    await viewer.close();
  });
});

describe('watch a shared tab in Firefox', () => {
  it("a Firefox viewer watches a Chromium tab share: the extension's viewer page decodes the frames the shared tab paints", async () => {
    const shared = await chromium.context.newPage();
    await shared.goto(probePages.paintedUrl);
    const sharer = await chromium.openPopup();
    await sharer.locator('#share-tab').waitFor({ timeout: 10_000 });
    // The popup acts on the active tab, as the toolbar popup does on the page under it.
    await shared.bringToFront();
    await sharer.click('#share-tab');
    const code = await shownCode(sharer);

    const popup = await firefoxHome();
    await popup.fill('#code', code);
    await popup.click('#connect');
    const viewer = await firefox.pageAt('/src/viewer/viewer.html', 20_000);
    openFirefoxPages.push(viewer);
    await viewer.waitFor('body[data-state="playing"]', 20_000);
    await startFirefoxDecoding(viewer);
    let stats = await firefoxDecodeStats(viewer);
    await waitUntil(
      async () => (stats = await firefoxDecodeStats(viewer)).values.length >= 20,
      15_000,
      '20 frames decoded in Firefox',
    );
    expectPaintedBy(stats, await paintedValues(shared));
    expect(stats.width).toBeGreaterThan(0);

    await sharer.click('#stop-share');
    await viewer.waitFor('body[data-state="ended"]', 10_000);
    await Promise.all([sharer.close(), shared.close()]);
  });
});

describe("Firefox's background page stopped", () => {
  it('the Firefox background page stopped mid-way loses nothing: a queued link still arrives', async () => {
    await pairByCode();
    const chromeHome = new Popup(await chromium.openPopup());
    const foxId = await deviceIdIn(chromeHome, 'Fox laptop');
    await chromeHome.waitForDeviceOnline('Fox laptop', 30_000);

    // Forced, as Firefox does when it finds the page idle: every socket of its engine goes.
    await firefox.stopBackground();
    expect(await firefox.backgroundState()).toBe('stopped');
    const url = `${siteUrl}/while-asleep`;
    await rightClickSendLinks(chromium, foxId, [url]);
    // Chromium's outbox keeps it: "waiting for Fox laptop to come online".
    const sent = (state: string) =>
      chromeHome.page.locator(`#links li[data-direction="sent"][data-state="${state}"]`, {
        hasText: url,
      });
    await sent('pending').waitFor({ timeout: 10_000 });

    // No page of the extension is opened: the page wakes by itself, and the link goes through.
    await waitUntil(
      async () => (await firefox.backgroundState()) === 'running',
      20_000,
      'the background page to wake by itself',
    );
    // Chromium's line to it may be in its backoff (up to 30 s) by then.
    await sent('delivered').waitFor({ timeout: 45_000 });
    const foxHome = await firefoxHome();
    await waitUntil(
      async () =>
        (
          await foxHome.script<string[]>(
            `return [...document.querySelectorAll('#links li[data-direction="received"] a')]
             .map((a) => a.href)`,
          )
        ).includes(url),
      10_000,
      'the link listed as received in Firefox',
    );
    await chromeHome.page.close();
  });
});

/** Every file left in the Firefox extension's OPFS scratch space, as `page` (ours) sees it. */
function firefoxScratchFiles(page: FirefoxPage): Promise<string[]> {
  return page.script<string[]>(
    `const out = [];
     const walk = async (dir, prefix) => {
       for await (const [name, handle] of dir.entries()) {
         if (handle.kind === 'directory') await walk(handle, prefix + name + '/');
         else out.push(prefix + name);
       }
     };
     return navigator.storage.getDirectory().then((root) => walk(root, '')).then(() => out);`,
  );
}

/** One large file (stopped well inside it) and a small one after it; SHA-256 by name. */
async function resumeFiles(dir: string): Promise<Map<string, string>> {
  const sizes: Record<string, number> = { 'large.bin': 160 * MiB + 17, 'after.txt': 4321 };
  const hashes = new Map<string, string>();
  for (const [name, size] of Object.entries(sizes)) {
    await writeRandomFile(join(dir, name), size);
    hashes.set(name, await sha256File(join(dir, name)));
  }
  return hashes;
}

/** Waits until `page`'s transfer counts at least `bytes` done (a Chromium page). */
async function chromiumProgressed(page: Page, bytes: number): Promise<void> {
  await page.waitForFunction(
    (min) => Number(document.querySelector('#transfer')?.getAttribute('data-done') ?? 0) >= min,
    bytes,
    { timeout: 60_000, polling: 50 },
  );
}

/**
 * With the Chromium side's `page` showing the transfer: once it is past the first checkpoint
 * (16 MiB) and well before its end, Firefox stops its background page, as it does when it
 * finds it idle; the transfer must still complete. Loopback is slowed to a home network's pace
 * meanwhile, so the stop lands mid-file. Returns the times from the stop until the bytes flow
 * again and until the end.
 */
async function stopFirefoxMidTransfer(page: Page): Promise<{ resumedMs: number; doneMs: number }> {
  const path = narrowLoopback('120mbit', '256kb');
  try {
    await chromiumProgressed(page, 24 * MiB);
    const transfer = page.locator('#transfer');
    const total = Number(await transfer.getAttribute('data-total'));
    expect(Number(await transfer.getAttribute('data-done'))).toBeLessThan(total / 2);

    const stoppedAt = Date.now();
    await firefox.stopBackground();
    const chromiumShows = async () =>
      `Chromium shows ${await transfer.getAttribute('data-state')}: ` +
      (await page.locator('body').innerText()).slice(0, 400);
    // Chromium sees the connection go and waits for Firefox to come back.
    await waitForChromiumTransfer(page, 'reconnecting').catch(async (error: unknown) => {
      throw new Error(`${String(error)}\n${await chromiumShows()}`);
    });
    await page
      .locator('#transfer[data-state="transferring"], #transfer[data-state="complete"]')
      .waitFor({ timeout: 150_000 })
      .catch(() => undefined); // the end's wait below says what went wrong
    const resumedMs = Date.now() - stoppedAt;
    await page
      .locator('#transfer[data-state="complete"]')
      .waitFor({ timeout: 150_000 })
      .catch(async (error: unknown) => {
        throw new Error(
          `${String(error)}\n${await chromiumShows()}\n` +
            `Firefox said: ${firefox.output().slice(-4000)}`,
        );
      });
    return { resumedMs, doneMs: Date.now() - stoppedAt };
  } finally {
    path.widen();
  }
}

describe("Firefox's background page stopped mid-transfer", () => {
  it('a running transfer resumes after the Firefox background page is stopped: Firefox receiving', async () => {
    const source = join(work, 'resume-to-firefox');
    const expected = await resumeFiles(source);
    const { sendPage, popup } = await chromiumOffersToFirefox(source, [...expected.keys()]);
    await popup.click('#accept');
    // No page of the extension open: nothing but Firefox itself can start the page again.
    await popup.close();
    openFirefoxPages.splice(openFirefoxPages.indexOf(popup), 1);
    const took = await stopFirefoxMidTransfer(sendPage);
    console.log(
      `Firefox receiving, after the stop: resumed ${took.resumedMs} ms, done ${took.doneMs} ms`,
    );

    // Firefox makes each download's file (empty) before it writes it: wait for the bytes too.
    const names = [...expected.keys()].map((name) => `Peerbeam/${name}`).sort();
    const complete = async () => {
      if (JSON.stringify(await listFiles(firefoxDownloads)) !== JSON.stringify(names)) return false;
      for (const name of expected.keys()) {
        const [have, want] = await Promise.all([
          fileSize(join(firefoxDownloads, 'Peerbeam', name)),
          fileSize(join(source, name)),
        ]);
        if (have !== want) return false;
      }
      return true;
    };
    await waitUntil(complete, 30_000, `Firefox's downloads to be ${names.join(', ')}, whole`);
    expect(await hashesIn(firefoxDownloads, [...expected.keys()])).toEqual(expected);
    // Resumed, not started over: at most the receive window and one checkpoint came twice.
    const resent = Number(await sendPage.locator('#transfer').getAttribute('data-resent'));
    expect(resent).toBeLessThanOrEqual(48 * MiB);
    // Firefox shows it complete, and no partial copy is left in its scratch space.
    const home = await firefoxPage('src/popup/popup.html');
    await home.waitFor('#transfer[data-state="complete"]', 15_000);
    await waitUntil(
      async () => (await firefoxScratchFiles(home)).length === 0,
      15_000,
      'no copy left in Firefox OPFS',
    );
    // Its record (with the resume secret) is gone, and nothing wakes the page for it any more.
    await waitUntil(
      async () =>
        await home.script<boolean>(
          `return Promise.all([browser.storage.session.get(null), browser.alarms.getAll()])
             .then(([kept, alarms]) => !Object.keys(kept).some((key) => key.startsWith('transfer:'))
               && !alarms.some((alarm) => alarm.name === 'peerbeam-resume'));`,
        ),
      10_000,
      'the transfer record and its wake alarm to be gone',
    );
    await sendPage.close();
  }, 240_000);

  it('a running transfer resumes after the Firefox background page is stopped: Firefox sending', async () => {
    const source = join(work, 'resume-from-firefox');
    const expected = await resumeFiles(source);
    // The send page holds the files: it stays open (closing it ends what it picked).
    const sendPage = await firefoxPage('src/send/send.html');
    await sendPage.setInputFiles(
      '#pick-files',
      [...expected.keys()].map((name) => join(source, name)),
    );
    await sendPage.waitFor(`#picked[data-count="${expected.size}"]`);
    await sendPage.click('#send-by-code');
    const code = (await sendPage.text('#session-code')).trim();

    const receiver = new Popup(await chromium.openPopup());
    await receiver.cancelRunningSession();
    await receiver.receive(code);
    await receiver.page.locator('#transfer[data-state="offered"]').waitFor({ timeout: 30_000 });
    await receiver.page.click('#accept');
    const took = await stopFirefoxMidTransfer(receiver.page);
    console.log(
      `Firefox sending, after the stop: resumed ${took.resumedMs} ms, done ${took.doneMs} ms`,
    );

    const saved = await waitForDownloads(chromiumDownloads, expected.size);
    expect(saved).toEqual([...expected.keys()].map((name) => `Peerbeam/${name}`).sort());
    expect(await hashesIn(chromiumDownloads, [...expected.keys()])).toEqual(expected);
    const recoveries = await receiver.page.locator('#transfer').getAttribute('data-recoveries');
    expect(Number(recoveries)).toBeGreaterThanOrEqual(1);
    // The send page follows the resumed transfer to its end.
    await sendPage.waitFor('#transfer[data-state="complete"]', 30_000);
    await receiver.page.close();
  }, 240_000);
});
