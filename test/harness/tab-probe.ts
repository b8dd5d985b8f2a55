/**
 * Node side of the tab-share tests and bench: bundles tab-probe.page.ts for the browser,
 * serves the pages that paint the clock (the tab to share) and host the bare baseline, and
 * reads what a viewer decoded.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Page, Worker } from 'playwright-core';
import { build } from 'vite';
import { waitUntil } from './ports.js';
import type { BareOptions, Probe } from './tab-probe.page.js';

export type { BareOptions, Probe };
export type ProbeStats = NonNullable<ReturnType<Probe['stats']>>;

let bundled: Promise<string> | undefined;

/** The probe as one classic script (built in memory, once per process). */
export function probeScript(): Promise<string> {
  bundled ??= (async () => {
    const output = await build({
      configFile: false,
      logLevel: 'silent',
      build: {
        write: false,
        minify: false,
        target: 'chrome116',
        lib: {
          entry: fileURLToPath(new URL('./tab-probe.page.ts', import.meta.url)),
          formats: ['iife'],
          name: 'peerbeamProbeBundle',
          fileName: () => 'probe.js',
        },
      },
    });
    const results = Array.isArray(output) ? output : [output];
    for (const result of results) {
      if (!('output' in result)) continue;
      const chunk = result.output.find((item) => item.type === 'chunk');
      if (chunk && 'code' in chunk) return chunk.code;
    }
    throw new Error('the probe did not build');
  })();
  return bundled;
}

export interface ProbePages {
  /** The page to share: paints the clock every frame over a page of text. */
  paintedUrl: string;
  /** An empty plain page with the probe (the bench's bare sender and receiver). */
  blankUrl: string;
  stop(): Promise<void>;
}

/** Serves the probe pages on 127.0.0.1. */
export async function startProbePages(): Promise<ProbePages> {
  const script = await probeScript();
  const page = (body: string) =>
    `<!doctype html><html><head><meta charset="utf-8"><title>probe</title></head><body>${body}</body></html>`;
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === '/probe.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    } else if (path === '/painted.html') {
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end(page('<script src="/probe.js"></script><script>peerbeamProbe.paint()</script>'));
    } else if (path === '/blank.html') {
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end(page('<script src="/probe.js"></script>'));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    paintedUrl: `${origin}/painted.html`,
    blankUrl: `${origin}/blank.html`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Installs the probe in a page that did not load it (the extension's viewer page, the web
 * viewer). Runtime.evaluate is not subject to the page's CSP.
 */
export async function injectProbe(page: Page): Promise<void> {
  const script = await probeScript();
  await page.evaluate(script);
}

export async function startDecoding(page: Page, timeoutMs = 20_000): Promise<void> {
  await injectProbe(page);
  await page.evaluate(
    (timeout) =>
      (globalThis as unknown as { peerbeamProbe: Probe }).peerbeamProbe.decode('video', timeout),
    timeoutMs,
  );
}

export async function decodeStats(page: Page): Promise<ProbeStats | undefined> {
  return page.evaluate(() =>
    (globalThis as unknown as { peerbeamProbe: Probe }).peerbeamProbe.stats(),
  );
}

/** Starts decoding on a viewer and waits until it decoded `count` frames; their stats. */
export async function decodeFrames(page: Page, count = 20): Promise<ProbeStats> {
  await startDecoding(page);
  await waitUntil(
    async () => ((await decodeStats(page))?.values.length ?? 0) >= count,
    15_000,
    `${count} frames decoded`,
  );
  return (await decodeStats(page))!;
}

export async function paintedValues(page: Page): Promise<number[]> {
  return page.evaluate(() =>
    (globalThis as unknown as { peerbeamProbe: Probe }).peerbeamProbe.painted(),
  );
}

/** The chrome.tabs id of a page: make it the active tab and ask the service worker. */
export async function activeTabId(worker: Worker, page: Page): Promise<number> {
  await page.bringToFront();
  const id = await worker.evaluate(async () => {
    const [tab] = await chrome.tabs.query({ active: true, lastFocusedWindow: true });
    return tab?.id;
  });
  if (id === undefined) throw new Error('no active tab');
  return id;
}
