/**
 * Share the current tab live (issue #5), in real Chromium: the shared page paints the clock as
 * blocks every frame (harness/tab-probe.page.ts); viewers decode the frames they receive, and
 * every value they decode must be one the shared tab painted.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type PeerbeamBrowser } from './harness/browser.js';
import { playTone, receivedLoudness, watchOffscreenAudio } from './harness/offscreen-audio.js';
import { EXTENSION_ID, ROOT, assertIsolatedNetwork } from './harness/paths.js';
import { narrowLoopback } from './harness/narrow-path.js';
import { waitUntil } from './harness/ports.js';
import { watchInExtension } from './harness/watch-share.js';
import { startSignaling, type RunningSignaling } from './harness/signaling.js';
import { launchPlainChromium } from './harness/watch-page.js';
import {
  decodeFrames,
  decodeStats,
  paintedValues,
  startDecoding,
  startProbePages,
  type ProbePages,
} from './harness/tab-probe.js';

let signaling: RunningSignaling;
let pages: ProbePages;
let alice: PeerbeamBrowser;
let bob: PeerbeamBrowser;
let plain: Browser | undefined;

beforeAll(async () => {
  assertIsolatedNetwork();
  [signaling, pages] = await Promise.all([startSignaling(), startProbePages()]);
  // Pages that play sound without a click: the shared tab's tone, the viewer's analyser.
  const autoplay = '--autoplay-policy=no-user-gesture-required';
  [alice, bob] = await Promise.all([
    // Tab capture without a toolbar click needs the extension allowlisted (BROWSER-TESTING.md).
    launchBrowser({
      name: 'sharer',
      extraArgs: [`--allowlisted-extension-id=${EXTENSION_ID}`, autoplay],
    }),
    launchBrowser({ name: 'viewer', extraArgs: [autoplay] }),
  ]);
  await Promise.all([alice.setSignalingUrl(signaling.url), bob.setSignalingUrl(signaling.url)]);
});

afterAll(async () => {
  await Promise.allSettled([alice?.close(), bob?.close(), plain?.close()]);
  await Promise.allSettled([signaling?.stop(), pages?.stop()]);
});

/** Opens the page to share and the popup, and presses "Share this tab" on it. */
async function shareTab(
  quality = '720p',
  beforeShare?: (tab: Page, popup: Page) => Promise<void>,
): Promise<{ tab: Page; popup: Page; code: string }> {
  const tab = await alice.context.newPage();
  await tab.goto(pages.paintedUrl);
  const popup = await alice.openPopup();
  await popup.locator('#share-tab').waitFor({ timeout: 10_000 });
  await beforeShare?.(tab, popup);
  await popup.selectOption('#tab-quality', quality);
  // The popup acts on the active tab, as the toolbar popup does on the page under it.
  await tab.bringToFront();
  await popup.click('#share-tab');
  return { tab, popup, code: await nextCode(popup) };
}

async function nextCode(popup: Page, other?: string): Promise<string> {
  const code = popup.locator('#tab-code');
  let text = '';
  await waitUntil(
    async () => {
      text = ((await code.textContent({ timeout: 1_000 })) ?? '').trim();
      return text !== '' && text !== other;
    },
    15_000,
    'a code for the next viewer',
  );
  return text;
}

/** The viewer decodes received frames; each decoded value must be one the tab painted. */
async function expectShowsSharedTab(viewer: Page, tab: Page): Promise<void> {
  const stats = await decodeFrames(viewer);
  const painted = new Set(await paintedValues(tab));
  const unknown = stats.values.filter((value) => !painted.has(value));
  expect(unknown, 'decoded values the shared tab never painted').toEqual([]);
  // The values are the tab's clock: they move forward, and arrive well under a second late.
  expect(stats.values.at(-1)! - stats.values[0]!).toBeGreaterThan(0);
  const sorted = [...stats.latencies].sort((a, b) => a - b);
  expect(sorted[Math.floor(sorted.length / 2)]).toBeLessThan(1_000);
  expect(stats.width).toBeGreaterThan(0);
}

async function badgeText(): Promise<string> {
  const worker = await alice.serviceWorker();
  return worker.evaluate(() => chrome.action.getBadgeText({}));
}

