/**
 * The host exists only when needed (issue #14): the offscreen document is created when there is
 * work (a session, a share, a device line to keep, a queued link) and closed once there is none.
 * The test build closes an idle document after test/fixtures/test-host-idle.json's grace.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import hostIdle from './fixtures/test-host-idle.json' with { type: 'json' };
import { launchBrowser, type PeerbeamBrowser } from './harness/browser.js';
import { pairBrowsers } from './harness/pairing.js';
import { assertIsolatedNetwork } from './harness/paths.js';
import { Popup } from './harness/popup.js';
import { waitUntil } from './harness/ports.js';
import { startSignaling, type RunningSignaling } from './harness/signaling.js';

let signaling: RunningSignaling;
const launched: PeerbeamBrowser[] = [];

async function launch(name: string, profileDir?: string): Promise<PeerbeamBrowser> {
  const browser = await launchBrowser({ name, ...(profileDir ? { profileDir } : {}) });
  launched.push(browser);
  await browser.setSignalingUrl(signaling.url);
  return browser;
}

/** How many offscreen documents the extension runs, as its service worker sees them. */
async function offscreenDocuments(browser: PeerbeamBrowser): Promise<number> {
  const worker = await browser.serviceWorker();
  return worker.evaluate(
    async () =>
      (
        await chrome.runtime.getContexts({
          contextTypes: [chrome.runtime.ContextType.OFFSCREEN_DOCUMENT],
        })
      ).length,
  );
}

/** The most offscreen documents seen over `ms` (sampled): proves one never appeared. */
async function mostOffscreenDocumentsOver(browser: PeerbeamBrowser, ms: number): Promise<number> {
  let most = 0;
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    most = Math.max(most, await offscreenDocuments(browser));
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return most;
}

beforeAll(async () => {
  assertIsolatedNetwork();
  signaling = await startSignaling();
});

afterAll(async () => {
  await Promise.allSettled(launched.map((browser) => browser.close()));
  await signaling?.stop();
  await Promise.all(profiles.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** Profiles this file made itself (to start a browser on twice); removed at the end. */
const profiles: string[] = [];

describe('the host exists only when needed', () => {
  it('a fresh install with no paired device has no offscreen document after start-up', async () => {
    const fresh = await launch('fresh');
    // Start-up's listeners (onInstalled) run right after the worker starts; look for longer
    // than the grace an on-demand document would live.
    expect(await mostOffscreenDocumentsOver(fresh, hostIdle.graceMs + 2_000)).toBe(0);
  });

  it('a fresh install with no paired device has none after a finished session (after the grace period)', async () => {
    const [alice, bob] = await Promise.all([launch('alice'), launch('bob')]);
    const sender = new Popup(await alice.openPopup());
    const receiver = new Popup(await bob.openPopup());
    await receiver.receive(await sender.send());
    await Promise.all([sender.waitForStep('open'), receiver.waitForStep('open')]);
    await receiver.sendMessage('one message, then goodbye');
    await sender.waitForPeerMessage('one message, then goodbye');
    expect(await offscreenDocuments(alice)).toBe(1);

    await sender.page.click('#cancel');
    await Promise.all([sender.page.close(), receiver.page.close()]);
    for (const browser of [alice, bob]) {
      await waitUntil(
        async () => (await offscreenDocuments(browser)) === 0,
        hostIdle.graceMs + 10_000,
        `${browser.name}'s offscreen document to close after the session`,
      );
    }
  });

  it('with a paired device it keeps one', async () => {
    const [carol, dave] = await Promise.all([launch('carol'), launch('dave')]);
    await pairBrowsers(carol, dave);
    // Well past the grace: the device line must stay online, so the document stays.
    await new Promise((resolve) => setTimeout(resolve, hostIdle.graceMs * 2 + 2_000));
    expect(await offscreenDocuments(carol)).toBe(1);
    expect(await offscreenDocuments(dave)).toBe(1);

    // A killed service worker must not close a busy host.
    await carol.stopServiceWorker();
    await new Promise((resolve) => setTimeout(resolve, hostIdle.graceMs + 1_000));
    expect(await offscreenDocuments(carol)).toBe(1);
  });

  it('with a paired device, a browser start brings the document back', async () => {
    const profileDir = await mkdtemp(join(tmpdir(), 'peerbeam-erin-'));
    profiles.push(profileDir);
    const [erin, frank] = await Promise.all([launch('erin', profileDir), launch('frank')]);
    await pairBrowsers(erin, frank);
    await erin.close();

    const restarted = await launch('erin again', profileDir);
    await waitUntil(
      async () => (await offscreenDocuments(restarted)) === 1,
      10_000,
      'the offscreen document after a browser start with a paired device',
    );
  });
});
