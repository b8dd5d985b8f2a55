/**
 * A paired device does not act for the person (issue #13, item 2). The hostile device is a
 * real second Chromium with the extension, paired the way people pair; where it must send
 * what the app never sends (a `connect` for a tab, a `connect` in the middle of a transfer)
 * it sends raw sealed signals over its real device line (harness/paired-consent-offscreen.ts).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type PeerbeamBrowser } from './harness/browser.js';
import { sha256File, waitForDownloads, writeRandomFile } from './harness/files.js';
import { sendOverDeviceLine } from './harness/paired-consent-offscreen.js';
import { pairBrowsers, pairedDeviceId } from './harness/pairing.js';
import { assertIsolatedNetwork } from './harness/paths.js';
import { waitUntil } from './harness/ports.js';
import { Popup } from './harness/popup.js';
import { startSignaling, type RunningSignaling } from './harness/signaling.js';
import { rightClickSendLinks } from './harness/context-menu.js';
import { metricSample } from './signaling/test-support.js';

const MiB = 1024 * 1024;
let work: string;
let downloads: string;
let signaling: RunningSignaling;
let alice: PeerbeamBrowser;
let bob: PeerbeamBrowser;
let bobId: string;

beforeAll(async () => {
  assertIsolatedNetwork();
  work = await mkdtemp(join(tmpdir(), 'peerbeam-consent-'));
  downloads = join(work, 'downloads');
  signaling = await startSignaling();
  [alice, bob] = await Promise.all([
    launchBrowser({ name: 'alice' }),
    launchBrowser({ name: 'bob', downloadsDir: downloads }),
  ]);
  await alice.setSettings({ signalingUrl: signaling.url, deviceName: 'Alice laptop' });
  await bob.setSettings({ signalingUrl: signaling.url, deviceName: 'Bob desktop' });
  await pairBrowsers(alice, bob);
  bobId = await pairedDeviceId(alice, 'Bob desktop');
});

afterAll(async () => {
  await Promise.allSettled([alice?.close(), bob?.close()]);
  await signaling?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

/** Both browsers: no session runs, and each sees the other online. */
async function idleAndOnline(): Promise<{ alicePopup: Popup; bobPopup: Popup }> {
  const alicePopup = new Popup(await alice.openPopup());
  const bobPopup = new Popup(await bob.openPopup());
  await Promise.all([alicePopup.cancelRunningSession(), bobPopup.cancelRunningSession()]);
  await alicePopup.waitForDeviceOnline('Bob desktop', 30_000);
  await bobPopup.waitForDeviceOnline('Alice laptop', 30_000);
  return { alicePopup, bobPopup };
}

async function clearNotifications(browser: PeerbeamBrowser): Promise<void> {
  const worker = await browser.serviceWorker();
  await worker.evaluate(async () => {
    for (const id of Object.keys(await chrome.notifications.getAll()))
      await chrome.notifications.clear(id);
  });
}

async function linkNotifications(browser: PeerbeamBrowser): Promise<string[]> {
  const worker = await browser.serviceWorker();
  const ids = await worker.evaluate(async () => Object.keys(await chrome.notifications.getAll()));
  return ids.filter((id) => id.startsWith('link'));
}

/** Connections the signaling service closed for sending frames too fast. */
async function frameRateRejections(): Promise<number> {
  const metrics = await (await fetch(`${signaling.httpUrl}/metrics`)).text();
  const count = metricSample(metrics, 'peerbeam_signaling_rejections_total{reason="frame_rate"}');
  if (count === undefined) throw new Error(`no frame_rate rejection count in:\n${metrics}`);
  return count;
}

/** The links this browser's IndexedDB holds (the offscreen document's store). */
async function storedLinks(page: Page): Promise<{ state: string; direction: string }[]> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('peerbeam');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(new Error(String(open.error)));
    });
    const request = db.transaction('links').objectStore('links').getAll();
    const all = await new Promise<{ state: string; direction: string }[]>((resolve) => {
      request.onsuccess = () => resolve(request.result as { state: string; direction: string }[]);
    });
    db.close();
    return all.map(({ state, direction }) => ({ state, direction }));
  });
}

