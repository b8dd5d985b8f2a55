import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { launchBrowser, type PeerbeamBrowser } from './harness/browser.js';
import {
  listFiles,
  sha256File,
  transferState,
  waitForDownloads,
  writeRandomFile,
  offscreenWorkers,
} from './harness/files.js';
import { waitUntil } from './harness/ports.js';
import { assertIsolatedNetwork } from './harness/paths.js';
import { Popup } from './harness/popup.js';
import { startRelayProxy } from './harness/relay-proxy.js';
import { startSignaling, type RunningSignaling } from './harness/signaling.js';

const MiB = 1024 * 1024;
let work: string;
let signaling: RunningSignaling;
let alice: PeerbeamBrowser;
let bob: PeerbeamBrowser;
let downloads: string;

beforeAll(async () => {
  assertIsolatedNetwork();
  work = await mkdtemp(join(tmpdir(), 'peerbeam-files-'));
  downloads = join(work, 'downloads');
  signaling = await startSignaling();
  [alice, bob] = await Promise.all([
    launchBrowser({ name: 'alice' }),
    launchBrowser({ name: 'bob', downloadsDir: downloads }),
  ]);
  await alice.setSettings({ signalingUrl: signaling.url, deviceName: 'Alice laptop' });
  await bob.setSettings({ signalingUrl: signaling.url, deviceName: 'Bob desktop' });
});

beforeEach(async () => {
  await rm(downloads, { recursive: true, force: true });
});

