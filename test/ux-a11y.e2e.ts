/**
 * Issue #17: axe-core on every popup and send-page screen (home, settings, send picked, code
 * shown, offer, progress, finish, error, tab-share panel), in light and dark, English and
 * Simplified Chinese: zero serious or critical violations.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PeerbeamBrowser } from './harness/browser.js';
import { writeRandomFile } from './harness/files.js';
import { assertIsolatedNetwork } from './harness/paths.js';
import { startSignaling, type RunningSignaling } from './harness/signaling.js';
import { seriousViolations, type AxeFinding } from './harness/ux-axe.js';
import {
  openLiveSharePanel,
  SHARER_ARGS,
  chooseFiles,
  launchInLanguage,
  openSendPage,
  receiveOffer,
  sendByCode,
  waitForTransferState,
} from './harness/ux-flows.js';

const MiB = 1024 * 1024;
let work: string;
let signaling: RunningSignaling;

beforeAll(async () => {
  assertIsolatedNetwork();
  work = await mkdtemp(join(tmpdir(), 'peerbeam-ux-a11y-'));
  signaling = await startSignaling();
  await writeRandomFile(join(work, 'small.txt'), 12_345);
  // Large enough that the progress screen is up while axe looks at it.
  await writeRandomFile(join(work, 'large.bin'), 160 * MiB);
});

afterAll(async () => {
  await signaling?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

const report = (findings: AxeFinding[]) =>
  findings.map(
    (f) => `${f.screen} (${f.scheme}): ${f.rule} [${f.impact}] ${f.targets.join(', ')}
    ${f.summary}`,
  );

describe.each([
  ['en', 'Share this tab'],
  ['zh_CN', '共享此标签页'],
] as const)('accessibility in %s', (language, shareLabel) => {
  let alice: PeerbeamBrowser;
  let bob: PeerbeamBrowser;

  beforeAll(async () => {
    [alice, bob] = await Promise.all([
      launchInLanguage(language, { name: `a11y-alice-${language}`, extraArgs: SHARER_ARGS }),
      launchInLanguage(language, {
        name: `a11y-bob-${language}`,
        downloadsDir: join(work, `downloads-${language}`),
      }),
    ]);
    await Promise.all([alice.setSignalingUrl(signaling.url), bob.setSignalingUrl(signaling.url)]);
  });

  afterAll(async () => {
    await Promise.allSettled([alice?.close(), bob?.close()]);
  });

  it('every popup and send-page screen has zero serious or critical axe violations, light and dark', async () => {
    const findings: AxeFinding[] = [];
    const check = async (page: Page, screen: string) =>
      findings.push(...(await seriousViolations(page, screen)));

    // Home, in the browser's language, with lang set to it.
    const home = await alice.openPopup();
    await home.locator('#share-tab').waitFor();
    await expect(home.locator('#share-tab').textContent()).resolves.toBe(shareLabel);
    await expect(home.evaluate(() => document.documentElement.lang)).resolves.toMatch(
      language === 'zh_CN' ? /^zh/ : /^en/,
    );
    await check(home, 'popup home');
    // Settings, with the error a wrong address gives.
    await home.click('#settings summary');
    await home.fill('#signaling-url', 'http://example.com');
    await home.click('#save-settings');
    await home.locator('#signaling-url-problem').waitFor();
    await check(home, 'settings with an error');
    // A typed code that is not one.
    await home.fill('#code', '12-zzzz');
    await home.click('#connect');
    await home.locator('#session-error').waitFor();
    await check(home, 'code error');
    await home.close();

    // Send page: empty, then files picked, then the code shown.
    const sendPage = await openSendPage(alice);
    await check(sendPage, 'send page');
    await chooseFiles(sendPage, [join(work, 'small.txt'), join(work, 'large.bin')]);
    await check(sendPage, 'send picked');
    const code = await sendByCode(sendPage);
    await check(sendPage, 'code shown');

    // The offer, the sender waiting, the progress, the finish.
    const receiver = await receiveOffer(bob, code);
    await check(receiver.page, 'offer');
    await waitForTransferState(sendPage, 'awaiting-accept');
    await check(sendPage, 'sender waiting for accept');
    await receiver.page.click('#accept');
    await waitForTransferState(receiver.page, 'transferring');
    await check(receiver.page, 'progress');
    await Promise.all([
      waitForTransferState(receiver.page, 'complete', 120_000),
      waitForTransferState(sendPage, 'complete', 120_000),
    ]);
    await check(receiver.page, 'finish (receiver)');
    await check(sendPage, 'finish (sender)');
    await sendPage.click('#start-over');

    // A session error: the code's sender went away before it was used.
    await chooseFiles(sendPage, [join(work, 'small.txt')]);
    const spent = await sendByCode(sendPage);
    await sendPage.click('#cancel');
    await receiver.page.click('#start-over');
    await receiver.page.fill('#code', spent);
    await receiver.page.click('#connect');
    await receiver.page.locator('#session-error').waitFor({ timeout: 20_000 });
    await check(receiver.page, 'session error');
    await Promise.all([receiver.page.close(), sendPage.close()]);

    // The tab-share panel, live.
    const { popup, tab } = await openLiveSharePanel(alice, `${signaling.httpUrl}/healthz`);
    await check(popup, 'tab-share panel');
    await popup.click('#stop-share');
    await Promise.all([popup.close(), tab.close()]);

    expect(report(findings)).toEqual([]);
  }, 240_000);
});
