/**
 * One stable link for a whole tab share (issue #17, item 8), in real Chromium: the sharer's
 * extension shares a page that paints the clock (harness/tab-probe.page.ts); viewers open the
 * share's /watch link in a plain Chromium without the extension and decode what they receive.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type PeerbeamBrowser } from './harness/browser.js';
import { EXTENSION_ID, assertIsolatedNetwork } from './harness/paths.js';
import { waitUntil } from './harness/ports.js';
import { startSignaling, type RunningSignaling } from './harness/signaling.js';
import { launchPlainChromium } from './harness/watch-page.js';
import {
  decodeStats,
  paintedValues,
  startDecoding,
  startProbePages,
  type ProbePages,
} from './harness/tab-probe.js';

/** Taller than 720 px, so 1080p and 720p capture the tab at different heights. */
const TAB_SIZE = { width: 1280, height: 960 };

let signaling: RunningSignaling;
let pages: ProbePages;
let sharer: PeerbeamBrowser;
let plain: Browser;

beforeAll(async () => {
  assertIsolatedNetwork();
  // Every viewer here shares the sharer's address (127.0.0.1): the per-address join budget is
  // for one person, not for a room of them.
  [signaling, pages] = await Promise.all([
    startSignaling({ JOINS_PER_MINUTE: '600' }),
    startProbePages(),
  ]);
  [sharer, plain] = await Promise.all([
    // Tab capture without a toolbar click needs the extension allowlisted (BROWSER-TESTING.md).
    launchBrowser({
      name: 'link-sharer',
      extraArgs: [`--allowlisted-extension-id=${EXTENSION_ID}`],
      viewport: TAB_SIZE,
    }),
    launchPlainChromium(),
  ]);
  await sharer.setSignalingUrl(signaling.url);
});

afterAll(async () => {
  await Promise.allSettled([sharer?.close(), plain?.close()]);
  await Promise.allSettled([signaling?.stop(), pages?.stop()]);
});

interface Share {
  tab: Page;
  popup: Page;
  link: string;
}

/** Shares a fresh painted tab from the popup (stopping any share left running) at `quality`. */
async function shareTab(quality = '1080p'): Promise<Share> {
  const tab = await sharer.context.newPage();
  await tab.goto(pages.paintedUrl);
  let popup = await sharer.openPopup();
  await popup.locator('#share-tab, #stop-share').first().waitFor({ timeout: 10_000 });
  if (await popup.locator('#stop-share').isVisible()) {
    await popup.click('#stop-share');
    await popup.locator('[data-share-step="ended"]').waitFor({ timeout: 10_000 });
    await popup.close();
    popup = await sharer.openPopup();
    await popup.locator('#share-tab').waitFor({ timeout: 10_000 });
  }
  await popup.selectOption('#tab-quality', quality);
  // The popup acts on the active tab, as the toolbar popup does on the page under it.
  await tab.bringToFront();
  await popup.click('#share-tab');
  const field = popup.locator('#tab-share-link');
  await field.waitFor({ timeout: 15_000 });
  return { tab, popup, link: await field.inputValue() };
}

/** Opens `link` in a browser without the extension, as a person told the link would. */
async function openLink(link: string): Promise<Page> {
  const context = await plain.newContext();
  // A plain page gathers loopback host candidates only with media permission (BROWSER-TESTING.md).
  await context.grantPermissions(['camera', 'microphone'], { origin: signaling.httpUrl });
  const page = await context.newPage();
  await page.goto(link);
  return page;
}

async function playing(page: Page): Promise<Page> {
  await page.locator('body[data-state="playing"]').waitFor({ timeout: 30_000 });
  return page;
}

/** The viewer decodes ≥ `count` more frames, each one the shared tab painted. */
async function keepsDecoding(viewer: Page, tab: Page, count = 10): Promise<void> {
  const started = await viewer.evaluate(
    () =>
      (globalThis as { peerbeamProbe?: { stats(): unknown } }).peerbeamProbe?.stats() !== undefined,
  );
  if (!started) await startDecoding(viewer);
  const before = (await decodeStats(viewer))?.values.length ?? 0;
  await waitUntil(
    async () => ((await decodeStats(viewer))?.values.length ?? 0) >= before + count,
    15_000,
    `${count} more frames decoded`,
  );
  const painted = new Set(await paintedValues(tab));
  const unknown = (await decodeStats(viewer))!.values.filter((value) => !painted.has(value));
  expect(unknown, 'decoded values the shared tab never painted').toEqual([]);
}

const videoHeight = (page: Page) =>
  page.evaluate(() => document.querySelector('video')?.videoHeight ?? 0);

async function stop(share: Share, ...viewers: Page[]): Promise<void> {
  await share.popup.click('#stop-share');
  await share.popup.locator('[data-share-step="ended"]').waitFor({ timeout: 10_000 });
  await Promise.allSettled(viewers.map((viewer) => viewer.context().close()));
  await share.tab.close();
}

