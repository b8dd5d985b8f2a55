/** The no-install viewer page at /watch: static files only, nothing outside dist-web. */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ListeningAddress, SignalingServer } from './server.js';
import { startServer, testConfig } from './test-support.js';
import { createWebViewer } from './web-viewer.js';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw request: the path goes out exactly as written (no client-side normalising). */
function fetchRaw(address: ListeningAddress, path: string, method = 'GET'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: address.host, port: address.port, path, method }, (res) => {
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

describe('the signaling service serves the no-install viewer at /watch', () => {
  it.each(['/watch', '/watch/'])('%s is the page, with a strict CSP', async (path) => {
    const answer = await fetchRaw(address, path);
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(answer.body).toContain('<title>watch</title>');
    const csp = String(answer.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toContain('unsafe');
    expect(answer.headers['x-content-type-options']).toBe('nosniff');
    expect(answer.headers['cache-control']).toBe('no-cache');
  });

  it('serves built assets with their content types, cached for good', async () => {
    const js = await fetchRaw(address, '/watch/assets/index-abc123.js');
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toContain('immutable');
    expect(js.body).toBe('console.log(1)');
    const css = await fetchRaw(address, '/watch/assets/index-abc123.css');
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
  });

  it('answers HEAD without a body, and refuses other methods', async () => {
    const head = await fetchRaw(address, '/watch', 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    expect(Number(head.headers['content-length'])).toBeGreaterThan(0);
    const post = await fetchRaw(address, '/watch', 'POST');
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
  });

  it.each([
    '/watch/assets/../../secret.txt',
    '/watch/assets/..%2f..%2fsecret.txt',
    '/watch/assets/%2e%2e/%2e%2e/secret.txt',
    '/watch/../secret.txt',
    '/watch/assets/',
    '/watch/assets/missing.js',
    '/watch/assets/notes.txt',
    '/watch/index.html',
    '/watch/other',
    '/watchx',
    '/',
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

  it('says so when the viewer is not built', async () => {
    const answer = await fetchRaw(empty.address, '/watch');
    expect(answer.status).toBe(503);
    expect(answer.body).toContain('npm run build');
  });
});
