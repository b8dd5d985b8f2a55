import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type PeerbeamBrowser } from './harness/browser.js';
import { assertIsolatedNetwork } from './harness/paths.js';
import { Popup } from './harness/popup.js';
import { startSignaling, type RunningSignaling } from './harness/signaling.js';

let signaling: RunningSignaling;
let alice: PeerbeamBrowser;
let bob: PeerbeamBrowser;

beforeAll(async () => {
  assertIsolatedNetwork();
  signaling = await startSignaling();
  [alice, bob] = await Promise.all([
    launchBrowser({ name: 'alice' }),
    launchBrowser({ name: 'bob' }),
  ]);
  await Promise.all([alice.setSignalingUrl(signaling.url), bob.setSignalingUrl(signaling.url)]);
});

afterAll(async () => {
  await Promise.allSettled([alice?.close(), bob?.close()]);
  await signaling?.stop();
});

describe('walking skeleton', () => {
  it('two browsers exchange a message over a data channel opened with a code from the popup', async () => {
    const sender = new Popup(await alice.openPopup());
    const receiver = new Popup(await bob.openPopup());

    const code = await sender.send();
    expect(code).toMatch(/^[1-9][0-9]*-[a-z]+-[a-z]+$/);
    await receiver.receive(code);

    await Promise.all([sender.waitForStep('open'), receiver.waitForStep('open')]);
    await expect(sender.page.locator('#status').textContent()).resolves.toContain('direct');

    await receiver.sendMessage('hello from bob');
    await sender.waitForPeerMessage('hello from bob');
    await sender.sendMessage('你好 from alice');
    await receiver.waitForPeerMessage('你好 from alice');
  });

  it('the session lives on in the offscreen document while the popup is closed', async () => {
    const senderPage = await alice.openPopup();
    const sender = new Popup(senderPage);
    await sender.cancelRunningSession();
    const code = await sender.send();
    await senderPage.close();

    const receiver = new Popup(await bob.openPopup());
    await receiver.cancelRunningSession();
    await receiver.receive(code);
    await receiver.waitForStep('open');

    const reopened = new Popup(await alice.openPopup());
    await reopened.waitForStep('open');
    await receiver.sendMessage('still there?');
    await reopened.waitForPeerMessage('still there?');
  });

  it('a killed service worker loses nothing: the session goes on and the next message wakes a fresh worker', async () => {
    const sender = new Popup(await alice.openPopup());
    const receiver = new Popup(await bob.openPopup());
    await Promise.all([sender.cancelRunningSession(), receiver.cancelRunningSession()]);
    await receiver.receive(await sender.send());
    await Promise.all([sender.waitForStep('open'), receiver.waitForStep('open')]);

    const before = await alice.serviceWorker();
    await before.evaluate(() => {
      (globalThis as { marker?: number }).marker = 1;
    });
    await alice.stopServiceWorker();

    // The popup's next request goes through the service worker, which must start afresh.
    await sender.sendMessage('after the restart');
    await receiver.waitForPeerMessage('after the restart');
    const after = await alice.serviceWorker();
    await expect(
      after.evaluate(() => (globalThis as { marker?: number }).marker),
    ).resolves.toBeUndefined();
  });
});
