/**
 * Serves the no-install web peer (built from src/web/ into dist-web/) at `/`, with the tab
 * viewer as one of its screens at `/watch` (old links keep working), so a person on any browser
 * can send, receive and watch with just a link. Static files only:
 *
 *   GET|HEAD /, /watch, /watch/       → index.html
 *   GET|HEAD /assets/<name>           → that built asset, if it exists and its type is known
 *   anything else under /watch        → 404;  other methods → 405
 *
 * No path is ever joined from the request: a name is served only if it is one of the files
 * listed in the assets folder, so `..`, encoded slashes and the like cannot reach elsewhere.
 * The page trusts this server (it is the server's code), and nothing else: its CSP allows
 * scripts, styles and connections to this origin only (its WebSocket is `/ws` here), no inline
 * code, no framing, no forms, no referrer. The code travels in the URL fragment, which browsers
 * never send.
 */
import { readdir, readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const WEB_VIEWER_PATH = '/watch';
const ASSETS_PATH = '/assets';
/** The paths that are the page itself. */
const PAGE_PATHS = new Set(['/', WEB_VIEWER_PATH, `${WEB_VIEWER_PATH}/`]);

/** Whether `path` is the web page's (the page, its assets, or anything under /watch). */
const isWebPath = (path: string): boolean =>
  PAGE_PATHS.has(path) ||
  path.startsWith(`${WEB_VIEWER_PATH}/`) ||
  path === ASSETS_PATH ||
  path.startsWith(`${ASSETS_PATH}/`);

export const DEFAULT_WEB_VIEWER_DIR = fileURLToPath(new URL('../dist-web/', import.meta.url));

/** Handles the request if it is the web viewer's; returns false to let the server go on. */
export type WebViewerHandler = (req: IncomingMessage, res: ServerResponse, path: string) => boolean;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/** A Host header that is only a host name or address and a port: safe to put in a CSP. */
const PLAIN_HOST = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/** The page's CSP; `host` (the request's Host header) names its WebSocket where it is plain. */
export function webViewerCsp(host: string | undefined): string {
  // 'self' covers ws:/wss: to this host and port only in CSP Level 3 browsers (older Safari
  // does not), so the socket is named too.
  const socket = host !== undefined && PLAIN_HOST.test(host) ? ` ws://${host} wss://${host}` : '';
  return [
    "default-src 'none'",
    // BLAKE3 (hash-wasm) checks every file in a worker: WebAssembly, no eval of anything else.
    "script-src 'self' 'wasm-unsafe-eval'",
    "worker-src 'self'",
    "style-src 'self'",
    `connect-src 'self'${socket}`,
    "img-src 'self' data:",
    "media-src 'self' blob:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

function securityHeaders(req: IncomingMessage): Record<string, string> {
  return {
    'content-security-policy': webViewerCsp(req.headers.host),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'cross-origin-opener-policy': 'same-origin',
  };
}

const ASSET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function createWebViewer(root: string = DEFAULT_WEB_VIEWER_DIR): WebViewerHandler {
  return (req, res, path) => {
    if (!isWebPath(path)) return false;
    // Every answer of the page's, errors included, carries the page's headers.
    for (const [name, value] of Object.entries(securityHeaders(req))) res.setHeader(name, value);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end();
      return true;
    }
    serve(root, req, res, path).catch(() => {
      if (res.headersSent) res.destroy();
      else res.writeHead(500, { 'content-type': 'text/plain' }).end();
    });
    return true;
  };
}

async function serve(
  root: string,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<void> {
  const file = await resolveFile(root, path);
  if (file === 'not-built') {
    res
      .writeHead(503, { 'content-type': 'text/plain', 'cache-control': 'no-store' })
      .end('the web page is not built: run `npm run build`\n');
    return;
  }
  const type = file && CONTENT_TYPES[extname(file.name)];
  if (!file || !type) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    return;
  }
  let body: Buffer;
  try {
    body = await readFile(join(file.dir, file.name));
  } catch {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    return;
  }
  res.writeHead(200, {
    'content-type': type,
    'content-length': body.length,
    // Asset names carry a content hash; the page itself must be revalidated.
    'cache-control': file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

type Resolved = { dir: string; name: string; immutable: boolean } | undefined | 'not-built';

async function resolveFile(root: string, path: string): Promise<Resolved> {
  if (PAGE_PATHS.has(path)) {
    const names = await list(root);
    if (!names?.includes('index.html')) return 'not-built';
    return { dir: root, name: 'index.html', immutable: false };
  }
  const prefix = `${ASSETS_PATH}/`;
  if (!path.startsWith(prefix)) return undefined;
  const name = path.slice(prefix.length);
  if (!ASSET_NAME.test(name)) return undefined;
  const dir = join(root, 'assets');
  const names = await list(dir);
  return names?.includes(name) ? { dir, name, immutable: true } : undefined;
}

async function list(dir: string): Promise<string[] | undefined> {
  try {
    return await readdir(dir);
  } catch {
    return undefined;
  }
}
