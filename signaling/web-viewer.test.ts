/** The no-install web page at / and /watch: static files only, nothing outside dist-web. */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ListeningAddress, SignalingServer } from './server.js';
import { startServer, testConfig } from '../test/signaling/test-support.js';
import { createWebViewer } from './web-viewer.js';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw request: the path goes out exactly as written (no client-side normalising). */
function fetchRaw(
  address: ListeningAddress,
  path: string,
  method = 'GET',
  headers: Record<string, string> = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const options = { host: address.host, port: address.port, path, method, headers };
    const req = request(options, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.setTimeout(2000, () => req.destroy(new Error(`timed out: ${path}`)));
    req.on('error', reject);
    req.end();
  });
}

let root: string;
let server: SignalingServer;
let address: ListeningAddress;
let empty: { server: SignalingServer; address: ListeningAddress };

beforeAll(async () => {
  const base = await mkdtemp(join(tmpdir(), 'peerbeam-web-'));
  root = join(base, 'dist-web');
  await mkdir(join(root, 'assets'), { recursive: true });
  await writeFile(join(root, 'index.html'), '<!doctype html><title>watch</title>');
  await writeFile(join(root, 'assets', 'index-abc123.js'), 'console.log(1)');
  await writeFile(join(root, 'assets', 'index-abc123.css'), 'body{}');
  await writeFile(join(root, 'assets', 'notes.txt'), 'not a web asset');
  await writeFile(join(base, 'secret.txt'), 'outside');
  ({ server, address } = await startServer(testConfig(), undefined, {
    webViewer: createWebViewer(root),
  }));
  empty = await startServer(testConfig(), undefined, {
    webViewer: createWebViewer(join(base, 'missing')),
  });
});

afterAll(async () => {
  await Promise.all([server?.close(), empty?.server.close()]);
  if (root) await rm(join(root, '..'), { recursive: true, force: true });
});

describe('the signaling service serves the no-install web page at / and at /watch', () => {
  it.each(['/', '/watch', '/watch/'])('%s is the page, with a strict CSP', async (path) => {
    const answer = await fetchRaw(address, path);
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(answer.body).toContain('<title>watch</title>');
    const csp = String(answer.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(csp).toContain("connect-src 'self'");
    // WebAssembly (the BLAKE3 check) only: no inline code, no eval.
    expect(csp.replace("'wasm-unsafe-eval'", '')).not.toContain('unsafe');
    expect(answer.headers['x-content-type-options']).toBe('nosniff');
    expect(answer.headers['cache-control']).toBe('no-cache');
  });

  it('serves built assets with their content types, cached for good', async () => {
    const js = await fetchRaw(address, '/assets/index-abc123.js');
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toContain('immutable');
    expect(js.body).toBe('console.log(1)');
    const css = await fetchRaw(address, '/assets/index-abc123.css');
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
  });

  it('answers HEAD without a body, and refuses other methods', async () => {
    const head = await fetchRaw(address, '/', 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    expect(Number(head.headers['content-length'])).toBeGreaterThan(0);
    const post = await fetchRaw(address, '/watch', 'POST');
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
  });

  it.each([
    '/assets/../../secret.txt',
    '/assets/..%2f..%2fsecret.txt',
    '/assets/%2e%2e/%2e%2e/secret.txt',
    '/watch/../secret.txt',
    '/assets/',
    '/assets',
    '/assets/missing.js',
    '/assets/notes.txt',
    '/watch/assets/index-abc123.js',
    '/watch/index.html',
    '/index.html',
    '/watch/other',
    '/watchx',
    '/other',
  ])('404 for anything else: %s', async (path) => {
    const answer = await fetchRaw(address, path);
    expect(answer.status).toBe(404);
    expect(answer.body).not.toContain('outside');
    expect(answer.body).not.toContain('not a web asset');
  });

  it('keeps /healthz working next to it', async () => {
    const answer = await fetchRaw(address, '/healthz');
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ ok: true });
  });

  it('says so when the page is not built', async () => {
    const answer = await fetchRaw(empty.address, '/');
    expect(answer.status).toBe(503);
    expect(answer.body).toContain('npm run build');
  });
});

/** A CSP header as directive → sources. */
function parseCsp(header: unknown): Record<string, string[]> {
  const directives: Record<string, string[]> = {};
  for (const part of String(header).split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) directives[name] = sources;
  }
  return directives;
}

