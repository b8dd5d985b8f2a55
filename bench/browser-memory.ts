/**
 * Memory of one simulated user's browser: the resident set of every Chromium process that runs
 * with its profile directory (browser, renderers, GPU, network and utility processes).
 */
import { readFile, readdir } from 'node:fs/promises';

async function processesOf(profileDir: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(`--user-data-dir=${profileDir}`)) pids.push(Number(entry));
  }
  return pids;
}

/** Sum of VmRSS over the browser's processes, in MiB. */
export async function browserRssMiB(profileDir: string): Promise<number> {
  let kib = 0;
  for (const pid of await processesOf(profileDir)) {
    const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
    const match = /VmRSS:\s+(\d+) kB/.exec(status);
    if (match) kib += Number(match[1]);
  }
  return kib / 1024;
}

/** Samples the browser's memory until stopped; returns the peak in MiB. */
export function samplePeak(profileDir: string, everyMs = 250): { stop(): Promise<number> } {
  let peak = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      peak = Math.max(peak, await browserRssMiB(profileDir));
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return peak;
    },
  };
}
