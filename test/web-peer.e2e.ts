/**
 * The no-install web page as a full Peerbeam peer (issue #15): the extension in one Chromium,
 * the page at the signaling service's `/` in a second Chromium without the extension, both
 * directions byte-identical; the bad inputs a person meets, each a clear message with nothing
 * partial left as if complete; and the page at a phone's size in both languages.
 */
import { mkdir, mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { launchBrowser, type PeerbeamBrowser } from './harness/browser.js';
import { WORDS } from '../src/core/words.js';
import { listFiles, sha256File, waitForDownloads } from './harness/files.js';
import { ROOT, assertIsolatedNetwork } from './harness/paths.js';
import { Popup } from './harness/popup.js';
import { startSignaling, type RunningSignaling } from './harness/signaling.js';
import {
  decodeFrames,
  paintedValues,
  startProbePages,
  type ProbePages,
} from './harness/tab-probe.js';
import { launchWatchSharer, type WatchSharer } from './harness/watch-share.js';
import { PHONE, smallTargets } from './harness/watch-page.js';
import { launchWebPeerBrowser, type WebPeerBrowser } from './harness/web-page.js';
import {
  SAMPLE_FILES,
  expectEveryFileSaved,
  expectSampleDownloads,
  pickThreeFilesAndAFolder,
  receiveOnWebPage,
  sendByCode,
  transfer,
  writeSampleFiles,
} from './harness/web-transfer.js';

const MiB = 1024 * 1024;
const SHOTS = `${ROOT}.tmp/web-peer`;
let work: string;
let source: string;
let signaling: RunningSignaling;
let alice: PeerbeamBrowser;
let aliceDownloads: string;
let web: WebPeerBrowser;

beforeAll(async () => {
  assertIsolatedNetwork();
  await mkdir(SHOTS, { recursive: true });
  work = await mkdtemp(join(tmpdir(), 'peerbeam-web-peer-'));
  aliceDownloads = join(work, 'alice-downloads');
  source = join(work, 'source');
  signaling = await startSignaling();
  [alice, web] = await Promise.all([
    launchBrowser({ name: 'alice', downloadsDir: aliceDownloads }),
    launchWebPeerBrowser({}),
  ]);
  await alice.setSettings({ signalingUrl: signaling.url, deviceName: 'Alice laptop' });
  await writeSampleFiles(source);
});

beforeEach(async () => {
  await Promise.all([
    rm(aliceDownloads, { recursive: true, force: true }),
    rm(web.downloads, { recursive: true, force: true }),
  ]);
});

afterAll(async () => {
  await Promise.allSettled([alice?.close(), web?.close()]);
  await signaling?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

async function openAliceSendPage(): Promise<Page> {
  const page = await alice.context.newPage();
  await page.goto(`chrome-extension://${alice.extensionId}/src/send/send.html`);
  return page;
}

describe('the web page is a full Peerbeam peer, interoperating with the extension', () => {
  it('extension → web page (no extension): three files and a folder arrive byte-identical, by the link the send page shows', async () => {
    const sendPage = await openAliceSendPage();
    await pickThreeFilesAndAFolder(sendPage, source);
    const code = await sendByCode(sendPage);
    // The send page shows the web page's link next to the code, and its QR code.
    const link = await sendPage.locator('#receive-url').inputValue();
    expect(link).toBe(`${signaling.httpUrl}/#${code}`);
    expect(await sendPage.locator('#receive-qr').getAttribute('data-link')).toBe(link);

    // The phone scans the link: the page receives by it at once.
    const page = await web.open(link);
    await transfer(page, 'offered', 20_000);
    expect(await page.locator('#transfer').textContent()).toContain('Alice laptop');
    // The limit is stated before Accept.
    await expect(page.locator('#room').textContent()).resolves.toMatch(/can keep up to/);
    expect(page.url()).toBe(`${signaling.httpUrl}/`);
    await page.click('#accept');
    await Promise.all([transfer(page, 'complete'), transfer(sendPage, 'complete')]);
    await expectEveryFileSaved(page, SAMPLE_FILES.length);

    // A download's name holds no folder: album/one.jpg is saved as album_one.jpg.
    await expectSampleDownloads(web.downloads, source);
    await Promise.all([page.close(), sendPage.close()]);
  }, 120_000);

  it('web page → extension: files and a folder picked on the web page arrive byte-identical', async () => {
    const page = await web.open(`${signaling.httpUrl}/`);
    await page.click('#send-files');
    await pickThreeFilesAndAFolder(page, source);
    const code = await sendByCode(page);

    const receiver = new Popup(await alice.openPopup());
    await receiver.cancelRunningSession();
    await receiver.receive(code);
    await transfer(receiver.page, 'offered', 20_000);
    expect(await receiver.page.locator('#transfer').textContent()).toContain('Web browser');
    await receiver.page.click('#accept');
    await Promise.all([transfer(receiver.page, 'complete'), transfer(page, 'complete')]);

    const saved = await waitForDownloads(aliceDownloads, 5);
    expect(saved).toEqual(SAMPLE_FILES.map((path) => `Peerbeam/${path}`).sort());
    for (const original of SAMPLE_FILES) {
      expect(await sha256File(join(aliceDownloads, 'Peerbeam', original)), original).toBe(
        await sha256File(join(source, original)),
      );
    }
    await Promise.all([page.close(), receiver.page.close()]);
  }, 120_000);
});

describe('a text and a link, both ways', () => {
  /** Each side says something with a link in it; each reads the other's words. */
  async function talk(extension: Popup, page: Page): Promise<void> {
    const webPage = new Popup(page); // the same chat component, the same controls
    await webPage.sendMessage('from the phone: https://example.org/photos?id=7');
    await extension.waitForPeerMessage('from the phone: https://example.org/photos?id=7');
    await extension.sendMessage('from the laptop: https://example.com/notes#today');
    await webPage.waitForPeerMessage('from the laptop: https://example.com/notes#today');
  }

  it('the extension’s code, typed on the web page: a text and a link go both ways', async () => {
    const extension = new Popup(await alice.openPopup());
    await extension.cancelRunningSession();
    const code = await extension.send();
    const page = await web.open(`${signaling.httpUrl}/`);
    await receiveOnWebPage(page, code);
    await new Popup(page).waitForStep('open');
    await talk(extension, page);
    await Promise.all([page.close(), extension.page.close()]);
  });

  it('the web page’s code, typed in the extension: a text and a link go both ways', async () => {
    const page = await web.open(`${signaling.httpUrl}/`);
    await page.click('#send-text');
    const code = (await page.locator('#session-code').textContent())!.trim();
    // The code comes with the web page's link (a second phone could scan it).
    expect(await page.locator('#receive-url').inputValue()).toBe(`${signaling.httpUrl}/#${code}`);
    const extension = new Popup(await alice.openPopup());
    await extension.cancelRunningSession();
    await extension.receive(code);
    await extension.waitForStep('open');
    await talk(extension, page);
    await Promise.all([page.close(), extension.page.close()]);
  });
});

/** Alice offers one small file from her send page; returns the page and the code. */
async function aliceOffersOneFile(bytes = 10): Promise<{ sendPage: Page; code: string }> {
  const sendPage = await openAliceSendPage();
  await sendPage.setInputFiles('#pick-files', {
    name: 'secret.txt',
    mimeType: 'text/plain',
    buffer: Buffer.alloc(bytes, 'x'),
  });
  return { sendPage, code: await sendByCode(sendPage) };
}

/** The web page's one error for its session (the shared Session component's). */
async function sessionError(page: Page): Promise<{ code: string | null; text: string }> {
  const error = page.locator('#session-error, #receive-error').first();
  await error.waitFor({ timeout: 20_000 }).catch(async (cause: unknown) => {
    const says = await page.locator('body').innerText();
    throw new Error(`no error on the page, which says: ${says}`, { cause });
  });
  return { code: await error.getAttribute('data-code'), text: (await error.textContent()) ?? '' };
}

describe('bad input on the web page: each a clear message, nothing partial left as if complete', () => {
  it('a wrong code: the receiver is told it did not match, nothing is saved', async () => {
    const { sendPage, code } = await aliceOffersOneFile();
    const [nameplate, first, second] = code.split('-') as [string, string, string];
    const other = WORDS.find((word) => word !== first && word !== second)!;
    const page = await web.open(`${signaling.httpUrl}/`);
    await receiveOnWebPage(page, `${nameplate}-${first}-${other}`);
    const said = await sessionError(page);
    expect(said.code).toBe('CODE_MISMATCH');
    expect(said.text).toContain('did not match');
    expect(await listFiles(web.downloads)).toEqual([]);
    await Promise.all([page.close(), sendPage.close()]);
  });

  it('a file larger than this browser can keep: refused before Accept with the limit, nothing saved', async () => {
    const page = await web.open(`${signaling.httpUrl}/`);
    // The room this browser gives the page (its storage quota left), and a file 1 MiB larger:
    // sparse, so it costs no disk; it is refused before a byte of it is sent.
    const room = await page.evaluate(async () => {
      const { quota = 0, usage = 0 } = await navigator.storage.estimate();
      return quota - usage;
    });
    const huge = join(work, 'huge.bin');
    await writeFile(huge, '');
    await truncate(huge, room + MiB);
    const sendPage = await openAliceSendPage();
    await sendPage.setInputFiles('#pick-files', huge);
    const code = await sendByCode(sendPage);
    await receiveOnWebPage(page, code);
    const said = await sessionError(page);
    expect(said.code).toBe('NO_ROOM');
    expect(said.text).toMatch(/can keep only .*B here.*Nothing was saved/);
    // Never offered: no Accept, and the sender hears it did not go, and why.
    expect(await page.locator('#accept').count()).toBe(0);
    await sendPage.locator('#session-error[data-code="PEER_NO_ROOM"]').waitFor({ timeout: 15_000 });
    expect(await sendPage.locator('#transfer').getAttribute('data-state')).toBe('failed');
    expect(await listFiles(web.downloads)).toEqual([]);
    await Promise.all([page.close(), sendPage.close(), rm(huge)]);
  });

  it('an expired code, then the server down: each a clear message', async () => {
    const expiring = await startSignaling({ MAILBOX_TTL_SECONDS: '1' });
    try {
      await alice.setSettings({ signalingUrl: expiring.url });
      const { sendPage, code } = await aliceOffersOneFile();
      await sendPage
        .locator('#session-error[data-code="CODE_EXPIRED"]')
        .waitFor({ timeout: 15_000 });
      const page = await web.open(`${expiring.httpUrl}/`);
      await receiveOnWebPage(page, code);
      const expired = await sessionError(page);
      expect(expired.code).toBe('NO_SUCH_CODE');
      expect(expired.text).toContain('No one is waiting with that code');

      await page.click('#retry');
      await expiring.stop();
      await receiveOnWebPage(page, code);
      const down = await sessionError(page);
      expect(down.code).toBe('SIGNALING_UNREACHABLE');
      // The page's own words: it has no Settings to point at.
      expect(down.text).toContain('Cannot reach the server this page came from');
      expect(down.text).not.toContain('Settings');
      expect(await listFiles(web.downloads)).toEqual([]);
      await Promise.all([page.close(), sendPage.close()]);
    } finally {
      await alice.setSettings({ signalingUrl: signaling.url });
      await expiring.stop();
    }
  }, 60_000);
});

describe('the web page at a phone’s size (360×740)', () => {
  it.each([
    ['en-US', 'Receive with a code', 'trust that server'],
    ['zh-CN', '用代码接收', '信任该服务器'],
  ])(
    'in %s every main control is visible, touch-sized, and the page says it trusts its server',
    async (locale, heading, trust) => {
      const phone = locale === 'en-US' ? web : await launchWebPeerBrowser({ locale });
      try {
        const page = await phone.open(`${signaling.httpUrl}/`);
        await page.locator('#receive-heading').waitFor();
        expect(await page.locator('#receive-heading').textContent()).toBe(heading);
        expect(await page.getAttribute('html', 'lang')).toBe(locale === 'en-US' ? 'en' : 'zh-CN');
        const trustText = (await page.locator('#trust').textContent()) ?? '';
        expect(trustText).toContain(trust);
        expect(trustText).toContain(new URL(signaling.httpUrl).host);
        await page.fill('#code', '7-apple-river');
        for (const id of ['code', 'receive', 'send-files', 'send-text', 'watch-link', 'trust']) {
          const box = await page.locator(`#${id}`).boundingBox();
          expect(box, id).not.toBeNull();
          expect(box!.x, id).toBeGreaterThanOrEqual(0);
          expect(box!.x + box!.width, id).toBeLessThanOrEqual(PHONE.width);
          expect(box!.y + box!.height, id).toBeLessThanOrEqual(PHONE.height);
        }
        expect(await smallTargets(page)).toEqual([]);
        const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
        expect(scrollWidth).toBeLessThanOrEqual(PHONE.width);
        await page.screenshot({ path: `${SHOTS}/home-${locale}.png` });

        await page.click('#send-files');
        await page.locator('#choose-files').waitFor();
        for (const id of ['back', 'choose-files', 'choose-folder']) {
          const box = await page.locator(`#${id}`).boundingBox();
          expect(box!.y + box!.height, id).toBeLessThanOrEqual(PHONE.height);
        }
        expect(await smallTargets(page)).toEqual([]);
        await page.screenshot({ path: `${SHOTS}/send-${locale}.png` });
        await page.close();
      } finally {
        if (phone !== web) await phone.close();
      }
    },
  );
});

describe('a tab share’s code on the web page’s start screen', () => {
  let sharer: WatchSharer;
  let probes: ProbePages;

  beforeAll(async () => {
    [sharer, probes] = await Promise.all([launchWatchSharer(signaling.url), startProbePages()]);
  }, 60_000);

  afterAll(async () => {
    await Promise.allSettled([sharer?.close(), probes?.stop()]);
  });

  it('a tab code typed on the web page plays the shared tab', async () => {
    const { tab, popup, code } = await sharer.share(probes.paintedUrl);
    const page = await web.open(`${signaling.httpUrl}/`);
    // Keyboard only: the field has focus, Enter submits.
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('code');
    await page.keyboard.type(code);
    await page.keyboard.press('Enter');

    const shown = page.locator(
      '.player[data-state="playing"], .player[data-state="failed"], #session-error, #receive-error',
    );
    await shown.first().waitFor({ timeout: 30_000 });
    const says = await page.locator('body').innerText();
    expect(await page.locator('.player[data-state="playing"]').count(), says).toBe(1);
    // The watch screen, with no second code to type; focus is on the player, not <body>.
    expect(new URL(page.url()).pathname).toBe('/watch');
    expect(await page.evaluate(() => document.activeElement?.tagName)).not.toBe('BODY');
    const stats = await decodeFrames(page);
    const painted = new Set(await paintedValues(tab));
    expect(stats.values.filter((value) => !painted.has(value))).toEqual([]);
    expect(stats.values.at(-1)! - stats.values[0]!).toBeGreaterThan(0);
    await popup.locator('#tab-viewers[data-count="1"]').waitFor({ timeout: 10_000 });
    await page.screenshot({ path: `${SHOTS}/watch-from-home.png` });

    // The sharer stops: the watch ends, and Home (or Back) is the start screen again.
    await popup.click('#stop-share');
    await page.locator('.player[data-state="ended"]').waitFor({ timeout: 15_000 });
    expect(await page.locator('#home-link').getAttribute('href')).toBe('/');
    expect(await page.locator('#home-link').isVisible()).toBe(true);
    await page.goBack();
    await page.locator('#receive-heading').waitFor({ timeout: 10_000 });
    expect(new URL(page.url()).pathname).toBe('/');
    await Promise.all([page.close(), tab.close(), popup.close()]);
  }, 90_000);
});
