/**
 * Issue #13 item 1: a tab share offers code after code, so a hostile signaling server (or
 * anyone on a `ws://` path) could claim every one with a guess. In real Chromium, against a
 * server that claims the codes it hands out (harness/hostile-signaling.ts): the share takes
 * at most three guesses and then waits for the sharer, the popup shows the failed attempts
 * until dismissed, and a claim that stalls its handshake is dropped in bounded time.
 */
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GUESS_CAP } from '../src/core/tab-guess-guard.js';
import { launchBrowser, type PeerbeamBrowser } from './harness/browser.js';
import {
  startHostileSignaling,
  type Claim,
  type HostileSignaling,
} from './harness/hostile-signaling.js';
import { EXTENSION_ID, assertIsolatedNetwork } from './harness/paths.js';
import { waitUntil } from './harness/ports.js';
import { startProbePages, type ProbePages } from './harness/tab-probe.js';

/** The window the issue names: over it, the sharer must take no more than the cap. */
const WINDOW_MS = 60_000;
/**
 * Once paused the share offers no code at all (tab-guess-guard.test.ts proves it stays so),
 * so the rest of the window is watched only this long: long enough for a code the guard
 * failed to hold back (the next would come 8 s after the third failure) to be claimed.
 */
const PAUSED_WATCH_MS = 12_000;
/** The sharer drops a claim whose handshake has not finished after 15 s. */
const STALL_LIMIT_MS = 15_000;

let pages: ProbePages;
let sharer: PeerbeamBrowser;
let hostile: HostileSignaling | undefined;
let opened: Page[] = [];

beforeAll(async () => {
  assertIsolatedNetwork();
  pages = await startProbePages();
  // Tab capture without a toolbar click needs the extension allowlisted (BROWSER-TESTING.md).
  sharer = await launchBrowser({
    name: 'guessed-sharer',
    extraArgs: [`--allowlisted-extension-id=${EXTENSION_ID}`],
  });
});

afterEach(async () => {
  const popup = opened[1];
  // End the share as a person would, so the next test starts a fresh one.
  if (popup && (await popup.locator('#stop-share').isVisible())) {
    await popup.click('#stop-share');
    await popup.locator('[data-share-step="ended"]').waitFor({ timeout: 10_000 });
  }
  await Promise.allSettled(opened.map((page) => page.close()));
  opened = [];
  await hostile?.stop();
  hostile = undefined;
});

afterAll(async () => {
  await Promise.allSettled([sharer?.close(), pages?.stop()]);
});

/** Points the sharer at a hostile server following `plan`, and presses "Share this tab". */
async function shareAgainst(plan: (index: number) => Claim): Promise<Page> {
  hostile = await startHostileSignaling(plan);
  await sharer.setSignalingUrl(hostile.url);
  const tab = await sharer.context.newPage();
  await tab.goto(pages.blankUrl);
  const popup = await sharer.openPopup();
  opened = [tab, popup];
  await popup.locator('#share-tab').waitFor({ timeout: 10_000 });
  // The popup acts on the active tab, as the toolbar popup does on the page under it.
  await tab.bringToFront();
  await popup.click('#share-tab');
  await popup.locator('[data-share-step="live"]').waitFor({ timeout: 10_000 });
  return popup;
}