describe('the /watch page trusts only its own server (issue #13 item 5)', () => {
  it('is served with a strict CSP that allows this origin only, its WebSocket included', async () => {
    const answer = await fetchRaw(address, '/watch');
    const host = `${address.host}:${address.port}`;
    expect(parseCsp(answer.headers['content-security-policy'])).toEqual({
      'default-src': ["'none'"],
      'script-src': ["'self'", "'wasm-unsafe-eval'"],
      'worker-src': ["'self'"],
      'style-src': ["'self'"],
      // 'self' covers ws: and wss: only in CSP Level 3 browsers; older Safari needs them named.
      'connect-src': ["'self'", `ws://${host}`, `wss://${host}`],
      'img-src': ["'self'", 'data:'],
      'media-src': ["'self'", 'blob:'],
      'base-uri': ["'none'"],
      'form-action': ["'none'"],
      'frame-ancestors': ["'none'"],
    });
    expect(answer.headers['x-content-type-options']).toBe('nosniff');
    expect(answer.headers['referrer-policy']).toBe('no-referrer');
  });

  it.each(['evil.example; script-src *', 'a b', 'x:1:2', "'unsafe-inline'"])(
    'a Host header that is not a plain host[:port] (%s) adds nothing to the CSP',
    async (hostHeader) => {
      const answer = await fetchRaw(address, '/watch', 'GET', { host: hostHeader });
      const csp = parseCsp(answer.headers['content-security-policy']);
      expect(csp['connect-src']).toEqual(["'self'"]);
      expect(csp['script-src']).toEqual(["'self'", "'wasm-unsafe-eval'"]);
      expect(
        String(answer.headers['content-security-policy']).replace("'wasm-unsafe-eval'", ''),
      ).not.toMatch(/evil|unsafe|\*/);
    },
  );

  it('answers under /watch that are not the page (404, 405, 503) are not sniffed either', async () => {
    for (const answer of [
      await fetchRaw(address, '/assets/missing.js'),
      await fetchRaw(address, '/watch', 'POST'),
      await fetchRaw(empty.address, '/watch'),
    ]) {
      expect(answer.headers['x-content-type-options']).toBe('nosniff');
      expect(answer.headers['content-security-policy']).toContain("default-src 'none'");
    }
  });
});

describe('the built web page works under that CSP', () => {
  let built: { server: SignalingServer; address: ListeningAddress } | undefined;
  let outDir: string;

  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'peerbeam-web-built-'));
    await build({
      configFile: fileURLToPath(new URL('../src/web/vite.config.ts', import.meta.url)),
      logLevel: 'silent',
      build: { outDir, emptyOutDir: true },
    });
    built = await startServer(testConfig(), undefined, { webViewer: createWebViewer(outDir) });
  }, 60_000);

  afterAll(async () => {
    await built?.server.close();
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  it('the served HTML and CSS reference no third-party origin, and no inline script or style', async () => {
    if (!built) throw new Error('the page did not build');
    const page = await fetchRaw(built.address, '/');
    expect(page.status).toBe(200);
    const references = [...page.body.matchAll(/\s(?:src|href)\s*=\s*["']?([^"'\s>]+)/gi)].map(
      (match) => match[1] ?? '',
    );
    expect(references.length).toBeGreaterThan(0);
    for (const reference of references) {
      // Same origin: a path under /assets/, never a scheme or a protocol-relative //host.
      expect(reference, reference).toMatch(/^\/assets\/[^/]/);
    }
    // CSP 'self' blocks inline code: the page must have none for it to run.
    expect(page.body).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/i);
    expect(page.body).not.toMatch(/<style|\sstyle\s*=|\son[a-z]+\s*=/i);
    expect(page.body).not.toMatch(/https?:\/\//i);

    for (const reference of references) {
      const asset = await fetchRaw(built.address, reference);
      expect(asset.status, reference).toBe(200);
      if (reference.endsWith('.css')) {
        for (const [, url] of asset.body.matchAll(/url\(\s*["']?([^"')]+)/g)) {
          expect(url, `${reference}: url(${url})`).toMatch(/^(data:|\/assets\/|\.{0,2}\/?[^:/]+)/);
          expect(url).not.toMatch(/^(https?:)?\/\//);
        }
        expect(asset.body).not.toMatch(/@import\s+(url\()?["']?(https?:)?\/\//);
      }
    }
  });
});