afterAll(async () => {
  await Promise.allSettled([alice?.close(), bob?.close()]);
  await signaling?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

async function openSendPage(browser: PeerbeamBrowser): Promise<Page> {
  const page = await browser.context.newPage();
  await page.goto(`chrome-extension://${browser.extensionId}/src/send/send.html`);
  return page;
}

/** Sends what `pick` chooses on Alice's send page; Bob types the code. Returns both views. */
async function offer(
  pick: (page: Page) => Promise<void>,
): Promise<{ sendPage: Page; receiver: Popup }> {
  const sendPage = await openSendPage(alice);
  await pick(sendPage);
  await sendPage.click('#send-by-code');
  // The code, or whatever the page says instead (so a failure names its cause).
  const shown = sendPage.locator('#session-code, #send-error, #session-error').first();
  const appeared = await shown.waitFor({ timeout: 15_000 }).then(
    () => true,
    () => false,
  );
  if (!appeared || (await shown.getAttribute('id')) !== 'session-code') {
    const says = appeared ? await shown.textContent() : await sendPage.locator('body').innerText();
    throw new Error(`the send page shows no code but: ${says}`);
  }
  const code = (await shown.textContent())!.trim();
  const receiver = new Popup(await bob.openPopup());
  await receiver.cancelRunningSession();
  await receiver.receive(code);
  await receiver.page.locator('#transfer[data-state="offered"]').waitFor({ timeout: 20_000 });
  return { sendPage, receiver };
}

async function waitForTransfer(page: Page, state: string, timeout = 90_000): Promise<void> {
  await page.locator(`#transfer[data-state="${state}"]`).waitFor({ timeout });
}

describe('files by code', () => {
  it('three files and a folder (including an empty file and a 64 MiB file) arrive byte-identical', async () => {
    const source = join(work, 'source');
    await writeRandomFile(join(source, 'big.bin'), 64 * MiB);
    await writeRandomFile(join(source, 'empty.txt'), 0);
    await writeRandomFile(join(source, 'notes.md'), 1234);
    await writeRandomFile(join(source, 'album', 'one.jpg'), 300_000);
    await writeRandomFile(join(source, 'album', 'deeper', 'two.jpg'), 17 * MiB + 3);
    const { sendPage, receiver } = await offer(async (page) => {
      await page.setInputFiles('#pick-files', [
        join(source, 'big.bin'),
        join(source, 'empty.txt'),
        join(source, 'notes.md'),
      ]);
      await page.setInputFiles('#pick-folder', join(source, 'album'));
    });
    await expect(receiver.page.locator('#transfer').textContent()).resolves.toContain(
      'Alice laptop',
    );
    // The receiver's disk writer starts with the offer and ends with the transfer.
    await waitUntil(async () => (await offscreenWorkers(receiver.page)) === 1, 5_000, 'a writer');
    await receiver.page.click('#accept');
    await Promise.all([
      waitForTransfer(receiver.page, 'complete'),
      waitForTransfer(sendPage, 'complete'),
    ]);
    await waitUntil(async () => (await offscreenWorkers(receiver.page)) === 0, 5_000, 'no writer');

    const saved = await waitForDownloads(downloads, 5);
    expect(saved).toEqual([
      'Peerbeam/album/deeper/two.jpg',
      'Peerbeam/album/one.jpg',
      'Peerbeam/big.bin',
      'Peerbeam/empty.txt',
      'Peerbeam/notes.md',
    ]);
    for (const [original, copy] of [
      ['big.bin', 'big.bin'],
      ['empty.txt', 'empty.txt'],
      ['notes.md', 'notes.md'],
      ['album/one.jpg', 'album/one.jpg'],
      ['album/deeper/two.jpg', 'album/deeper/two.jpg'],
    ] as const) {
      expect(await sha256File(join(downloads, 'Peerbeam', copy)), copy).toBe(
        await sha256File(join(source, original)),
      );
    }
    await sendPage.close();
  });

  it('decline: the sender is told and nothing is saved', async () => {
    const { sendPage, receiver } = await offer((page) =>
      page.setInputFiles('#pick-files', {
        name: 'secret.txt',
        mimeType: 'text/plain',
        buffer: Buffer.from('x'),
      }),
    );
    await receiver.page.click('#decline');
    await waitForTransfer(sendPage, 'declined', 15_000);
    expect(await sendPage.locator('#session-error').getAttribute('data-code')).toBe('DECLINED');
    await expect(transferState(receiver.page)).resolves.toBe('declined');
    await sendPage.close();
  });

  it('a hostile file name arrives sanitised', async () => {
    const { sendPage, receiver } = await offer((page) =>
      page.setInputFiles('#pick-files', [
        {
          name: '..\\..\\evil\u202Edm.txt',
          mimeType: 'application/octet-stream',
          buffer: Buffer.from('a'),
        },
        { name: 'CON', mimeType: 'text/plain', buffer: Buffer.from('b') },
        { name: '.bashrc', mimeType: 'text/plain', buffer: Buffer.from('c') },
      ]),
    );
    await receiver.page.click('#accept');
    await waitForTransfer(receiver.page, 'complete', 30_000);
    const saved = await waitForDownloads(downloads, 3);
    expect(saved).toEqual(['Peerbeam/_CON', 'Peerbeam/_bashrc', 'Peerbeam/evildm.txt']);
    await sendPage.close();
  });
});

describe('transfers survive what happens to them', () => {
  let big: string;
  beforeAll(async () => {
    big = join(work, 'source', 'large.bin');
    await writeRandomFile(big, 192 * MiB);
  });

  /** Waits until the receiver shows at least `bytes` done, bounded. */
  async function progressed(page: Page, bytes: number): Promise<void> {
    await page.waitForFunction(
      (min) => Number(document.querySelector('#transfer')?.getAttribute('data-done') ?? 0) >= min,
      bytes,
      { timeout: 30_000, polling: 50 },
    );
  }

  it('cancel from the receiver: both sides stop and nothing is saved', async () => {
    const { sendPage, receiver } = await offer((page) => page.setInputFiles('#pick-files', big));
    await receiver.page.click('#accept');
    await progressed(receiver.page, 8 * MiB);
    await receiver.page.click('#cancel-transfer');
    await waitForTransfer(receiver.page, 'cancelled', 10_000);
    await waitForTransfer(sendPage, 'cancelled', 10_000);
    await expect(listFiles(downloads)).resolves.toEqual([]);
    // The receiver's disk writer goes with the transfer (one used to be left behind per transfer).
    await waitUntil(
      async () => (await offscreenWorkers(receiver.page)) === 0,
      10_000,
      'the writer worker to end',
    );
    await sendPage.close();
  });

  it("the sender's service worker is stopped mid-transfer and the transfer still completes", async () => {
    const { sendPage, receiver } = await offer((page) => page.setInputFiles('#pick-files', big));
    await receiver.page.click('#accept');
    await progressed(receiver.page, 16 * MiB);
    const worker = await alice.serviceWorker();
    await worker.evaluate(() => {
      (globalThis as { marker?: number }).marker = 1;
    });
    await alice.stopServiceWorker();
    await waitForTransfer(receiver.page, 'complete');
    const [saved] = await waitForDownloads(downloads, 1);
    expect(await sha256File(join(downloads, saved!))).toBe(await sha256File(big));
    const fresh = await alice.serviceWorker();
    await expect(
      fresh.evaluate(() => (globalThis as { marker?: number }).marker),
    ).resolves.toBeUndefined();
    await sendPage.close();
  });

  it('resume after a network drop: the transfer goes on without starting over, hash equal', async () => {
    const proxy = await startRelayProxy(signaling.url);
    await Promise.all([alice.setSignalingUrl(proxy.url), bob.setSignalingUrl(proxy.url)]);
    try {
      const { sendPage, receiver } = await offer((page) => page.setInputFiles('#pick-files', big));
      await receiver.page.click('#accept');
      await progressed(receiver.page, 32 * MiB);

      // The network goes away for 6 s: peer-to-peer packets and signaling alike.
      execFileSync('iptables', ['-I', 'INPUT', '-i', 'lo', '-p', 'udp', '-j', 'DROP']);
      proxy.outage(6_000);
      try {
        await receiver.page
          .locator('#transfer[data-state="reconnecting"]')
          .waitFor({ timeout: 10_000 });
        await new Promise((resolve) => setTimeout(resolve, 6_000));
      } finally {
        execFileSync('iptables', ['-D', 'INPUT', '-i', 'lo', '-p', 'udp', '-j', 'DROP']);
      }

      await waitForTransfer(receiver.page, 'complete');
      const [saved] = await waitForDownloads(downloads, 1);
      expect(await sha256File(join(downloads, saved!))).toBe(await sha256File(big));
      const transfer = receiver.page.locator('#transfer');
      expect(Number(await transfer.getAttribute('data-recoveries'))).toBeGreaterThanOrEqual(1);
      // Without starting over: at most what followed the last checkpoint was sent again.
      const resent = Number(await sendPage.locator('#transfer').getAttribute('data-resent'));
      expect(resent).toBeLessThanOrEqual(16 * MiB);
      await sendPage.close();
    } finally {
      await Promise.all([alice.setSignalingUrl(signaling.url), bob.setSignalingUrl(signaling.url)]);
      await proxy.stop();
    }
  });
});