describe('a paired device acts only with consent', () => {
  it("a paired device's connect during a running transfer leaves that transfer running to a verified finish", async () => {
    const { alicePopup, bobPopup } = await idleAndOnline();
    await Promise.all([alicePopup.page.close(), bobPopup.page.close()]);
    await rm(downloads, { recursive: true, force: true });
    const source = join(work, 'big.bin');
    await writeRandomFile(source, 64 * MiB);

    // A transfer by code, the way people send files.
    const sendPage = await alice.context.newPage();
    await sendPage.goto(`chrome-extension://${alice.extensionId}/src/send/send.html`);
    await sendPage.setInputFiles('#pick-files', source);
    await sendPage.click('#send-by-code');
    const code = (await sendPage.locator('#session-code').textContent({ timeout: 15_000 }))!;
    const receiver = new Popup(await bob.openPopup());
    await receiver.receive(code.trim());
    await receiver.page.locator('#transfer[data-state="offered"]').waitFor({ timeout: 20_000 });
    await receiver.page.click('#accept');
    await waitUntil(
      async () => Number(await receiver.page.locator('#transfer').getAttribute('data-done')) > 0,
      20_000,
      'the transfer to be moving',
    );

    // Mid-transfer, the paired device asks for sessions of its own.
    await sendOverDeviceLine(alice, 'Bob desktop', [
      { t: 'connect', kind: 'chat', sid: 'mid-transfer-chat' },
      { t: 'connect', kind: 'files', sid: 'mid-transfer-files' },
    ]);
    // They arrived while it ran (else this would prove nothing).
    await expect(receiver.page.locator('#transfer').getAttribute('data-state')).resolves.toBe(
      'transferring',
    );

    // The sender's page shows how the transfer ended (a receiver that gave up shows nothing).
    let ended: string | null = null;
    await waitUntil(
      async () => {
        ended = await sendPage.locator('#transfer').getAttribute('data-state');
        return ['complete', 'cancelled', 'failed', 'declined'].includes(ended ?? '');
      },
      90_000,
      'the transfer to end',
    );
    expect(ended).toBe('complete');
    await receiver.page.locator('#transfer[data-state="complete"]').waitFor({ timeout: 10_000 });
    const [saved] = await waitForDownloads(downloads, 1);
    expect(await sha256File(join(downloads, saved!))).toBe(await sha256File(source));
    await Promise.all([sendPage.close(), receiver.page.close()]);
  }, 150_000);

  it('a paired device asking while a session runs is told the device is busy, and the session goes on', async () => {
    const { alicePopup, bobPopup } = await idleAndOnline();
    const code = await bobPopup.send(); // Bob waits for someone to type his code.

    await alicePopup.device('Bob desktop').locator('.connect-device').click();
    await expect(alicePopup.errorCode()).resolves.toBe('PEER_BUSY');
    await expect(alicePopup.errorText()).resolves.toContain('Bob desktop');

    await expect(bobPopup.page.locator('#session-code').textContent()).resolves.toBe(code);
    await bobPopup.waitForStep('waiting-for-peer', 1_000);
    await Promise.all([alicePopup.page.close(), bobPopup.page.close()]);
  });

  it('a paired connect for a tab opens no tab by itself', async () => {
    const { alicePopup, bobPopup } = await idleAndOnline();
    const viewerTabs = () =>
      bob.context.pages().filter((page) => page.url().includes('/src/viewer/')).length;
    expect(viewerTabs()).toBe(0);

    await sendOverDeviceLine(alice, 'Bob desktop', [
      { t: 'connect', kind: 'tab', sid: 'unasked-tab' },
    ]);
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    expect(viewerTabs()).toBe(0);
    await expect(bobPopup.page.locator('#send').isVisible()).resolves.toBe(true);

    // Bob was free: what the app does send (Connect, a chat) still opens.
    await alicePopup.device('Bob desktop').locator('.connect-device').click();
    await alicePopup.waitForStep('open');
    await Promise.all([alicePopup.page.close(), bobPopup.page.close()]);
  });

  it('a burst of 100 links from a paired device yields at most a handful of notifications and the rest are refused with a reason, and neither device is cut off by the signaling service', async () => {
    const { alicePopup, bobPopup } = await idleAndOnline();
    await Promise.all([clearNotifications(bob), alicePopup.page.close(), bobPopup.page.close()]);
    // The context menu's own listener, 100 times at once (as in links.e2e.ts).
    await rightClickSendLinks(
      alice,
      bobId,
      Array.from({ length: 100 }, (_, i) => `http://127.0.0.1/burst/${i}`),
    );

    // Every link Alice sent gets an answer: delivered, or refused.
    const aliceView = await alice.openPopup();
    let sent: { state: string; direction: string }[] = [];
    await waitUntil(
      async () => {
        sent = (await storedLinks(aliceView)).filter((link) => link.direction === 'sent');
        return sent.length >= 40 && sent.every((link) => link.state !== 'pending');
      },
      30_000,
      'every burst link answered',
    );
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const shown = await linkNotifications(bob);
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.length).toBeLessThanOrEqual(5);
    // The links let through beyond the shown ones are counted in one notification.
    expect(shown).toContain('links-more:Alice laptop');
    const refused = sent.filter((link) => link.state === 'refused').length;
    expect(refused).toBeGreaterThanOrEqual(sent.length - 10);
    const bobView = await bob.openPopup();
    const received = (await storedLinks(bobView)).filter((link) => link.direction === 'received');
    expect(received.length).toBeLessThanOrEqual(10);
    await bobView.close();

    // The sender sees why: Bob limits how many links arrive at once.
    const popup = new Popup(aliceView);
    const refusedRow = popup.page.locator('#links li[data-state="refused"]').first();
    await refusedRow.waitFor({ timeout: 10_000 });
    await expect(refusedRow.textContent()).resolves.toContain('too many links');
    await aliceView.close();

    // Both sides paced their frames: no connection was closed for sending too fast (4003),
    // which would have dropped every session on it.
    await expect(frameRateRejections()).resolves.toBe(0);
  });
});
