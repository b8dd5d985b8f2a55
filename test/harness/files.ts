import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import type { Page } from 'playwright-core';
import { waitUntil } from './ports.js';
import { listTargets } from './targets.js';

/** Writes `bytes` of random data (in 1 MiB pieces, so memory stays small). */
export async function writeRandomFile(path: string, bytes: number): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const piece = 1024 * 1024;
  const parts: Buffer[] = [];
  for (let done = 0; done < bytes; done += piece)
    parts.push(randomBytes(Math.min(piece, bytes - done)));
  await writeFile(path, Buffer.concat(parts));
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Every file under `dir`, as relative paths with forward slashes. */
export async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (current: string): Promise<void> => {
    for (const entry of await readdir(current, { withFileTypes: true })) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) await walk(path);
      else out.push(relative(dir, path).split('\\').join('/'));
    }
  };
  await walk(dir).catch(() => undefined);
  return out.sort();
}

/** Waits until Downloads holds exactly `expected` files (no .crdownload left), bounded. */
export async function waitForDownloads(
  dir: string,
  expected: number,
  timeoutMs = 60_000,
): Promise<string[]> {
  let files: string[] = [];
  await waitUntil(
    async () => {
      files = await listFiles(dir);
      return files.length === expected && !files.some((f) => f.endsWith('.crdownload'));
    },
    timeoutMs,
    `${expected} downloads in ${dir} (have: ${files.join(', ')})`,
  );
  return files;
}

export async function fileSize(path: string): Promise<number> {
  return (await stat(path)).size;
}

/** Reads the transfer section's state, as a person sees it in the popup. */
export async function transferState(page: Page): Promise<string | null> {
  return page.locator('#transfer').getAttribute('data-state');
}

/**
 * How many dedicated workers the offscreen document of `page`'s browser runs (CDP lists them;
 * their URL stays empty until a debugger attaches, so they are counted by parent).
 */
export async function offscreenWorkers(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { all, offscreen } = await listTargets(cdp);
    return all.filter(({ type, parentId }) => type === 'worker' && parentId === offscreen?.targetId)
      .length;
  } finally {
    await cdp.detach();
  }
}