describe('one stable link for the whole tab share', () => {
  it('a second viewer joins from the same link', async () => {
    const share = await shareTab();
    expect(share.link).toMatch(new RegExp(`^${signaling.httpUrl}/watch#s=[A-Za-z0-9_-]{22}$`));
    expect(await share.popup.locator('#tab-qr').getAttribute('data-link')).toBe(share.link);
    // Both open the link at once: one finds the link busy and tries again.
    const [first, second] = await Promise.all([openLink(share.link), openLink(share.link)]);
    await Promise.all([playing(first), playing(second)]);
    expect(new URL(first.url()).hash, 'the secret leaves the address bar').toBe('');
    await keepsDecoding(first, share.tab);
    await keepsDecoding(second, share.tab);
    await share.popup.locator('#tab-viewers[data-count="2"]').waitFor({ timeout: 10_000 });
    // The link stayed the same all along, and still lets a third in.
    expect(await share.popup.locator('#tab-share-link').inputValue()).toBe(share.link);
    const third = await playing(await openLink(share.link));
    await share.popup.locator('#tab-viewers[data-count="3"]').waitFor({ timeout: 10_000 });
    await stop(share, first, second, third);
  });

  it('a turned-off link lets no new viewer in while the ones watching stay', async () => {
    const share = await shareTab();
    const watching = await playing(await openLink(share.link));
    await share.popup.locator('#tab-viewers[data-count="1"]').waitFor({ timeout: 10_000 });
    await share.popup.getByRole('button', { name: 'Turn off link' }).click();
    await share.popup.locator('#tab-link-off').waitFor({ timeout: 5_000 });
    expect(await share.popup.locator('#tab-share-link').count()).toBe(0);
    // Focus moves to the button that replaced the one pressed, not to <body>.
    expect(await share.popup.evaluate(() => document.activeElement?.id)).toBe('tab-link-on');

    const late = await openLink(share.link);
    await late.locator('body[data-state="failed"]').waitFor({ timeout: 30_000 });
    expect(await late.locator('#overlay').textContent()).toContain('This link was turned off');
    await keepsDecoding(watching, share.tab);
    expect(await share.popup.locator('#tab-viewers').getAttribute('data-count')).toBe('1');

    // "Turn on link" gives a new link; the old one stays off.
    await share.popup.click('#tab-link-on');
    const fresh = await share.popup.locator('#tab-share-link').inputValue();
    expect(fresh).not.toBe(share.link);
    await stop(share, watching, late);
  });

  it('the sharer removes a viewer: its page says sharing ended, the other goes on', async () => {
    const share = await shareTab();
    const first = await playing(await openLink(share.link));
    const second = await playing(await openLink(share.link));
    await share.popup.locator('#tab-viewers[data-count="2"]').waitFor({ timeout: 10_000 });
    const remove = share.popup.getByRole('button', { name: 'Remove Web viewer' });
    expect(await remove.count()).toBe(2);
    await remove.first().click();
    await share.popup.locator('#tab-viewers[data-count="1"]').waitFor({ timeout: 10_000 });
    const ended = async (page: Page) =>
      (await page.locator('body').getAttribute('data-state')) === 'ended';
    await waitUntil(
      async () => (await ended(first)) || (await ended(second)),
      10_000,
      'the removed viewer to end',
    );
    const [removed, staying] = (await ended(first)) ? [first, second] : [second, first];
    expect(await removed.locator('#overlay').textContent()).toBe('Sharing ended');
    expect(await ended(staying)).toBe(false);
    await keepsDecoding(staying, share.tab);
    expect(await share.popup.locator('[data-share-step="live"]').count()).toBe(1);
    await stop(share, first, second);
  });

  it('the sharer changes quality while live: viewers keep playing at the new height', async () => {
    const share = await shareTab('1080p');
    const first = await playing(await openLink(share.link));
    const second = await playing(await openLink(share.link));
    await expect.poll(() => videoHeight(first), { timeout: 10_000 }).toBe(TAB_SIZE.height);
    await share.popup.selectOption('#tab-live-quality', '720p');
    for (const viewer of [first, second]) {
      await expect.poll(() => videoHeight(viewer), { timeout: 15_000 }).toBe(720);
      await keepsDecoding(viewer, share.tab);
      expect(await viewer.locator('body').getAttribute('data-state')).toBe('playing');
    }
    // And back up to what the capture started at.
    await share.popup.selectOption('#tab-live-quality', '1080p');
    await expect.poll(() => videoHeight(second), { timeout: 15_000 }).toBe(TAB_SIZE.height);
    await share.popup.locator('#tab-viewers[data-count="2"]').waitFor({ timeout: 10_000 });
    await stop(share, first, second);
  });
});
