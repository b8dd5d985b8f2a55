/**
 * Issue #17, keyboard and screen readers: send files, receive and accept, share a tab and stop,
 * with Tab, Enter and Space only, focus landing on each new step's heading or main control. Its own browsers: a
 * picker opened earlier in the same browser keeps Playwright from seeing a keyboard-opened one.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type PeerbeamBrowser } from './harness/browser.js';
import { writeRandomFile } from './harness/files.js';
import { EXTENSION_ID, assertIsolatedNetwork } from './harness/paths.js';
import { waitUntil } from './harness/ports.js';
import { startSignaling, type RunningSignaling } from './harness/signaling.js';
import { startProbePages } from './harness/tab-probe.js';
import { focused, openSendPage, tabTo, waitForTransferState } from './harness/ux-flows.js';

let work: string;
let signaling: RunningSignaling;
let alice: PeerbeamBrowser;
let bob: PeerbeamBrowser;

beforeAll(async () => {
  assertIsolatedNetwork();
  work = await mkdtemp(join(tmpdir(), 'peerbeam-ux-keys-'));
  signaling = await startSignaling();
  [alice, bob] = await Promise.all([
    launchBrowser({ name: 'keys-alice' }),
    launchBrowser({ name: 'keys-bob', downloadsDir: join(work, 'downloads') }),
  ]);
  await Promise.all([alice.setSignalingUrl(signaling.url), bob.setSignalingUrl(signaling.url)]);
  await writeRandomFile(join(work, 'report.pdf'), 2_300_000);
});

afterAll(async () => {
  await Promise.allSettled([alice?.close(), bob?.close()]);
  await signaling?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('keyboard only', () => {
  it('keyboard only: send files, receive and accept with Tab/Enter/Space, focus on each new step', async () => {
    const sendPage = await openSendPage(alice);
    await sendPage.bringToFront();
    // "Choose files" is a real button Tab reaches; Enter opens the picker. Playwright turns on
    // file-chooser interception only when someone waits for one, asynchronously: start waiting
    // before the Tab presses, or a fast Enter opens the picker before it is intercepted.
    const chooserSeen = sendPage.waitForEvent('filechooser');
    await tabTo(sendPage, '#choose-files');
    await sendPage.keyboard.press('Enter');
    const chooser = await chooserSeen;
    await chooser.setFiles([join(work, 'report.pdf')]);
    await expect.poll(() => focused(sendPage)).toBe('send-by-code');
    await sendPage.keyboard.press('Enter');
    await expect.poll(() => focused(sendPage), { timeout: 15_000 }).toBe('code-heading');
    const code = ((await sendPage.locator('#session-code').textContent()) ?? '').trim();

    const popup = await bob.openPopup();
    await popup.bringToFront();
    await popup.locator('#code').waitFor();
    await tabTo(popup, '#code');
    await popup.keyboard.type(code);
    await popup.keyboard.press('Enter');
    // After Receive, focus goes to the session's status, then to Accept on the offer.
    await expect.poll(() => focused(popup), { timeout: 20_000 }).toBe('accept');
    await popup.keyboard.press('Space');
    await waitForTransferState(popup, 'complete');
    await expect.poll(() => focused(popup)).toBe('transfer-heading');
    await expect.poll(() => focused(sendPage)).toBe('transfer-heading');
    await tabTo(popup, '#start-over');
    await popup.keyboard.press('Enter');
    await expect.poll(() => focused(popup)).toBe('share-tab');
    await waitUntil(async () => (await popup.locator('#transfer').count()) === 0, 5_000, 'Home');
    await Promise.all([popup.close(), sendPage.close()]);
  });

  it('keyboard only: share a tab and stop with Tab/Enter, focus on each new step', async () => {
    const pages = await startProbePages();
    // Tab capture without a toolbar click needs the extension allowlisted (BROWSER-TESTING.md).
    const sharer = await launchBrowser({
      name: 'keys-sharer',
      extraArgs: [`--allowlisted-extension-id=${EXTENSION_ID}`],
    });
    try {
      await sharer.setSignalingUrl(signaling.url);
      const tab = await sharer.context.newPage();
      await tab.goto(pages.blankUrl);
      const popup = await sharer.openPopup();
      await popup.locator('#share-tab').waitFor();
      // The popup acts on the active tab, as the toolbar popup does on the page under it.
      await tab.bringToFront();
      await tabTo(popup, '#share-tab');
      await popup.keyboard.press('Enter');
      await popup.locator('[data-share-step="live"]').waitFor({ timeout: 10_000 });
      await expect.poll(() => focused(popup)).toBe('tab-share-heading');

      await tabTo(popup, '#stop-share');
      await popup.keyboard.press('Enter');
      await popup.locator('[data-share-step="ended"]').waitFor({ timeout: 10_000 });
      await expect.poll(() => focused(popup)).toMatch(/^h2:/);
      await tabTo(popup, '#tab-share-done');
      await popup.keyboard.press('Enter');
      await expect.poll(() => focused(popup)).toBe('share-tab');
    } finally {
      await sharer.close();
      await pages.stop();
    }
  });
});
