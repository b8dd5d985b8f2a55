/**
 * `npm run bench -- web`: the no-install web page receiving 1 GiB from the extension in
 * Chromium, against the extension receiving the same file in the same run (issue #15):
 *   (a) web page throughput / extension receiver throughput, runs interleaved
 *   (b) the receiving browser's memory growth while the web page receives (all its
 *       processes; the page streams to OPFS, then the browser copies the verified file from
 *       disk to its downloads: it must stay under 256 MiB)
 * The file is sparse (reading it costs no disk). Times run from the click on Accept to the
 * page showing every file verified and saved, read on the receiving page's own clock.
 * BENCH_QUICK=1 shrinks the size (a smoke run). Results: bench/results/web.json.
 */
import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser, type PeerbeamBrowser } from '../test/harness/browser.js';
import { waitForDownloads } from '../test/harness/files.js';
import { assertIsolatedNetwork } from '../test/harness/paths.js';
import { Popup } from '../test/harness/popup.js';
import { startSignaling } from '../test/harness/signaling.js';
import { launchWebPeerBrowser, type WebPeerBrowser } from '../test/harness/web-page.js';
import { acceptAndTime } from './accept-timing.js';
import { browserRssMiB, samplePeak } from './browser-memory.js';
import { median, metric, report } from './report.js';

const MiB = 1024 * 1024;
const quick = process.env.BENCH_QUICK === '1';
const SIZE = quick ? 64 * MiB : 1024 * MiB;
const RUNS = quick ? 1 : 2;
const MEMORY_LIMIT_MIB = 256;

assertIsolatedNetwork();
const work = await mkdtemp(join(tmpdir(), 'peerbeam-bench-web-'));
const bobDownloads = join(work, 'bob-downloads');
const signaling = await startSignaling();
let alice: PeerbeamBrowser | undefined;
let bob: PeerbeamBrowser | undefined;
let web: WebPeerBrowser | undefined;
const phase = (text: string) => console.log(`[web] ${text}`);
const mbps = (bytes: number, ms: number) => bytes / 1e6 / (ms / 1000);

/** Alice offers `file` from her send page; returns the page and the web page's link. */
async function offer(file: string): Promise<{ sendPage: Page; code: string; link: string }> {
  const sendPage = await alice!.context.newPage();
  await sendPage.goto(`chrome-extension://${alice!.extensionId}/src/send/send.html`);
  await sendPage.setInputFiles('#pick-files', file);
  await sendPage.click('#send-by-code');
  const code = (await sendPage.locator('#session-code').textContent({ timeout: 15_000 }))!.trim();
  const link = await sendPage.locator('#receive-url').inputValue();
  return { sendPage, code, link };
}

async function extensionReceives(file: string): Promise<number> {
  const { sendPage, code } = await offer(file);
  const receiver = new Popup(await bob!.openPopup());
  await receiver.cancelRunningSession();
  await receiver.receive(code);
  await receiver.page.locator('#transfer[data-state="offered"]').waitFor({ timeout: 20_000 });
  const ms = await acceptAndTime(receiver.page);
  await waitForDownloads(bobDownloads, 1, 120_000);
  await rm(bobDownloads, { recursive: true, force: true });
  await Promise.all([sendPage.close(), receiver.page.close()]);
  return ms;
}

/**
 * The web page receives by the send page's link; also its browser's peak memory growth from
 * the offer shown (the page loaded, its writer worker started) until the download is saved.
 */
async function webPageReceives(file: string): Promise<{ ms: number; growthMiB: number }> {
  const { sendPage, link } = await offer(file);
  const page = await web!.open(link);
  await page.locator('#transfer[data-state="offered"]').waitFor({ timeout: 20_000 });
  // From the offer on: the page (its renderer, and the writer worker the offer starts) is up.
  const before = await browserRssMiB(web!.profileDir);
  const peak = samplePeak(web!.profileDir, 500);
  const ms = await acceptAndTime(page);
  // The download copies the verified file from OPFS: its memory counts too.
  await waitForDownloads(web!.downloads, 1, 300_000);
  const growthMiB = (await peak.stop()) - before;
  await Promise.all([sendPage.close(), page.close()]);
  await rm(web!.downloads, { recursive: true, force: true });
  return { ms, growthMiB };
}

try {
  [alice, bob, web] = await Promise.all([
    launchBrowser({ name: 'alice' }),
    launchBrowser({ name: 'bob', downloadsDir: bobDownloads }),
    launchWebPeerBrowser({}),
  ]);
  await alice.setSettings({ signalingUrl: signaling.url, deviceName: 'Alice' });
  await bob.setSettings({ signalingUrl: signaling.url, deviceName: 'Bob' });
  const file = join(work, 'one-gib.bin');
  await writeFile(file, '');
  await truncate(file, SIZE);

  // Interleaved, so both receivers see the same drift of load on a shared machine.
  const extension: number[] = [];
  const page: number[] = [];
  const growths: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    phase(`${SIZE / MiB} MiB, run ${run + 1} of ${RUNS}: extension receiver, then web page`);
    extension.push(mbps(SIZE, await extensionReceives(file)));
    const { ms, growthMiB } = await webPageReceives(file);
    page.push(mbps(SIZE, ms));
    growths.push(growthMiB);
  }
  const best = (values: number[]) => Math.max(...values);
  const growth = Math.max(...growths);
  await report(
    'web',
    {
      web_page_throughput_1gib: metric(best(page), 'MB/s', best(extension)),
      web_page_memory_growth_1gib: metric(growth, 'MiB', MEMORY_LIMIT_MIB),
    },
    [
      `size ${SIZE / MiB} MiB (sparse), ${RUNS} interleaved runs; each receiver's fastest run compared (baseline: the extension receiving the same file)`,
      `runs (MB/s): web page ${page.map((v) => v.toFixed(1)).join(', ')}; extension ${extension.map((v) => v.toFixed(1)).join(', ')}; medians ${median(page).toFixed(1)} vs ${median(extension).toFixed(1)}`,
      `web page browser memory growth per run (MiB, all its processes, download included): ${growths.map((v) => v.toFixed(0)).join(', ')}; limit ${MEMORY_LIMIT_MIB} MiB`,
    ],
  );
  if (growth >= MEMORY_LIMIT_MIB) {
    console.error(`[web] memory grew ${growth.toFixed(0)} MiB: over ${MEMORY_LIMIT_MIB} MiB`);
    process.exitCode = 1;
  }
} finally {
  await Promise.allSettled([alice?.close(), bob?.close(), web?.close()]);
  await signaling.stop();
  await rm(work, { recursive: true, force: true });
}
