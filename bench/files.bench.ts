/**
 * `npm run bench -- files`: Peerbeam file transfer between two real Chromium instances with
 * the extension, through the real signaling service, on 127.0.0.1, against baselines measured
 * in the same run and the same two browsers:
 *   (a) Peerbeam throughput, 256 MiB and 1 GiB
 *   (b) the ceiling: a bare RTCDataChannel between two plain pages
 *   (c) the common scheme (the file read in 64,000-byte chunks, ack every 1 MB, file assembled
 *       in memory), and a stricter variant of it that sends from memory without reading a file
 *   (d) receiver browser memory growth while receiving 4 GiB (all its processes)
 *   (e) time from code entered to channel open
 * (a)–(c) at 256 MiB run interleaved, eight times; each scheme's fastest run is compared
 * (medians, and the median of each round's Peerbeam/bare ratio, in the notes). The notes
 * also count UDP datagrams the kernel dropped on full socket buffers: on this machine the
 * channel is CPU-bound (two browsers on two cores) and lossy (see README, Benchmarks).
 * BENCH_QUICK=1 shrinks the sizes (for a smoke run). Results: bench/results/files.json.
 */
import { mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser, type PeerbeamBrowser } from '../test/harness/browser.js';
import { waitForDownloads, writeRandomFile } from '../test/harness/files.js';
import { assertIsolatedNetwork } from '../test/harness/paths.js';
import { Popup } from '../test/harness/popup.js';
import { startSignaling } from '../test/harness/signaling.js';
import { acceptAndTime } from './accept-timing.js';
import { bareThroughput, commonSchemeThroughput } from './bare-channel.js';
import { browserRssMiB, samplePeak } from './browser-memory.js';
import { median, metric, report, type Metric } from './report.js';

const MiB = 1024 * 1024;
const quick = process.env.BENCH_QUICK === '1';
const SMALL = quick ? 32 * MiB : 256 * MiB;
const LARGE = quick ? 64 * MiB : 1024 * MiB;
const HUGE = quick ? 128 * MiB : 4096 * MiB;
const RUNS = quick ? 1 : 8;
const OPEN_RUNS = quick ? 3 : 9;

assertIsolatedNetwork();
const work = await mkdtemp(join(tmpdir(), 'peerbeam-bench-files-'));
const downloads = join(work, 'downloads');
const signaling = await startSignaling();
let alice: PeerbeamBrowser | undefined;
let bob: PeerbeamBrowser | undefined;

async function extensionPage(browser: PeerbeamBrowser, path: string): Promise<Page> {
  const page = await browser.context.newPage();
  await page.goto(`chrome-extension://${browser.extensionId}/${path}`);
  return page;
}

/** One Peerbeam transfer of `file` by code: ms from the click on Accept to all saved. */
async function peerbeamTransfer(file: string, size: number): Promise<number> {
  const sendPage = await extensionPage(alice!, 'src/send/send.html');
  await sendPage.setInputFiles('#pick-files', file);
  await sendPage.click('#send-by-code');
  const code = (await sendPage.locator('#session-code').textContent({ timeout: 15_000 }))!.trim();
  const receiver = new Popup(await bob!.openPopup());
  await receiver.cancelRunningSession();
  await receiver.receive(code);
  await receiver.page.locator('#transfer[data-state="offered"]').waitFor({ timeout: 20_000 });
  const ms = await acceptAndTime(receiver.page);
  await waitForDownloads(downloads, 1, 120_000);
  await rm(downloads, { recursive: true, force: true });
  await Promise.all([sendPage.close(), receiver.page.close()]);
  void size;
  return ms;
}

const mbps = (bytes: number, ms: number) => bytes / 1e6 / (ms / 1000);

/** The kernel's count of UDP datagrams dropped for a full receive buffer (this namespace). */
async function udpReceiveErrors(): Promise<number> {
  const [names, values] = (await readFile('/proc/net/snmp', 'utf8'))
    .split('\n')
    .filter((line) => line.startsWith('Udp:'))
    .map((line) => line.split(/\s+/));
  return Number(values![names!.indexOf('RcvbufErrors')]);
}

