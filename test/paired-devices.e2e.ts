import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type PeerbeamBrowser } from './harness/browser.js';
import { assertIsolatedNetwork } from './harness/paths.js';
import { waitForDownloads } from './harness/files.js';
import { pairBrowsers } from './harness/pairing.js';
import { Popup } from './harness/popup.js';
import { startSignaling, type RunningSignaling } from './harness/signaling.js';

let signaling: RunningSignaling;
let profiles: { alice: string; bob: string };
let downloads: string;
let alice: PeerbeamBrowser | undefined;
let bob: PeerbeamBrowser | undefined;

async function launchBoth(): Promise<[PeerbeamBrowser, PeerbeamBrowser]> {
  [alice, bob] = await Promise.all([
    launchBrowser({ name: 'alice', profileDir: profiles.alice }),
    launchBrowser({ name: 'bob', profileDir: profiles.bob, downloadsDir: downloads }),
  ]);
  return [alice, bob];
}

let paired = false;

/** Alice and Bob, paired: as the first test leaves them, or (run alone) paired here. */
async function pairedBrowsers(): Promise<[PeerbeamBrowser, PeerbeamBrowser]> {
  if (alice && bob && paired) return [alice, bob];
  const [a, b] = await launchBoth();
  await a.setSettings({ signalingUrl: signaling.url, deviceName: 'Alice laptop' });
  await b.setSettings({ signalingUrl: signaling.url, deviceName: 'Bob desktop' });
  await pairBrowsers(a, b);
  paired = true;
  return [a, b];
}

beforeAll(async () => {
  assertIsolatedNetwork();
  signaling = await startSignaling();
  profiles = {
    alice: await mkdtemp(join(tmpdir(), 'peerbeam-alice-')),
    bob: await mkdtemp(join(tmpdir(), 'peerbeam-bob-')),
  };
  downloads = join(profiles.bob, 'downloads');
});

afterAll(async () => {
  await Promise.allSettled([alice?.close(), bob?.close()]);
  await signaling?.stop();
  await Promise.all(
    Object.values(profiles ?? {}).map((dir) => rm(dir, { recursive: true, force: true })),
  );
});

describe('paired devices', () => {
  it('pair two browsers once, restart both, and they reconnect as paired devices without a code', async () => {
    const [a, b] = await launchBoth();
    await a.setSettings({ signalingUrl: signaling.url, deviceName: 'Alice laptop' });
    await b.setSettings({ signalingUrl: signaling.url, deviceName: 'Bob desktop' });

    const sender = new Popup(await a.openPopup());
    const receiver = new Popup(await b.openPopup());
    await receiver.receive(await sender.send());
    await Promise.all([sender.waitForStep('open'), receiver.waitForStep('open')]);
    await expect(sender.page.locator('#status').textContent()).resolves.toContain('Bob desktop');

    await sender.page.click('#remember');
    await receiver.page.click('#remember');
    await sender.page.locator('#remembered').waitFor();
    await receiver.page.locator('#remembered').waitFor();

    // Both browsers close; their profiles (IndexedDB keys, chrome.storage) stay.
    await Promise.all([a.close(), b.close()]);
    const [a2, b2] = await launchBoth();

    // Only Alice opens the popup: Bob's extension is reachable on its own since startup.
    const again = new Popup(await a2.openPopup());
    await again.waitForDeviceOnline('Bob desktop', 30_000);
    await again.device('Bob desktop').locator('.connect-device').click();
    await again.waitForStep('open');
    await expect(again.page.locator('#status').textContent()).resolves.toContain('Bob desktop');
    await expect(again.page.locator('#session-code').count()).resolves.toBe(0);

    const bobPopup = new Popup(await b2.openPopup());
    await bobPopup.waitForStep('open');
    await bobPopup.sendMessage('no code needed');
    await again.waitForPeerMessage('no code needed');
    paired = true;
  });

  it('send files to a paired device without a code', async () => {
    const [alice, bob] = await pairedBrowsers();
    const sendPage = await alice.context.newPage();
    await sendPage.goto(`chrome-extension://${alice.extensionId}/src/send/send.html`);
    const content = Buffer.from('for your eyes only, 你好');
    await sendPage.setInputFiles('#pick-files', {
      name: 'note.txt',
      mimeType: 'text/plain',
      buffer: content,
    });
    await sendPage.locator('button[data-device="Bob desktop"]').click();
    await expect(sendPage.locator('#session-code').count()).resolves.toBe(0);

    const bobPopup = new Popup(await bob.openPopup());
    await bobPopup.page.locator('#transfer[data-state="offered"]').waitFor({ timeout: 20_000 });
    await expect(bobPopup.page.locator('#transfer').textContent()).resolves.toContain(
      'Alice laptop',
    );
    await bobPopup.page.click('#accept');
    await bobPopup.page.locator('#transfer[data-state="complete"]').waitFor({ timeout: 20_000 });
    const [saved] = await waitForDownloads(downloads, 1);
    await expect(readFile(join(downloads, saved!))).resolves.toEqual(content);
    await Promise.all([sendPage.close(), bobPopup.page.close()]);
  });

  it('unpair removes the device on this side and tells the other side', async () => {
    const [alice, bob] = await pairedBrowsers();
    const alicePopup = new Popup(await alice.openPopup());
    const bobPopup = new Popup(await bob.openPopup());
    await Promise.all([alicePopup.cancelRunningSession(), bobPopup.cancelRunningSession()]);
    await alicePopup.waitForDeviceOnline('Bob desktop');
    await bobPopup.waitForDeviceOnline('Alice laptop');

    await alicePopup.device('Bob desktop').locator('.unpair-device').click();
    await alicePopup.device('Bob desktop').waitFor({ state: 'detached', timeout: 10_000 });
    await bobPopup.device('Alice laptop').waitFor({ state: 'detached', timeout: 10_000 });
    paired = false;
  });
});