describe('share the current tab live', () => {
  /**
   * The first four tests follow one share: it starts, a viewer with the extension joins, a web
   * viewer joins, one leaves, Stop ends it. Each test sets up what it needs if no earlier test
   * did, so every test also passes alone (`-t`).
   */
  let story: { shared: Page; sharer: Page; code: string } | undefined;
  let firstViewer: Page | undefined;
  let webViewer: Page | undefined;

  async function liveShare(): Promise<NonNullable<typeof story>> {
    if (!story) {
      const { tab, popup, code } = await shareTab();
      story = { shared: tab, sharer: popup, code };
    }
    return story;
  }

  async function withFirstViewer(): Promise<NonNullable<typeof story> & { firstViewer: Page }> {
    const share = await liveShare();
    firstViewer ??= await watchInExtension(bob, share.code);
    return { ...share, firstViewer };
  }

  /** Opens the share's stable link in a browser without the extension, as a second viewer. */
  async function watchFromLink(
    sharer: Page,
  ): Promise<{ link: string; qrLink: string | null; page: Page }> {
    const link = await sharer.locator('#tab-share-link').inputValue();
    const qrLink = await sharer.locator('#tab-qr').getAttribute('data-link');
    plain ??= await launchPlainChromium();
    const context = await plain.newContext();
    // A plain page gathers loopback host candidates only with media permission (BROWSER-TESTING.md).
    await context.grantPermissions(['camera', 'microphone'], { origin: signaling.httpUrl });
    const page = await context.newPage();
    await page.goto(link);
    await page.locator('body[data-state="playing"]').waitFor({ timeout: 20_000 });
    return { link, qrLink, page };
  }

  async function withBothViewers(): Promise<
    Awaited<ReturnType<typeof withFirstViewer>> & { webViewer: Page }
  > {
    const share = await withFirstViewer();
    webViewer ??= (await watchFromLink(share.sharer)).page;
    return { ...share, webViewer };
  }

  /** One share at a time: the story's share ends first when an earlier test left it live. */
  async function endStory(): Promise<void> {
    if (!story) return;
    await story.sharer.click('#stop-share');
    await story.sharer.locator('[data-share-step="ended"]').waitFor({ timeout: 10_000 });
    await firstViewer?.close();
    story = firstViewer = webViewer = undefined;
  }

  it('Share this tab: a viewer with the extension receives the frames the shared tab paints', async () => {
    const { shared, sharer, code } = await liveShare();
    expect(code).toMatch(/^[1-9][0-9]*-[a-z]+-[a-z]+$/);
    await expect.poll(badgeText, { timeout: 5_000 }).toBe('LIVE');

    const { firstViewer } = await withFirstViewer();
    await expectShowsSharedTab(firstViewer, shared);

    // The popup counts the viewer, shows its path, and already offers the next one-time code.
    await sharer.locator('#tab-viewers[data-count="1"]').waitFor({ timeout: 10_000 });
    const row = sharer.locator('#tab-viewer-list li[data-stage="watching"]');
    await expect.poll(() => row.getAttribute('data-path')).toBe('direct');
    expect(await nextCode(sharer, code)).not.toBe(code);
    await expect.poll(badgeText, { timeout: 5_000 }).toBe('1');
  });

  it('a viewer without the extension watches from the link: the /watch page shows the shared tab', async () => {
    const { shared, sharer } = await withFirstViewer();
    const { link, qrLink, page } = await watchFromLink(sharer);
    webViewer = page;
    expect(link).toMatch(new RegExp(`^${signaling.httpUrl}/watch#s=[A-Za-z0-9_-]{22}$`));
    expect(qrLink).toBe(link);
    expect(new URL(page.url()).hash, "the link's secret leaves the address bar").toBe('');
    await expectShowsSharedTab(page, shared);

    await sharer.locator('#tab-viewers[data-count="2"]').waitFor({ timeout: 10_000 });
    await expect.poll(badgeText, { timeout: 5_000 }).toBe('2');
  });

  it('a viewer leaving closes only its connection; the share stays open for new viewers', async () => {
    const { sharer, firstViewer: leaving, webViewer: staying } = await withBothViewers();
    await sharer.locator('#tab-viewers[data-count="2"]').waitFor({ timeout: 10_000 });
    await leaving.close();
    await sharer.locator('#tab-viewers[data-count="1"]').waitFor({ timeout: 10_000 });
    // The other viewer still receives new frames (it decodes already if an earlier test ran).
    const decoding = await staying.evaluate(() => {
      const probe = (globalThis as { peerbeamProbe?: { stats(): unknown } }).peerbeamProbe;
      return probe?.stats() !== undefined;
    });
    if (!decoding) await startDecoding(staying);
    const before = (await decodeStats(staying))?.values.length ?? 0;
    await waitUntil(
      async () => ((await decodeStats(staying))?.values.length ?? 0) > before + 10,
      5_000,
      'the remaining viewer to keep receiving',
    );
    // A new viewer joins with the code on offer.
    firstViewer = await watchInExtension(bob, await nextCode(sharer));
    await sharer.locator('#tab-viewers[data-count="2"]').waitFor({ timeout: 10_000 });
  });

  it('Stop ends the stream: every viewer shows that sharing ended', async () => {
    const { sharer, firstViewer: extensionViewer, webViewer: linkViewer } = await withBothViewers();
    await sharer.click('#stop-share');
    await Promise.all([
      extensionViewer.locator('body[data-state="ended"]').waitFor({ timeout: 10_000 }),
      linkViewer.locator('body[data-state="ended"]').waitFor({ timeout: 10_000 }),
      sharer.locator('[data-share-step="ended"]').waitFor({ timeout: 10_000 }),
    ]);
    expect(await extensionViewer.locator('#overlay').textContent()).toBe('Sharing ended');
    expect(await linkViewer.locator('#overlay').textContent()).toBe('Sharing ended');
    await expect.poll(badgeText, { timeout: 5_000 }).toBe('');
    await extensionViewer.close();
    story = firstViewer = webViewer = undefined;
  });

  it('at 1080p a viewer with the extension receives the frames the shared tab paints', async () => {
    await endStory();
    const { tab, popup, code } = await shareTab('1080p');
    const viewer = await watchInExtension(bob, code);
    await expectShowsSharedTab(viewer, tab);
    await popup.click('#stop-share');
    await viewer.locator('body[data-state="ended"]').waitFor({ timeout: 10_000 });
    await Promise.all([viewer.close(), tab.close(), popup.close()]);
  });

  it('on a narrow path the share gives up frame rate first and the popup says so; it climbs back once the path widens', async () => {
    await endStory();
    const { tab, popup, code } = await shareTab('720p');
    const viewer = await watchInExtension(bob, code);
    const limited = popup.locator('#tab-limited');
    expect(await limited.count()).toBe(0);
    const path = narrowLoopback('300kbit', '16kb');
    try {
      // Everything the popup says while the path is narrow, in order.
      const said: string[] = [];
      await waitUntil(
        async () => {
          const shown = await popup.evaluate(() => {
            const line = document.querySelector('#tab-limited');
            return (
              line && { text: line.textContent?.trim() ?? '', fps: line.getAttribute('data-fps') }
            );
          });
          if (shown && said.at(-1) !== shown.text) said.push(shown.text);
          return !!shown?.fps && Number(shown.fps) <= 15;
        },
        40_000,
        'the popup saying the share was lowered to 15 fps or less',
      );
      expect(said[0]).toMatch(/^Lowered to \d+ fps to keep up$/);
      await popup.screenshot({ path: `${ROOT}.tmp/tab-share/limited-en-US.png` });
    } finally {
      path.widen();
    }
    await limited.waitFor({ state: 'detached', timeout: 60_000 });
    await expectShowsSharedTab(viewer, tab);
    await popup.click('#stop-share');
    await viewer.locator('body[data-state="ended"]').waitFor({ timeout: 10_000 });
    await Promise.all([viewer.close(), tab.close(), popup.close()]);
  });

  it('sharing stops cleanly when the shared tab closes', async () => {
    const { tab, popup, code: fresh } = await shareTab('1080p');
    const viewer = await watchInExtension(bob, fresh);
    await tab.close();
    await Promise.all([
      viewer.locator('body[data-state="ended"]').waitFor({ timeout: 10_000 }),
      popup.locator('[data-share-step="ended"]').waitFor({ timeout: 10_000 }),
    ]);
    expect(await popup.locator('#tab-share-ended').textContent()).toContain('tab was closed');
    await expect.poll(badgeText, { timeout: 5_000 }).toBe('');
  });

  it('sharing stops cleanly when the shared tab navigates away to a browser page', async () => {
    const { tab, popup, code: fresh } = await shareTab();
    // The test build holds the optional "tabs" permission, so no request for it is shown.
    expect(await popup.locator('#tab-guard').count()).toBe(0);
    const viewer = await watchInExtension(bob, fresh);
    // A navigation to another web page is still the user's tab: the share goes on.
    await tab.goto(pages.paintedUrl);
    // (Frames of the page before are still on their way for a moment.)
    await tab.waitForTimeout(1_000);
    await expectShowsSharedTab(viewer, tab);
    expect(await popup.locator('[data-share-step="live"]').count()).toBe(1);
    await tab.goto('chrome://version');
    await Promise.all([
      viewer.locator('body[data-state="ended"]').waitFor({ timeout: 10_000 }),
      popup.locator('[data-share-step="ended"]').waitFor({ timeout: 10_000 }),
    ]);
    expect(await popup.locator('#tab-share-ended').textContent()).toBe(
      'Sharing stopped: the tab went to a browser page.',
    );
    await expect.poll(badgeText, { timeout: 5_000 }).toBe('');
    await viewer.close();
  });

  it("the sharer still hears the tab's sound while it is shared, and the viewer hears it too", async () => {
    let audio: Awaited<ReturnType<typeof watchOffscreenAudio>> | undefined;
    const { popup, code: fresh } = await shareTab('720p', async (tab, popup) => {
      await playTone(tab);
      audio = await watchOffscreenAudio(alice.context, popup);
    });
    try {
      const viewer = await watchInExtension(bob, fresh);
      // Capture takes the tab's sound from its speakers; the offscreen document plays it out.
      await expect
        .poll(() => audio!.sourcesPlayingOut(), { timeout: 5_000 })
        .toContain('MediaStreamAudioSource');
      expect(await receivedLoudness(viewer), 'RMS of the tone at the viewer').toBeGreaterThan(0.05);
      await popup.click('#stop-share');
      await viewer.locator('body[data-state="ended"]').waitFor({ timeout: 10_000 });
      await viewer.close();
    } finally {
      await audio?.detach();
    }
  });
});
