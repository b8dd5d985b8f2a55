/**
 * `npm run bench -- idle`: what an installed Peerbeam costs a browser that does nothing with it
 * (issue #14, "the host exists only when needed"). Three browsers, measured alike, same run:
 *   (a) Peerbeam with no paired device: no offscreen document should run
 *   (b) Peerbeam with a paired device (paired with a second browser, which stays online and is
 *       not measured): the offscreen document runs to keep the device's link online
 *   (c) the baseline: a minimal MV3 extension (a manifest and an empty service worker, written
 *       to a temporary folder here)
 * Each profile is installed first, then the browser is started again on it (an ordinary
 * browser start, as a person's browser starts every day) and measured IDLE_MS after that
 * start: the resident set (RSS) and the proportional set (PSS, shared pages split between
 * the processes that share them) summed over every process of that profile, from /proc; and
 * the same for the extension's own renderer process alone (the 134 vs 89 MiB).
 * Rounds alternate (a, b, c) so drift hits all alike; each figure is the median of RUNS.
 * IDLE_BENCH_RUNS and IDLE_BENCH_MS shrink it for a smoke run. Results: bench/results/idle.json.
 */
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { launchBrowser, type PeerbeamBrowser } from '../test/harness/browser.js';
import { pairBrowsers } from '../test/harness/pairing.js';
import { CHROMIUM, assertIsolatedNetwork } from '../test/harness/paths.js';
import { startSignaling } from '../test/harness/signaling.js';
import { BROWSER_FLAGS } from '../test/harness/browser.js';
import { median, metric, report, type Metric } from './report.js';

const RUNS = Number(process.env.IDLE_BENCH_RUNS ?? 3);
/** The figure: 15 s after start, when start-up work is over. */
const IDLE_MS = Number(process.env.IDLE_BENCH_MS ?? 15_000);

/** The e2e harness's flags, minus its extension (each profile loads its own). */
const FLAGS = [...BROWSER_FLAGS, '--allow-loopback-in-peer-connection'];

interface Memory {
  rssMiB: number;
  pssMiB: number;
  /** The extension's own renderer (its service worker and offscreen document run there). */
  extensionRssMiB: number;
  extensionPssMiB: number;
  processes: number;
  offscreen: number;
}

/** RSS and PSS summed over every process started with `profileDir`. */
async function profileMemory(profileDir: string): Promise<Omit<Memory, 'offscreen'>> {
  let rssKiB = 0;
  let pssKiB = 0;
  let extensionRssKiB = 0;
  let extensionPssKiB = 0;
  let processes = 0;
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (!cmdline.includes(`--user-data-dir=${profileDir}`)) continue;
    const rollup = await readFile(`/proc/${entry}/smaps_rollup`, 'utf8').catch(() => '');
    const rss = /^Rss:\s+(\d+) kB/m.exec(rollup);
    const pss = /^Pss:\s+(\d+) kB/m.exec(rollup);
    if (!rss || !pss) continue; // gone meanwhile
    rssKiB += Number(rss[1]);
    pssKiB += Number(pss[1]);
    processes++;
    if (cmdline.includes('--extension-process')) {
      extensionRssKiB += Number(rss[1]);
      extensionPssKiB += Number(pss[1]);
    }
  }
  return {
    rssMiB: rssKiB / 1024,
    pssMiB: pssKiB / 1024,
    extensionRssMiB: extensionRssKiB / 1024,
    extensionPssMiB: extensionPssKiB / 1024,
    processes,
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts Peerbeam on an installed profile and measures it IDLE_MS after the start. */
async function measurePeerbeam(name: string, profileDir: string): Promise<Memory> {
  const started = Date.now();
  const browser = await launchBrowser({ name, profileDir });
  try {
    await sleep(Math.max(0, started + IDLE_MS - Date.now()));
    const memory = await profileMemory(profileDir);
    const worker = await browser.serviceWorker();
    const offscreen = await worker.evaluate(
      async () =>
        (
          await chrome.runtime.getContexts({
            contextTypes: [chrome.runtime.ContextType.OFFSCREEN_DOCUMENT],
          })
        ).length,
    );
    return { ...memory, offscreen };
  } finally {
    await browser.close();
  }
}

/** The same for the minimal extension in `extensionDir`. */
async function measureMinimal(profileDir: string, extensionDir: string): Promise<Memory> {
  const started = Date.now();
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: false, // --headless=new is passed explicitly, as the harness does
    args: [
      ...FLAGS,
      `--disable-extensions-except=${extensionDir}`,
      `--load-extension=${extensionDir}`,
    ],
    viewport: { width: 800, height: 600 },
  });
  try {
    if (context.serviceWorkers().length === 0)
      await context.waitForEvent('serviceworker', { timeout: 15_000 });
    await sleep(Math.max(0, started + IDLE_MS - Date.now()));
    return { ...(await profileMemory(profileDir)), offscreen: 0 };
  } finally {
    await context.close();
  }
}

