/**
 * Receiving in the no-install web page (issue #15), the parts web-peer.e2e.ts does not cover:
 * a browser that cannot stage files on disk (no OPFS) takes small files in memory and refuses
 * a larger one before Accept with its limit; a web page receives from another web page; and a
 * drop of the network mid-transfer resumes while the page stays open.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page, WebSocketRoute } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { launchBrowser, type PeerbeamBrowser } from './harness/browser.js';
import { listFiles, sha256File, waitForDownloads, writeRandomFile } from './harness/files.js';
import { ROOT, assertIsolatedNetwork } from './harness/paths.js';
import { Popup } from './harness/popup.js';
import { startRelayProxy } from './harness/relay-proxy.js';
import { startSignaling, type RunningSignaling } from './harness/signaling.js';
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
/** A desktop's memory limit without OPFS (src/web/memory-scratch.ts), as a person reads it. */
const MEMORY_LIMIT = 250_000_000;
const SHOTS = `${ROOT}.tmp/web-peer`;
let work: string;
let source: string;
let signaling: RunningSignaling;
let alice: PeerbeamBrowser;
let web: WebPeerBrowser;

beforeAll(async () => {
  assertIsolatedNetwork();
  work = await mkdtemp(join(tmpdir(), 'peerbeam-web-receive-'));
  source = join(work, 'source');
  signaling = await startSignaling();
  [alice, web] = await Promise.all([
    launchBrowser({ name: 'alice', downloadsDir: join(work, 'alice-downloads') }),
    launchWebPeerBrowser({}),
  ]);
  await alice.setSettings({ signalingUrl: signaling.url, deviceName: 'Alice laptop' });
  await writeSampleFiles(source);
});

beforeEach(async () => {
  await rm(web.downloads, { recursive: true, force: true });
});