/** Receiver memory growth of the common scheme for one 256 MiB run, in fresh web pages. */
async function commonSchemeMemory(origin: string, file: string): Promise<number> {
  const pages = await Promise.all(
    [alice!, bob!].map(async (browser) => {
      // Plain pages gather loopback candidates only with media permission (BROWSER-TESTING.md).
      await browser.context.grantPermissions(['camera', 'microphone'], { origin });
      const page = await browser.context.newPage();
      await page.goto(`${origin}/healthz`);
      return page;
    }),
  );
  const before = await browserRssMiB(bob!.profileDir);
  const peak = samplePeak(bob!.profileDir);
  await commonSchemeThroughput(pages[0]!, pages[1]!, SMALL, file);
  const growth = (await peak.stop()) - before;
  await Promise.all(pages.map((page) => page.close()));
  return growth;
}
const phase = (text: string) => console.log(`[files] ${text}`);

try {
  [alice, bob] = await Promise.all([
    launchBrowser({ name: 'alice' }),
    launchBrowser({ name: 'bob', downloadsDir: downloads }),
  ]);
  await alice.setSettings({ signalingUrl: signaling.url, deviceName: 'Alice' });
  await bob.setSettings({ signalingUrl: signaling.url, deviceName: 'Bob' });

  const small = join(work, 'small.bin');
  const large = join(work, 'large.bin');
  await writeRandomFile(small, SMALL);
  await writeRandomFile(large, LARGE);

  // (a), (b) and (c) at 256 MiB, interleaved run by run: on a shared 2-core machine the load
  // drifts, and every scheme should see the same drift. (b) and (c) run in plain pages of the
  // same two browsers.
  const ceilings: Record<string, number[]> = {};
  const settings = [
    // The best of those measured on this machine (BROWSER-TESTING.md), and one smaller size.
    { messageSize: 256 * 1024, highWater: 8 * MiB, lowWater: 2 * MiB },
    { messageSize: 64 * 1024, highWater: 8 * MiB, lowWater: 2 * MiB },
  ];
  const common: number[] = [];
  const commonFromMemory: number[] = [];
  const peerbeamSmall: number[] = [];
  const drops: Record<string, number[]> = {};
  /** Datagrams the kernel dropped for a full socket receive buffer during `work`. */
  const counting = async <T>(scheme: string, work: () => Promise<T>): Promise<T> => {
    const before = await udpReceiveErrors();
    const result = await work();
    (drops[scheme] ??= []).push((await udpReceiveErrors()) - before);
    return result;
  };
  for (let run = 0; run < RUNS; run++) {
    phase(`256 MiB, run ${run + 1} of ${RUNS}: bare channel, common scheme, Peerbeam`);
    const [pageA, pageB] = [
      await extensionPage(alice, 'src/send/send.html'),
      await extensionPage(bob, 'src/send/send.html'),
    ];
    for (const setting of settings) {
      const key = `${setting.messageSize / 1024} KiB, ${setting.highWater / MiB}/${setting.lowWater / MiB} MiB`;
      const { mbPerSecond } = await counting(`bare ${key}`, () =>
        bareThroughput(pageA, pageB, SMALL, setting),
      );
      (ceilings[key] ??= []).push(mbPerSecond);
    }
    common.push(
      (await counting('common', () => commonSchemeThroughput(pageA, pageB, SMALL, small)))
        .mbPerSecond,
    );
    commonFromMemory.push(
      (await counting('common from memory', () => commonSchemeThroughput(pageA, pageB, SMALL)))
        .mbPerSecond,
    );
    await Promise.all([pageA.close(), pageB.close()]);
    peerbeamSmall.push(
      mbps(SMALL, await counting('peerbeam', () => peerbeamTransfer(small, SMALL))),
    );
  }
  // Each scheme's fastest run stands for it. Load from elsewhere on a shared machine only ever
  // slows a run down (runs of one setting spread from 13 to 27 MB/s here), so the fastest of
  // several interleaved runs is the best estimate of what a scheme can do (the argument behind
  // timeit's minimum). The medians are in the notes.
  // The ceiling is the fastest run of the best bare *setting*, picked by its median: the fastest
  // run over both settings would be the best of 16 draws against Peerbeam's best of 8, a bias
  // of about 4 % on this machine's spread, in the ceiling's favour.
  const best = (values: number[]) => Math.max(...values);
  const roundRatio = (baseline: number[]) =>
    median(peerbeamSmall.map((value, round) => value / baseline[round]!)).toFixed(2);
  const medianAgainst = (name: string, baseline: number[]) =>
    `${name} ${median(baseline).toFixed(1)} (ratio ${(median(peerbeamSmall) / median(baseline)).toFixed(2)})`;
  const ceilingByKey = Object.entries(ceilings).map(
    ([key, values]) => [key, best(values)] as const,
  );
  const [bestKey] = Object.entries(ceilings).reduce((best, next) =>
    median(next[1]) > median(best[1]) ? next : best,
  );
  const ceiling = best(ceilings[bestKey]!);

  phase('common scheme memory');
  // Measured in fresh pages of another site, so in a fresh renderer: extension pages share one
  // process, whose heap freed by earlier runs would hide what the scheme allocates.
  const commonGrowth = await commonSchemeMemory(signaling.httpUrl, small);

  phase('peerbeam 1 GiB');
  const peerbeamLarge = mbps(LARGE, await peerbeamTransfer(large, LARGE));

  phase('code to open');
  // (e) code entered → channel open, chat sessions.
  const opens: number[] = [];
  for (let run = 0; run < OPEN_RUNS; run++) {
    const sender = new Popup(await alice.openPopup());
    const receiver = new Popup(await bob.openPopup());
    await Promise.all([sender.cancelRunningSession(), receiver.cancelRunningSession()]);
    const code = await sender.send();
    await receiver.page.fill('#code', code);
    const started = Date.now();
    await receiver.page.click('#connect');
    await receiver.page.locator('section[data-step="open"]').waitFor({ timeout: 20_000 });
    opens.push(Date.now() - started);
    await sender.cancelRunningSession();
    await Promise.all([sender.page.close(), receiver.page.close()]);
  }

  phase('receiver memory');
  // (d) receiver memory while a huge file arrives (a sparse file: reading it costs no disk).
  const huge = join(work, 'huge.bin');
  await writeFile(huge, '');
  await truncate(huge, HUGE);
  const before = await browserRssMiB(bob.profileDir);
  const peak = samplePeak(bob.profileDir, 500);
  const hugeMs = await peerbeamTransfer(huge, HUGE);
  const growth = (await peak.stop()) - before;

  const metrics: Record<string, Metric> = {
    throughput_256mib: metric(best(peerbeamSmall), 'MB/s', ceiling),
    throughput_vs_common: metric(best(peerbeamSmall), 'MB/s', best(common)),
    throughput_vs_common_from_memory: metric(best(peerbeamSmall), 'MB/s', best(commonFromMemory)),
    throughput_1gib: metric(peerbeamLarge, 'MB/s', ceiling),
    receiver_memory_growth_4gib: metric(growth, 'MiB'),
    common_scheme_memory_growth_256mib: metric(commonGrowth, 'MiB'),
    throughput_4gib: metric(mbps(HUGE, hugeMs), 'MB/s', ceiling),
    code_to_open_p50: metric(median(opens), 'ms'),
  };
  await report('files', metrics, [
    `sizes: ${SMALL / MiB} MiB (×${RUNS}), ${LARGE / MiB} MiB, ${HUGE / MiB} MiB; ceiling = fastest run of the bare setting with the best median: ${bestKey}`,
    `bare settings (fastest / median MB/s): ${ceilingByKey.map(([k, v]) => `${k} → ${v.toFixed(1)} / ${median(ceilings[k]!).toFixed(1)}`).join('; ')}`,
    `256 MiB runs (MB/s), interleaved: peerbeam ${peerbeamSmall.map((v) => v.toFixed(1)).join(', ')}; bare ${ceilings[bestKey]!.map((v) => v.toFixed(1)).join(', ')}; common ${common.map((v) => v.toFixed(1)).join(', ')}; common from memory ${commonFromMemory.map((v) => v.toFixed(1)).join(', ')}`,
    `medians (MB/s): peerbeam ${median(peerbeamSmall).toFixed(1)}; ${medianAgainst('bare', ceilings[bestKey]!)}; ${medianAgainst('common', common)}; ${medianAgainst('common from memory', commonFromMemory)}`,
    // Paired by round: each round's schemes ran back to back, under the same drift of load.
    `median of per-round ratios: peerbeam/bare ${roundRatio(ceilings[bestKey]!)}; peerbeam/common ${roundRatio(common)}; peerbeam/common from memory ${roundRatio(commonFromMemory)}`,
    `UDP datagrams dropped on full socket buffers per 256 MiB run (median): ${Object.entries(drops)
      .map(([scheme, counts]) => `${scheme} ${median(counts)}`)
      .join('; ')}`,
    `code-to-open runs (ms): ${opens.join(', ')}`,
  ]);
} finally {
  await Promise.allSettled([alice?.close(), bob?.close()]);
  await signaling.stop();
  await rm(work, { recursive: true, force: true });
}
