/**
 * What a person watching a shared tab sees on the no-install /watch page (issue #17 items
 * 9–11), in a plain Chromium at a phone's size, in English and in Chinese: each error once,
 * the code field empty after a share ended, player controls only once something plays, no
 * English inside Chinese messages, 44 px touch targets, the page's own language in `lang`.
 */
import { mkdir } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isWord } from '../src/core/words.js';
import type { PeerbeamBrowser } from './harness/browser.js';
import { ROOT, assertIsolatedNetwork } from './harness/paths.js';
import { startSignaling, type RunningSignaling } from './harness/signaling.js';
import { startProbePages, type ProbePages } from './harness/tab-probe.js';
import { launchInLanguage } from './harness/ux-flows.js';
import { seriousViolations } from './harness/watch-axe.js';
import {
  DESKTOP,
  PHONE,
  focusIsVisible,
  launchPlainChromium,
  noteControlsShownEarly,
  openWatch,
  smallTargets,
  timesShown,
  visibleText,
  wrappedButtons,
} from './harness/watch-page.js';
import { launchWatchSharer, watchInExtension, type WatchSharer } from './harness/watch-share.js';

const SHOTS = `${ROOT}.tmp/ux-watch`;

let signaling: RunningSignaling;
let pages: ProbePages;
let plain: Browser;
let sharer: WatchSharer | undefined;
const viewerBrowsers: PeerbeamBrowser[] = [];

beforeAll(async () => {
  assertIsolatedNetwork();
  [signaling, pages, plain] = await Promise.all([
    startSignaling(),
    startProbePages(),
    launchPlainChromium(),
  ]);
  await mkdir(SHOTS, { recursive: true });
});

afterAll(async () => {
  await Promise.allSettled([
    plain?.close(),
    sharer?.close(),
    ...viewerBrowsers.map((browser) => browser.close()),
  ]);
  await Promise.allSettled([signaling?.stop(), pages?.stop()]);
});

async function typeCode(page: Page, code: string): Promise<void> {
  await page.fill('#code', code);
  await page.click('#watch');
}

/** The text of the page's one message (the overlay over the video). */
const message = async (page: Page) => ((await page.locator('#overlay').textContent()) ?? '').trim();