async function text(popup: Page, selector: string): Promise<string> {
  return ((await popup.locator(selector).textContent({ timeout: 5_000 })) ?? '').trim();
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a tab share bounds and shows failed guesses at its codes', () => {
  it(
    'a hostile server gets at most three guesses at a tab share',
    async () => {
      const started = Date.now();
      const popup = await shareAgainst(() => 'guess');
      await popup.locator('#tab-guess-paused').waitFor({ timeout: WINDOW_MS });
      await sleep(PAUSED_WATCH_MS);
      const watchedMs = Date.now() - started;
      const answered = hostile!.answeredClaims();
      expect(answered.length, `guesses the sharer took in ${watchedMs / 1000} s`).toBe(GUESS_CAP);
      expect(answered.every((claim) => claim.releaseMood === 'scary')).toBe(true);

      // The popup says so, and offers no code until the sharer chooses to go on.
      expect(await text(popup, '#tab-guess-warning')).toContain(
        `Failed attempts to join this share: ${GUESS_CAP}`,
      );
      expect(await text(popup, '#tab-guess-paused')).toContain(
        `Paused: no new code after ${GUESS_CAP} failed attempts`,
      );
      expect(await popup.locator('#tab-code').count()).toBe(0);

      // Going on gives another round of at most the cap; the warning keeps counting.
      await popup.click('#tab-guess-resume');
      await waitUntil(
        async () => hostile!.answeredClaims().length > GUESS_CAP,
        10_000,
        'another guess once the sharer goes on',
      );
      await sleep(3_000);
      const total = hostile!.answeredClaims().length;
      expect(total).toBeLessThanOrEqual(2 * GUESS_CAP);
      await popup.locator(`#tab-guess-warning[data-failed="${total}"]`).waitFor({ timeout: 5_000 });
    },
    WINDOW_MS + PAUSED_WATCH_MS + 40_000,
  );

  it('the wrong-guess warning stays until the sharer dismisses it', async () => {
    const popup = await shareAgainst((index) => (index === 0 ? 'guess' : 'idle'));
    // After the failed guess the next code comes (after a short wait); the warning stays.
    await popup.locator('#tab-code', { hasText: /^2-/ }).waitFor({ timeout: 10_000 });
    await sleep(2_000);
    const alerts = popup.getByRole('alert');
    expect(await alerts.allTextContents()).toEqual([
      expect.stringContaining('Failed attempts to join this share: 1'),
    ]);

    await popup.getByRole('button', { name: 'Dismiss' }).click();
    await expect.poll(() => alerts.count(), { timeout: 5_000 }).toBe(0);
    expect(await text(popup, '#tab-code')).toMatch(/^2-/);
  });

  it('where the popup offers the link, it says the signaling service serves that page and can read the code', async () => {
    const popup = await shareAgainst(() => 'idle');
    await popup.locator('#tab-share-link').waitFor({ timeout: 10_000 });
    expect(await text(popup, '#tab-watch-link-note')).toBe(
      'The link opens a page served by your signaling service, which can read the link and any code typed there.',
    );
  });

  it(
    'a stalled claim is dropped and frees its seat',
    async () => {
      const popup = await shareAgainst((index) => (index === 0 ? 'stall' : 'idle'));
      // The roster lists the claim while its handshake runs.
      await popup.locator('#tab-viewer-list li[data-stage="joining"]').waitFor({ timeout: 10_000 });
      const stalled = hostile!.allocations[0]!;
      await waitUntil(
        async () => stalled.sharerShareAt !== undefined,
        5_000,
        'the sharer to answer the claim',
      );

      await waitUntil(
        async () => stalled.closedAt !== undefined,
        STALL_LIMIT_MS + 5_000,
        'the sharer to drop the stalled claim',
      );
      const heldMs = stalled.closedAt! - stalled.pairedAt!;
      expect(heldMs).toBeGreaterThanOrEqual(STALL_LIMIT_MS - 1_000);
      expect(heldMs).toBeLessThan(STALL_LIMIT_MS + 5_000);

      // Its seat is free: no one is listed, a fresh code is on offer, and the sharer sees it.
      await popup.locator('#tab-viewer-list').waitFor({ state: 'detached', timeout: 5_000 });
      await popup.locator('#tab-code', { hasText: /^2-/ }).waitFor({ timeout: 10_000 });
      await popup.locator('#tab-guess-warning[data-failed="1"]').waitFor({ timeout: 5_000 });
    },
    STALL_LIMIT_MS + 45_000,
  );
});
