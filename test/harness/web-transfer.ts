/**
 * What the web-peer e2e tests share: the sample files (three files and a folder), picking
 * them, sending and receiving by code, and waiting for a transfer's state with what the page
 * says when it does not come.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { sha256File, waitForDownloads, writeRandomFile } from './files.js';

const MiB = 1024 * 1024;

/** The sample files, as relative paths under the source folder. */
export const SAMPLE_FILES = [
  'big.bin',
  'empty.txt',
  'notes.md',
  'album/one.jpg',
  'album/deeper/two.jpg',
];

/** Writes the sample files under `source`: the large one of `bigMiB`, the nested of `nestedMiB`. */
export async function writeSampleFiles(source: string, bigMiB = 24, nestedMiB = 3): Promise<void> {
  await writeRandomFile(join(source, 'big.bin'), bigMiB * MiB + 5);
  await writeRandomFile(join(source, 'empty.txt'), 0);
  await writeRandomFile(join(source, 'notes.md'), 1234);
  await writeRandomFile(join(source, 'album', 'one.jpg'), 300_000);
  await writeRandomFile(join(source, 'album', 'deeper', 'two.jpg'), nestedMiB * MiB + 3);
}

/** Three files and a folder, picked on a send page (the extension's, or the web page's). */
export async function pickThreeFilesAndAFolder(page: Page, source: string): Promise<void> {
  await page.setInputFiles('#pick-files', [
    join(source, 'big.bin'),
    join(source, 'empty.txt'),
    join(source, 'notes.md'),
  ]);
  await page.setInputFiles('#pick-folder', join(source, 'album'));
}

/** Sends with a code from `page` (a send page showing its picked files); returns the code. */
export async function sendByCode(page: Page): Promise<string> {
  await page.click('#send-by-code');
  const shown = page.locator('#session-code, #send-error, #session-error').first();
  await shown.waitFor({ timeout: 15_000 });
  if ((await shown.getAttribute('id')) !== 'session-code') {
    throw new Error(`the send page shows no code but: ${await shown.textContent()}`);
  }
  return (await shown.textContent())!.trim();
}

export async function receiveOnWebPage(page: Page, code: string): Promise<void> {
  await page.fill('#code', code);
  await page.click('#receive');
}

/** Waits for the transfer's `state`; otherwise fails with what the page says instead. */
export async function transfer(page: Page, state: string, timeout = 60_000): Promise<void> {
  try {
    await page.locator(`#transfer[data-state="${state}"]`).waitFor({ timeout });
  } catch (error) {
    const says = await page
      .locator('body')
      .innerText()
      .catch(() => '?');
    throw new Error(`no transfer ${state} on ${page.url()}; the page says: ${says}`, {
      cause: error,
    });
  }
}

/**
 * Waits for the sample files among a web page's downloads (a download name holds no folder:
 * `album/one.jpg` is `album_one.jpg`) and checks each is byte-identical to its original.
 */
export async function expectSampleDownloads(downloads: string, source: string): Promise<void> {
  const saved = await waitForDownloads(downloads, SAMPLE_FILES.length);
  expect(saved).toEqual(SAMPLE_FILES.map((path) => path.split('/').join('_')).sort());
  for (const original of SAMPLE_FILES) {
    expect(await sha256File(join(downloads, original.split('/').join('_'))), original).toBe(
      await sha256File(join(source, original)),
    );
  }
}

/** Shown as done only once verified and saved: every file's row on `page` says saved. */
export async function expectEveryFileSaved(page: Page, count: number): Promise<void> {
  const states = await page
    .locator('#transfer li[data-state]')
    .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-state')));
  expect(states).toEqual(Array(count).fill('saved'));
}