afterAll(async () => {
  await Promise.allSettled([alice?.close(), web?.close()]);
  await signaling?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

/** Alice's send page with `files` picked, sending by code; returns the page and the code. */
async function aliceSends(files: string | string[]): Promise<{ sendPage: Page; code: string }> {
  const sendPage = await alice.context.newPage();
  await sendPage.goto(`chrome-extension://${alice.extensionId}/src/send/send.html`);
  await sendPage.setInputFiles('#pick-files', files);
  return { sendPage, code: await sendByCode(sendPage) };
}

describe('a browser that cannot stage files on disk (no OPFS) receives in memory, small files only', () => {
  let noDisk: WebPeerBrowser;
  beforeAll(async () => {
    noDisk = await launchWebPeerBrowser({ withoutOpfs: true });
  });
  beforeEach(async () => {
    await rm(noDisk.downloads, { recursive: true, force: true });
  });
  afterAll(async () => {
    await noDisk?.close();
  });

  it('a small file from the extension arrives byte-identical, the memory limit stated before Accept', async () => {
    const file = join(source, 'album', 'deeper', 'two.jpg');
    const { sendPage, code } = await aliceSends(file);
    const page = await noDisk.open(`${signaling.httpUrl}/`);
    expect(await page.evaluate(() => typeof navigator.storage.getDirectory)).toBe('undefined');
    // Said on the start screen already, before a code is typed.
    const home = page.locator('#room[data-staging="memory"]');
    await home.waitFor({ timeout: 10_000 });
    expect(await home.textContent()).toMatch(/up to 250\u00a0MB/);
    await page.screenshot({ path: `${SHOTS}/home-in-memory-en-US.png` });
    await receiveOnWebPage(page, code);
    await transfer(page, 'offered', 20_000);
    const room = page.locator('#room');
    expect(await room.getAttribute('data-staging')).toBe('memory');
    expect(await room.textContent()).toMatch(
      /cannot save files to disk as they arrive.*up to 250\u00a0MB.*Peerbeam extension/,
    );
    await page.screenshot({ path: `${SHOTS}/offered-in-memory-en-US.png` });
    await page.click('#accept');
    await Promise.all([transfer(page, 'complete'), transfer(sendPage, 'complete')]);
    expect(await page.locator('#transfer li[data-state]').getAttribute('data-state')).toBe('saved');
    expect(await waitForDownloads(noDisk.downloads, 1)).toEqual(['two.jpg']);
    expect(await sha256File(join(noDisk.downloads, 'two.jpg'))).toBe(await sha256File(file));
    await Promise.all([page.close(), sendPage.close()]);
  });

  it('a file larger than what this browser can take without streaming is refused before Accept', async () => {
    // Sparse, so it costs no disk: it is refused before a byte of it is sent.
    const huge = join(work, 'huge.bin');
    await writeFile(huge, '');
    await truncate(huge, MEMORY_LIMIT + 1);
    const { sendPage, code } = await aliceSends(huge);
    const page = await noDisk.open(`${signaling.httpUrl}/`);
    await receiveOnWebPage(page, code);
    const error = page.locator('#session-error');
    await error.waitFor({ timeout: 20_000 });
    expect(await error.getAttribute('data-code')).toBe('NO_ROOM');
    // The limit, why, and where to go instead.
    expect(await error.textContent()).toMatch(
      /cannot save files to disk as they arrive, and 250\u00a0MB is all it can keep in memory.*Nothing was saved.*Chrome.*Peerbeam extension/,
    );
    // Never offered: no Accept; the sender hears it did not go.
    expect(await page.locator('#accept').count()).toBe(0);
    await sendPage.locator('#transfer[data-state="failed"]').waitFor({ timeout: 15_000 });
    // …and why: the receiving browser's limit, and what to do instead.
    const told = sendPage.locator('#session-error');
    expect(await told.getAttribute('data-code')).toBe('PEER_NO_ROOM');
    expect(await told.textContent()).toMatch(
      /receiver's browser can keep only 250\u00a0MB.*Nothing was sent.*Peerbeam extension/,
    );
    await page.screenshot({ path: `${SHOTS}/refused-in-memory-en-US.png` });
    await sendPage.screenshot({ path: `${SHOTS}/refused-in-memory-sender-en-US.png` });
    expect(await listFiles(noDisk.downloads)).toEqual([]);
    await Promise.all([page.close(), sendPage.close(), rm(huge)]);
  });
});

describe('the memory limit in Chinese (zh-CN, 360×740)', () => {
  it('the limit before Accept and a refused larger file are stated in Chinese', async () => {
    const phone = await launchWebPeerBrowser({ locale: 'zh-CN', withoutOpfs: true });
    const huge = join(work, 'huge-zh.bin');
    try {
      const small = await aliceSends(join(source, 'notes.md'));
      const page = await phone.open(`${signaling.httpUrl}/`);
      await receiveOnWebPage(page, small.code);
      await transfer(page, 'offered', 20_000);
      expect(await page.locator('#room').textContent()).toContain('一次最多可接收 250\u00a0MB');
      await page.screenshot({ path: `${SHOTS}/offered-in-memory-zh-CN.png` });
      await page.click('#decline');
      await Promise.all([page.close(), small.sendPage.close()]);

      await writeFile(huge, '');
      await truncate(huge, MEMORY_LIMIT + 1);
      const large = await aliceSends(huge);
      const refused = await phone.open(`${signaling.httpUrl}/`);
      await receiveOnWebPage(refused, large.code);
      const error = refused.locator('#session-error[data-code="NO_ROOM"]');
      await error.waitFor({ timeout: 20_000 });
      expect(await error.textContent()).toContain('内存中最多只能存放 250\u00a0MB');
      await refused.screenshot({ path: `${SHOTS}/refused-in-memory-zh-CN.png` });
      expect(await listFiles(phone.downloads)).toEqual([]);
      await Promise.all([refused.close(), large.sendPage.close()]);
    } finally {
      await Promise.allSettled([phone.close(), rm(huge)]);
    }
  });
});

describe('web page → web page, no extension on either side', () => {
  let other: WebPeerBrowser;
  beforeAll(async () => {
    other = await launchWebPeerBrowser({});
  });
  afterAll(async () => {
    await other?.close();
  });

  it('a web page receives files from another web page: three files and a folder, byte-identical', async () => {
    const sender = await other.open(`${signaling.httpUrl}/`);
    await sender.click('#send-files');
    await pickThreeFilesAndAFolder(sender, source);
    const code = await sendByCode(sender);
    const page = await web.open(`${signaling.httpUrl}/`);
    await receiveOnWebPage(page, code);
    await transfer(page, 'offered', 20_000);
    expect(await page.locator('#transfer').textContent()).toContain('Web browser');
    await page.click('#accept');
    await Promise.all([transfer(page, 'complete'), transfer(sender, 'complete')]);
    await expectEveryFileSaved(page, SAMPLE_FILES.length);
    await expectSampleDownloads(web.downloads, source);
    await Promise.all([page.close(), sender.close()]);
  }, 120_000);

  it('a web page receives a text and a link from another web page, and answers', async () => {
    const starter = await other.open(`${signaling.httpUrl}/`);
    await starter.click('#send-text');
    const code = (await starter.locator('#session-code').textContent())!.trim();
    const page = await web.open(`${signaling.httpUrl}/`);
    await receiveOnWebPage(page, code);
    const [one, two] = [new Popup(starter), new Popup(page)];
    await Promise.all([one.waitForStep('open'), two.waitForStep('open')]);
    await one.sendMessage('from one page: https://example.org/photos?id=7');
    await two.waitForPeerMessage('from one page: https://example.org/photos?id=7');
    await two.sendMessage('from the other: https://example.com/notes#today');
    await one.waitForPeerMessage('from the other: https://example.com/notes#today');
    await Promise.all([page.close(), starter.close()]);
  });
});

describe('saving into a folder the person picks (File System Access)', () => {
  it("a folder picked before Accept keeps the sender's folders and replaces no file already there", async () => {
    const picking = await launchWebPeerBrowser({ pickFolder: 'Received' });
    try {
      const sendPage = await alice.context.newPage();
      await sendPage.goto(`chrome-extension://${alice.extensionId}/src/send/send.html`);
      await pickThreeFilesAndAFolder(sendPage, source);
      const code = await sendByCode(sendPage);
      const page = await picking.open(`${signaling.httpUrl}/`);
      // The person's folder already holds a notes.md of their own.
      await page.evaluate(async () => {
        const root = await navigator.storage.getDirectory();
        const folder = await root.getDirectoryHandle('Received', { create: true });
        const writable = await (
          await folder.getFileHandle('notes.md', { create: true })
        ).createWritable();
        await writable.write('mine');
        await writable.close();
      });
      await receiveOnWebPage(page, code);
      await transfer(page, 'offered', 20_000);
      expect(await page.locator('#folder-chosen').textContent()).toMatch(/downloads/);
      // With the keyboard, as a person may: the button takes Enter.
      await page.locator('#choose-folder').focus();
      await page.keyboard.press('Enter');
      await page.locator('#folder-chosen', { hasText: '“Received”' }).waitFor({ timeout: 5_000 });
      await page.screenshot({ path: `${SHOTS}/offered-into-folder-en-US.png` });
      await page.click('#accept');
      await Promise.all([transfer(page, 'complete'), transfer(sendPage, 'complete')]);
      expect(await page.locator('#transfer-where').textContent()).toBe('Saved into “Received”');

      const saved = await page.evaluate(async () => {
        const hex = async (file: File) =>
          [...new Uint8Array(await crypto.subtle.digest('SHA-256', await file.arrayBuffer()))]
            .map((byte) => byte.toString(16).padStart(2, '0'))
            .join('');
        const found: Record<string, string> = {};
        const walk = async (folder: FileSystemDirectoryHandle, prefix: string) => {
          for await (const entry of (
            folder as unknown as { values(): AsyncIterable<FileSystemHandle> }
          ).values()) {
            if (entry instanceof FileSystemDirectoryHandle) {
              await walk(entry, `${prefix}${entry.name}/`);
            } else {
              found[`${prefix}${entry.name}`] = await hex(
                await (entry as FileSystemFileHandle).getFile(),
              );
            }
          }
        };
        await walk(
          await (await navigator.storage.getDirectory()).getDirectoryHandle('Received'),
          '',
        );
        return found;
      });
      const expected: Record<string, string> = {
        'notes.md': createHash('sha256').update('mine').digest('hex'),
      };
      for (const path of SAMPLE_FILES) {
        expected[path === 'notes.md' ? 'notes (1).md' : path] = await sha256File(
          join(source, path),
        );
      }
      expect(saved).toEqual(expected);
      // Nothing went to the downloads instead.
      expect(await listFiles(picking.downloads)).toEqual([]);
      await Promise.all([page.close(), sendPage.close()]);
    } finally {
      await picking.close();
    }
  }, 120_000);
});

describe('a drop resumes while the page stays open', () => {
  const OUTAGE_MS = 6_000;
  it.each([
    ['files staged on disk', false],
    ['files in memory, no OPFS', true],
  ])(
    'resume after a network drop on the web page (%s): the download is byte-identical, not started over',
    async (_, withoutOpfs) => {
      // Large enough to be mid-way when the network goes; small enough for the memory limit.
      const big = join(work, 'large.bin');
      await writeRandomFile(big, 128 * MiB);
      const proxy = await startRelayProxy(signaling.url);
      // The page's own signaling goes through a cut-able route (its server is the page's origin).
      const phone = await launchWebPeerBrowser({ withoutOpfs });
      let cutUntil = 0;
      let connections = 0;
      const sockets: WebSocketRoute[] = [];
      await phone.context.routeWebSocket(/\/ws$/, (socket) => {
        if (Date.now() < cutUntil) return void socket.close();
        connections++;
        // Messages and closes pass both ways; the test only cuts.
        sockets.push(socket, socket.connectToServer());
      });
      await alice.setSignalingUrl(proxy.url);
      try {
        const { sendPage, code } = await aliceSends(big);
        const page = await phone.open(`${signaling.httpUrl}/`);
        await receiveOnWebPage(page, code);
        await transfer(page, 'offered', 20_000);
        await page.click('#accept');
        await page.waitForFunction(
          (min) =>
            Number(document.querySelector('#transfer')?.getAttribute('data-done') ?? 0) >= min,
          32 * MiB,
          { timeout: 30_000, polling: 50 },
        );

        // The network goes away for 6 s: peer-to-peer packets and both sides' signaling.
        execFileSync('iptables', ['-I', 'INPUT', '-i', 'lo', '-p', 'udp', '-j', 'DROP']);
        cutUntil = Date.now() + OUTAGE_MS;
        await Promise.allSettled(sockets.splice(0).map((socket) => socket.close()));
        proxy.outage(OUTAGE_MS);
        try {
          await transfer(page, 'reconnecting', 10_000);
          await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
        } finally {
          execFileSync('iptables', ['-D', 'INPUT', '-i', 'lo', '-p', 'udp', '-j', 'DROP']);
        }

        await Promise.all([transfer(page, 'complete', 90_000), transfer(sendPage, 'complete')]);
        expect(await waitForDownloads(phone.downloads, 1)).toEqual(['large.bin']);
        expect(await sha256File(join(phone.downloads, 'large.bin'))).toBe(await sha256File(big));
        const shown = page.locator('#transfer');
        expect(Number(await shown.getAttribute('data-recoveries'))).toBeGreaterThanOrEqual(1);
        // The page's signaling was cut too, and it came back on its own.
        expect(connections).toBeGreaterThanOrEqual(2);
        // Not started over: at most what followed the last checkpoint was sent again.
        const resent = Number(await sendPage.locator('#transfer').getAttribute('data-resent'));
        expect(resent).toBeLessThanOrEqual(16 * MiB);
        console.info(
          `web page resume (${withoutOpfs ? 'memory' : 'disk'}): recoveries ${await shown.getAttribute('data-recoveries')}, resent ${resent} bytes, signaling connections ${connections}`,
        );
        await Promise.all([page.close(), sendPage.close()]);
      } finally {
        await alice.setSignalingUrl(signaling.url);
        await Promise.allSettled([proxy.stop(), phone.close(), rm(big)]);
      }
    },
    180_000,
  );
});

/** Leaves a partial file in the page origin's OPFS, as a page closed mid-transfer would. */
const leaveBehind = (page: Page, transferId: string) =>
  page.evaluate(async (id) => {
    const root = await navigator.storage.getDirectory();
    const incoming = await root.getDirectoryHandle('incoming', { create: true });
    const dir = await incoming.getDirectoryHandle(id, { create: true });
    const writable = await (await dir.getFileHandle('0', { create: true })).createWritable();
    await writable.write(new Uint8Array(1000));
    await writable.close();
  }, transferId);

/** Whether `transferId` has a folder in the origin's OPFS `incoming`. */
const leftInOpfs = (page: Page, transferId: string) =>
  page.evaluate(async (id) => {
    const root = await navigator.storage.getDirectory();
    const incoming = await root.getDirectoryHandle('incoming', { create: true });
    return incoming.getDirectoryHandle(id).then(
      () => true,
      () => false,
    );
  }, transferId);

describe('partial files a closed page left in OPFS', () => {
  /** Alice sends a small file; `page` receives it; resolves once it is saved. */
  async function receiveOne(page: Page): Promise<void> {
    const { sendPage, code } = await aliceSends(join(source, 'notes.md'));
    await receiveOnWebPage(page, code);
    await transfer(page, 'offered', 20_000);
    await page.click('#accept');
    await transfer(page, 'complete');
    await sendPage.close();
  }

  it('are deleted when the next page of this origin starts receiving, and the new file arrives', async () => {
    const closed = await web.open(`${signaling.httpUrl}/`);
    await leaveBehind(closed, 'left-by-a-closed-page');
    expect(await leftInOpfs(closed, 'left-by-a-closed-page')).toBe(true);
    await closed.close();
    const page = await web.open(`${signaling.httpUrl}/`);
    await receiveOne(page);
    expect(await leftInOpfs(page, 'left-by-a-closed-page')).toBe(false);
    expect(await waitForDownloads(web.downloads, 1)).toEqual(['notes.md']);
    expect(await sha256File(join(web.downloads, 'notes.md'))).toBe(
      await sha256File(join(source, 'notes.md')),
    );
    await page.close();
  });

  it('are kept while another page of this origin is open: they may be its transfer', async () => {
    const other = await web.open(`${signaling.httpUrl}/`);
    await other.click('#send-text'); // its engine runs: it holds its share of the pages lock
    await other.locator('#session-code').waitFor();
    await other.waitForFunction(async () => {
      const { held = [] } = await navigator.locks.query();
      return held.some((lock) => lock.name === 'peerbeam-pages' && lock.mode === 'shared');
    });
    await leaveBehind(other, 'the-other-page-receiving');
    const page = await web.open(`${signaling.httpUrl}/`);
    await receiveOne(page);
    expect(await leftInOpfs(page, 'the-other-page-receiving')).toBe(true);
    await Promise.all([page.close(), other.close()]);
  });
});
