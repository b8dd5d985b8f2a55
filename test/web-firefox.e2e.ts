/**
 * The no-install web page in a second browser engine (issue #15): Debian's firefox-esr opens
 * the page at the signaling service's `/` and trades files with the extension in Chromium,
 * byte-identical both ways. (The Firefox harness installs the Firefox build of the extension
 * too; the page never uses it.)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type PeerbeamBrowser } from './harness/browser.js';
import { sha256File, waitForDownloads } from './harness/files.js';
import { launchFirefox, type FirefoxPage, type PeerbeamFirefox } from './harness/firefox.js';
import { assertIsolatedNetwork } from './harness/paths.js';
import { Popup } from './harness/popup.js';
import { startSignaling, type RunningSignaling } from './harness/signaling.js';
import { expectSampleDownloads, writeSampleFiles } from './harness/web-transfer.js';

let work: string;
let source: string;
let signaling: RunningSignaling;
let alice: PeerbeamBrowser;
let aliceDownloads: string;
let firefox: PeerbeamFirefox;
let firefoxDownloads: string;

beforeAll(async () => {
  assertIsolatedNetwork();
  work = await mkdtemp(join(tmpdir(), 'peerbeam-web-firefox-'));
  source = join(work, 'source');
  aliceDownloads = join(work, 'alice-downloads');
  firefoxDownloads = join(work, 'firefox-downloads');
  signaling = await startSignaling();
  [alice, firefox] = await Promise.all([
    launchBrowser({ name: 'alice', downloadsDir: aliceDownloads }),
    launchFirefox({ name: 'web-page', downloadsDir: firefoxDownloads }),
  ]);
  await alice.setSettings({ signalingUrl: signaling.url, deviceName: 'Alice laptop' });
  // Loopback candidates need a capture permission for the page's origin (FIREFOX-TESTING.md).
  await firefox.chromeScript(
    `const principal = Services.scriptSecurityManager.createContentPrincipalFromOrigin(arguments[0]);
     Services.perms.addFromPrincipal(principal, 'microphone', Services.perms.ALLOW_ACTION);`,
    [signaling.httpUrl],
  );
  await writeSampleFiles(source, 12, 2);
}, 90_000);

afterAll(async () => {
  await Promise.allSettled([alice?.close(), firefox?.close()]);
  await signaling?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

async function shownCode(page: Page): Promise<string> {
  await page.click('#send-by-code');
  const code = page.locator('#session-code');
  await code.waitFor({ timeout: 15_000 });
  return (await code.textContent())!.trim();
}

/** Waits until the Firefox page's transfer is in `state`, or says what it shows instead. */
async function firefoxTransfer(page: FirefoxPage, state: string): Promise<void> {
  await page.waitFor(`#transfer[data-state="${state}"]`, 60_000).catch(async (cause: unknown) => {
    const says = await page.text('body').catch(() => '?');
    const detail = await page.attribute('#session-error', 'data-detail').catch(() => null);
    throw new Error(
      `Firefox page: no ${state}; it says: ${says} (detail: ${detail})\n${firefox.output()}`,
      { cause },
    );
  });
}

describe('the web page in Firefox interoperates with the extension in Chromium', () => {
  it('extension (Chromium) → web page in Firefox: three files and a folder arrive byte-identical', async () => {
    const sendPage = await alice.context.newPage();
    await sendPage.goto(`chrome-extension://${alice.extensionId}/src/send/send.html`);
    await sendPage.setInputFiles('#pick-files', [
      join(source, 'big.bin'),
      join(source, 'empty.txt'),
      join(source, 'notes.md'),
    ]);
    await sendPage.setInputFiles('#pick-folder', join(source, 'album'));
    await shownCode(sendPage);
    const link = await sendPage.locator('#receive-url').inputValue();

    const page = await firefox.openPage(link);
    await firefoxTransfer(page, 'offered');
    await page.click('#accept');
    await firefoxTransfer(page, 'complete');
    await sendPage.locator('#transfer[data-state="complete"]').waitFor({ timeout: 30_000 });

    await expectSampleDownloads(firefoxDownloads, source);
    await Promise.all([page.close(), sendPage.close()]);
  }, 120_000);

  it('web page in Firefox → extension (Chromium): picked files arrive byte-identical', async () => {
    const page = await firefox.openPage(`${signaling.httpUrl}/`);
    await page.click('#send-files');
    const picked = ['big.bin', 'empty.txt', 'notes.md'];
    await page.setInputFiles(
      '#pick-files',
      picked.map((name) => join(source, name)),
    );
    await page.click('#send-by-code');
    const code = (await page.text('#session-code')).trim();

    const receiver = new Popup(await alice.openPopup());
    await receiver.cancelRunningSession();
    await receiver.receive(code);
    await receiver.page.locator('#transfer[data-state="offered"]').waitFor({ timeout: 20_000 });
    await receiver.page.click('#accept');
    await receiver.page.locator('#transfer[data-state="complete"]').waitFor({ timeout: 60_000 });
    await firefoxTransfer(page, 'complete');

    const saved = await waitForDownloads(aliceDownloads, 3);
    expect(saved).toEqual(picked.map((name) => `Peerbeam/${name}`));
    for (const name of picked) {
      expect(await sha256File(join(aliceDownloads, 'Peerbeam', name)), name).toBe(
        await sha256File(join(source, name)),
      );
    }
    await Promise.all([page.close(), receiver.page.close()]);
  }, 120_000);
});