assertIsolatedNetwork();
const signaling = await startSignaling();
const temp = await mkdtemp(join(tmpdir(), 'peerbeam-idle-'));
const minimalDir = join(temp, 'minimal-extension');
const profiles = {
  unpaired: join(temp, 'unpaired'),
  paired: join(temp, 'paired'),
  partner: join(temp, 'partner'),
  minimal: join(temp, 'minimal'),
};
let partner: PeerbeamBrowser | undefined;
try {
  await writeMinimalExtension(minimalDir);

  // Install: Peerbeam twice (one of them paired with the partner), the minimal extension once.
  const unpaired = await launchBrowser({ name: 'unpaired', profileDir: profiles.unpaired });
  await unpaired.setSettings({ signalingUrl: signaling.url, deviceName: 'Idle' });
  await unpaired.close();
  const paired = await launchBrowser({ name: 'paired', profileDir: profiles.paired });
  partner = await launchBrowser({ name: 'partner', profileDir: profiles.partner });
  await paired.setSettings({ signalingUrl: signaling.url, deviceName: 'Paired' });
  await partner.setSettings({ signalingUrl: signaling.url, deviceName: 'Partner' });
  await pairBrowsers(paired, partner);
  await paired.close();
  await (await installMinimal(profiles.minimal, minimalDir)).close();

  const runs: Record<'unpaired' | 'paired' | 'minimal', Memory[]> = {
    unpaired: [],
    paired: [],
    minimal: [],
  };
  for (let round = 0; round < RUNS; round++) {
    runs.unpaired.push(await measurePeerbeam('unpaired', profiles.unpaired));
    runs.paired.push(await measurePeerbeam('paired', profiles.paired));
    runs.minimal.push(await measureMinimal(profiles.minimal, minimalDir));
    const last = (list: Memory[]) => `${list.at(-1)!.pssMiB.toFixed(1)} MiB`;
    console.log(
      `round ${round + 1}/${RUNS} (PSS): no paired device ${last(runs.unpaired)},` +
        ` paired ${last(runs.paired)}, minimal ${last(runs.minimal)}`,
    );
  }

  type Figure = 'pssMiB' | 'rssMiB' | 'extensionPssMiB' | 'extensionRssMiB';
  const pick = (list: Memory[], key: Figure) => median(list.map((m) => m[key]));
  const labels: Record<Figure, string> = {
    pssMiB: 'pss',
    rssMiB: 'rss',
    extensionPssMiB: 'extension_process_pss',
    extensionRssMiB: 'extension_process_rss',
  };
  const metrics: Record<string, Metric> = {};
  for (const key of Object.keys(labels) as Figure[]) {
    const unit = 'MiB';
    const base = pick(runs.minimal, key);
    const label = labels[key];
    metrics[`idle_${label}_no_paired_device`] = metric(pick(runs.unpaired, key), unit, base);
    metrics[`idle_${label}_paired_device`] = metric(pick(runs.paired, key), unit, base);
    metrics[`idle_${label}_minimal_extension`] = metric(base, unit);
  }
  const offscreenSeen = (list: Memory[]) => list.map((m) => m.offscreen).join(',');
  await report('idle', metrics, [
    `${RUNS} runs each, measured ${IDLE_MS} ms after a browser start on an installed profile;` +
      ' baseline: a minimal MV3 extension (manifest + empty service worker), same run.',
    `offscreen documents seen: no paired device [${offscreenSeen(runs.unpaired)}],` +
      ` paired device [${offscreenSeen(runs.paired)}]`,
    `processes (median): no paired device ${median(runs.unpaired.map((m) => m.processes))},` +
      ` paired ${median(runs.paired.map((m) => m.processes))},` +
      ` minimal ${median(runs.minimal.map((m) => m.processes))}`,
  ]);
} finally {
  await partner?.close();
  await signaling.stop();
  await rm(temp, { recursive: true, force: true });
}

async function writeMinimalExtension(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const manifest = {
    manifest_version: 3,
    name: 'Minimal MV3 extension (idle baseline)',
    version: '1.0',
    background: { service_worker: 'worker.js' },
  };
  await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest));
  await writeFile(join(dir, 'worker.js'), '// Nothing: the cost of an installed extension.\n');
}

/** Installs the minimal extension into `profileDir` (its first start). */
async function installMinimal(profileDir: string, extensionDir: string) {
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: false,
    args: [
      ...FLAGS,
      `--disable-extensions-except=${extensionDir}`,
      `--load-extension=${extensionDir}`,
    ],
  });
  if (context.serviceWorkers().length === 0)
    await context.waitForEvent('serviceworker', { timeout: 15_000 });
  return context;
}