describe('the /watch page, as a person watching sees it', () => {
  it.each([
    ['a desktop', DESKTOP],
    ['a phone', PHONE],
  ])(
    'each error is shown once on %s: a code no one shares with, and a misspelt code',
    async (_, viewport) => {
      const page = await openWatch(plain, signaling.httpUrl, { locale: 'en-US', viewport });
      await typeCode(page, '999-apple-river');
      await page.locator('body[data-state="failed"]').waitFor({ timeout: 15_000 });
      const unknown = await message(page);
      expect(await timesShown(page, unknown), unknown).toBe(1);
      expect(unknown).toContain('No one is waiting with that code');

      await typeCode(page, '7-aplpe-river');
      await page.locator('body[data-state="failed"]').waitFor({ timeout: 15_000 });
      const typo = await message(page);
      expect(await timesShown(page, typo), typo).toBe(1);
      expect(typo).toContain('“aplpe”');
      expect(await seriousViolations(page), 'axe on an error').toEqual([]);
      // A typo spends nothing: the code stays in the field to be corrected.
      expect(await page.inputValue('#code')).toBe('7-aplpe-river');
      await page.context().close();
    },
  );

  it('Chinese /watch speaks Chinese inside its messages, with lang="zh-CN"', async () => {
    const page = await openWatch(plain, signaling.httpUrl, { locale: 'zh-CN' });
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    expect(await page.title()).toBe('Peerbeam：观看共享的标签页');
    expect(await page.textContent('#watch')).toBe('观看');

    await typeCode(page, '7-aplpe-river');
    await page.locator('body[data-state="failed"]').waitFor({ timeout: 15_000 });
    const said = await message(page);
    expect(said).toContain('“aplpe”');
    // Apart from the typed word, the suggested code words and the product's name: no English.
    const rest = said.replace(/[A-Za-z]+/g, (word) =>
      word === 'aplpe' || word === 'Peerbeam' || isWord(word) ? '' : word,
    );
    expect(rest, `English inside a Chinese message: ${said}`).not.toMatch(/[A-Za-z]{2,}/);
    // Full-width brackets and colons in Chinese text, never half-width ones.
    expect(said).not.toMatch(/[():]/);

    await typeCode(page, '999-apple-river');
    await page.locator('body[data-state="failed"]').waitFor({ timeout: 15_000 });
    expect(await message(page)).toContain('没有人在用这个代码等待');
    expect((await message(page)).replace(/Peerbeam/g, '')).not.toMatch(/[A-Za-z]{2,}/);
    expect(await timesShown(page, '没有人在用这个代码等待')).toBe(1);
    expect(await seriousViolations(page), 'axe on a Chinese error').toEqual([]);
    await page.screenshot({ path: `${SHOTS}/watch-zh-CN-error-360.png` });
    await page.context().close();
  });

  it('a code read out in digits is taken on /watch, and a wrong digit is caught before it is used', async () => {
    const page = await openWatch(plain, signaling.httpUrl, { locale: 'zh-CN' });
    // 7-apple-river in digits, with its last (check) digit changed: nothing is sent.
    await typeCode(page, '999-0175-5744');
    await page.locator('body[data-state="failed"]').waitFor({ timeout: 15_000 });
    expect(await message(page)).toContain('有一位数字不对');
    // The right digits reach the signaling service: no one shares with nameplate 999.
    await typeCode(page, '999-0175-5743');
    await page.locator('body[data-state="failed"]').waitFor({ timeout: 15_000 });
    expect(await message(page)).toContain('没有人在用这个代码等待');
    await page.context().close();
  });

  it('at 360 px wide every control is a 44 px touch target, on one line, with visible focus', async () => {
    for (const locale of ['en-US', 'zh-CN']) {
      for (const colorScheme of ['light', 'dark'] as const) {
        const page = await openWatch(plain, signaling.httpUrl, { locale, colorScheme });
        expect(await smallTargets(page), `${locale} ${colorScheme}`).toEqual([]);
        expect(await wrappedButtons(page), `${locale} ${colorScheme}`).toEqual([]);
        expect(await seriousViolations(page), `axe ${locale} ${colorScheme}`).toEqual([]);
        // Nothing is wider than the screen.
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
          360,
        );
        await page.keyboard.press('Tab');
        expect(await page.evaluate(() => document.activeElement?.id)).toBe('code');
        expect(await focusIsVisible(page), 'focus ring on the code field').toBe(true);
        await page.screenshot({ path: `${SHOTS}/watch-${locale}-${colorScheme}-360.png` });
        await page.context().close();
      }
    }
  });

  it('Mute and Fullscreen stay hidden until the shared tab plays', async () => {
    sharer ??= await launchWatchSharer(signaling.url);
    const { popup, code } = await sharer.share(pages.paintedUrl);
    const page = await openWatch(plain, signaling.httpUrl, { locale: 'en-US' });
    const controls = ['#mute', '#fullscreen', '#volume'].map((id) => page.locator(id));
    const shown = () => Promise.all(controls.map((control) => control.isVisible()));
    expect(await shown(), 'Mute, Fullscreen, Volume before anything plays').toEqual([
      false,
      false,
      false,
    ]);

    const shownEarly = await noteControlsShownEarly(page, ['mute', 'fullscreen', 'volume']);
    // By keyboard: the code, then Enter.
    await page.locator('#code').focus();
    await page.keyboard.type(code);
    await page.keyboard.press('Enter');
    await page.locator('body[data-state="playing"]').waitFor({ timeout: 20_000 });
    expect(await shownEarly(), 'controls seen while connecting').toEqual([]);
    expect(await shown(), 'while playing').toEqual([true, true, true]);
    // The form that had the focus is gone: the focus is on the first control, not on <body>.
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('mute');
    expect(await smallTargets(page)).toEqual([]);
    expect(await seriousViolations(page), 'axe while playing').toEqual([]);
    await page.screenshot({ path: `${SHOTS}/watch-en-US-playing-360.png` });

    await popup.click('#stop-share');
    await page.locator('body[data-state="ended"]').waitFor({ timeout: 10_000 });
    expect(await shown(), 'after the share ended').toEqual([false, false, false]);
    await page.context().close();
  });

  it('after "Sharing ended" the used code is not put back: the field is empty and focused', async () => {
    sharer ??= await launchWatchSharer(signaling.url);
    const { popup, code } = await sharer.share(pages.paintedUrl);
    const page = await openWatch(plain, signaling.httpUrl, { locale: 'en-US' });
    await typeCode(page, code);
    await page.locator('body[data-state="playing"]').waitFor({ timeout: 20_000 });

    await popup.click('#stop-share');
    await page.locator('body[data-state="ended"]').waitFor({ timeout: 10_000 });
    expect(await message(page)).toBe('Sharing ended');
    expect(await timesShown(page, 'Sharing ended')).toBe(1);
    await expect.poll(() => page.locator('#code').isVisible()).toBe(true);
    expect(await page.inputValue('#code'), 'the code field after the share ended').toBe('');
    expect(await visibleText(page)).not.toContain(code);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('code');
    expect(await seriousViolations(page), 'axe after the share ended').toEqual([]);
    await page.screenshot({ path: `${SHOTS}/watch-en-US-ended-360.png` });
    await page.context().close();
  });
});

describe("the extension's viewer page, as a person watching sees it", () => {
  it.each([
    ['en', 'en', 'Sharing ended'],
    ['zh_CN', 'zh-CN', '共享已结束'],
  ] as const)(
    'in %s it names the language of its messages (lang=%s), shows each state once, and passes axe',
    async (language, lang, ended) => {
      sharer ??= await launchWatchSharer(signaling.url);
      const { popup, code } = await sharer.share(pages.paintedUrl);
      const viewerBrowser = await launchInLanguage(language, { name: `watch-viewer-${language}` });
      viewerBrowsers.push(viewerBrowser);
      await viewerBrowser.setSignalingUrl(signaling.url);
      const viewer = await watchInExtension(viewerBrowser, code);
      // The language of the messages shown, not the browser's region variant (en-US).
      expect(await viewer.getAttribute('html', 'lang')).toBe(lang);
      expect(await viewer.locator('#mute').isVisible()).toBe(true);
      expect(await seriousViolations(viewer), 'axe on the viewer while playing').toEqual([]);

      await popup.click('#stop-share');
      await viewer.locator('body[data-state="ended"]').waitFor({ timeout: 10_000 });
      expect(await viewer.locator('#overlay').textContent()).toBe(ended);
      expect(await timesShown(viewer, ended)).toBe(1);
      expect(await viewer.locator('#mute').isVisible()).toBe(false);
      expect(await seriousViolations(viewer), 'axe on the viewer after the end').toEqual([]);
      await viewerBrowser.close();
    },
  );
});
