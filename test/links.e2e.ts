import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rightClickSendLinks, waitForNotification } from './harness/context-menu.js';
import { launchBrowser, type PeerbeamBrowser } from './harness/browser.js';
import { pairBrowsers, pairedDeviceId } from './harness/pairing.js';
import { assertIsolatedNetwork } from './harness/paths.js';
import { Popup } from './harness/popup.js';
import { startSignaling, type RunningSignaling } from './harness/signaling.js';

let signaling: RunningSignaling;
let site: Server;
let siteUrl: string;
let profiles: { alice: string; bob: string };
let alice: PeerbeamBrowser;
let bob: PeerbeamBrowser | undefined;
let bobId: string;

const launchBob = () => launchBrowser({ name: 'bob', profileDir: profiles.bob });

beforeAll(async () => {
  assertIsolatedNetwork();
  signaling = await startSignaling();
  site = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(`<title>Shared ${req.url}</title><h1>page ${req.url}</h1>`);
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  profiles = {
    alice: await mkdtemp(join(tmpdir(), 'peerbeam-alice-')),
    bob: await mkdtemp(join(tmpdir(), 'peerbeam-bob-')),
  };
  [alice, bob] = await Promise.all([
    launchBrowser({ name: 'alice', profileDir: profiles.alice }),
    launchBob(),
  ]);
  await alice.setSettings({ signalingUrl: signaling.url, deviceName: 'Alice laptop' });
  await bob.setSettings({ signalingUrl: signaling.url, deviceName: 'Bob desktop' });
  await pairBrowsers(alice, bob);
  bobId = await pairedDeviceId(alice, 'Bob desktop');
});

afterAll(async () => {
  await Promise.allSettled([alice?.close(), bob?.close()]);
  await signaling?.stop();
  await new Promise((resolve) => site?.close(resolve));
  await Promise.all(
    Object.values(profiles ?? {}).map((dir) => rm(dir, { recursive: true, force: true })),
  );
});

describe('send a link to a paired device', () => {
  it('the context-menu click sends the link; the other browser notifies, and Open opens it in a new tab', async () => {
    const url = `${siteUrl}/article?id=1`;
    await rightClickSendLinks(alice, bobId, [url]);
    const notification = await waitForNotification(bob!, 'link:');
    const opened = bob!.context.waitForEvent('page', { timeout: 10_000 });
    const worker = await bob!.serviceWorker();
    await worker.evaluate((id) => {
      (
        chrome.notifications.onButtonClicked as unknown as {
          dispatch(id: string, button: number): void;
        }
      ).dispatch(id, 0);
    }, notification);
    const page = await opened;
    await page.waitForLoadState();
    expect(page.url()).toBe(url);
    await page.close();

    const popup = new Popup(await bob!.openPopup());
    await popup.page.locator('#links li[data-direction="received"]').first().waitFor();
    await popup.page.close();
  });

  it('the receiver is offline when the link is sent; it comes online later and receives it', async () => {
    await bob!.close();
    bob = undefined;
    const url = `${siteUrl}/later`;
    await rightClickSendLinks(alice, bobId, [url]);
    const popup = new Popup(await alice.openPopup());
    const sent = (state: string) =>
      popup.page.locator(`#links li[data-state="${state}"]`, { hasText: '/later' });
    await sent('pending').waitFor({ timeout: 10_000 });

    bob = await launchBob();
    await waitForNotification(bob, 'link:');
    await sent('delivered').waitFor({ timeout: 30_000 });
    await popup.page.close();
  });

  it.each([
    'javascript:alert(document.cookie)',
    'data:text/html,<script>x</script>',
    'file:///etc/passwd',
    'chrome://settings',
    'not a url',
  ])('refuses %s on the sender with a clear message, and sends nothing', async (linkUrl) => {
    const worker = await alice.serviceWorker();
    await worker.evaluate(async () => {
      for (const id of Object.keys(await chrome.notifications.getAll()))
        await chrome.notifications.clear(id);
    });
    await rightClickSendLinks(alice, bobId, [linkUrl]);
    const id = await waitForNotification(alice, 'refused:');
    const notes = await worker.evaluate(async () => chrome.notifications.getAll());
    expect(notes[id]).toBeDefined();
    // The links list is drawn only when there are links (alone, this test has none): wait
    // until the popup has its answers (the device list comes just before the links).
    const popup = new Popup(await alice.openPopup());
    await popup.device('Bob desktop').waitFor();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await popup.page.locator('#links').allTextContents()).join('')).not.toContain(linkUrl);
    await popup.page.close();
  });
});

describe('links only come from the paired device itself', () => {
  it('a sender that cannot prove the paired key is ignored: nothing is shown', async () => {
    // Bob's record of Alice now holds another device's public key: whoever connects as
    // "Alice" must sign with a key Bob does not trust, as an unpaired sender would.
    const page = await bob!.openPopup();
    await page.evaluate(async () => {
      const keys = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
        'sign',
      ]);
      const spki = new Uint8Array(await crypto.subtle.exportKey('spki', keys.publicKey));
      const other = btoa(String.fromCharCode(...spki))
        .replaceAll('+', '-')
        .replaceAll('/', '_')
        .replace(/=+$/, '');
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open('peerbeam');
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(new Error(String(open.error)));
      });
      const store = db.transaction('devices', 'readwrite').objectStore('devices');
      const all = await new Promise<{ publicKey: string }[]>((resolve) => {
        const request = store.getAll();
        request.onsuccess = () => resolve(request.result as { publicKey: string }[]);
      });
      for (const device of all) store.put({ ...device, publicKey: other });
      await new Promise((resolve) => (store.transaction.oncomplete = resolve));
      db.close();
    });
    await page.close();
    await bob!.close();
    bob = await launchBob();
    const worker = await bob.serviceWorker();
    await worker.evaluate(async () => {
      for (const id of Object.keys(await chrome.notifications.getAll()))
        await chrome.notifications.clear(id);
    });

    await rightClickSendLinks(alice, bobId, [`${siteUrl}/from-an-impostor`]);
    await new Promise((resolve) => setTimeout(resolve, 8_000));
    const shown = await worker.evaluate(async () =>
      Object.keys(await chrome.notifications.getAll()),
    );
    expect(shown.filter((id) => id.startsWith('link:'))).toEqual([]);
    const popup = new Popup(await alice.openPopup());
    await popup.page
      .locator('#links li[data-state="pending"]', { hasText: 'from-an-impostor' })
      .waitFor({ timeout: 5_000 });
    await popup.page.close();
  });
});
