/**
 * Links of a tab share: the no-install viewer page the signaling service serves next to its
 * WebSocket (`/watch`, the code in the URL fragment, which browsers never send to a server),
 * and which pages a share must not follow the tab into.
 */

const WS_PATH = /\/ws\/?$/;
/** Hostnames as URL writes them (IPv4 canonical, IPv6 in brackets, compressed). */
const LOOPBACK_HOST = /^(?:localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\])$/;

/**
 * `ws(s)://host[/prefix]/ws` → `http(s)://host[/prefix]/watch#<code>`. No link over plain
 * `ws:` except on loopback: anyone on the path could read the code off an `http:` page (or
 * change the page), and the link would teach people to open one.
 */
export function watchLink(signalingUrl: string, code: string): string | undefined {
  return pageLink(signalingUrl, '/watch', code);
}

/**
 * The no-install web peer's link that receives by `code`: `http(s)://host[/prefix]/#<code>`,
 * under the same rule as watchLink.
 */
export function receiveLink(signalingUrl: string, code: string): string | undefined {
  return pageLink(signalingUrl, '/', code);
}

function pageLink(signalingUrl: string, screen: '/' | '/watch', code: string): string | undefined {
  let url: URL;
  try {
    url = new URL(signalingUrl);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'wss:' && !(url.protocol === 'ws:' && LOOPBACK_HOST.test(url.hostname))) {
    return undefined;
  }
  const page = new URL(url.href.replace(/^ws/, 'http'));
  page.pathname = `${page.pathname.replace(WS_PATH, '').replace(/\/$/, '')}${screen}`;
  page.search = '';
  page.hash = encodeURIComponent(code).replaceAll('%20', '-');
  return page.href;
}

/** The page's own signaling endpoint: `http(s)://host[/prefix]/watch` → `ws(s)://…/ws`. */
export function signalingUrlFor(pageUrl: string): string {
  const url = new URL(pageUrl);
  const ws = new URL(url.href.replace(/^http/, 'ws'));
  ws.pathname = `${ws.pathname.replace(/\/watch\/?$/, '').replace(/\/$/, '')}/ws`;
  ws.search = '';
  ws.hash = '';
  return ws.href;
}

/** `#7-apple-river` or `#code=7-apple-river` → the code, as typed; otherwise undefined. */
export function codeFromFragment(hash: string): string | undefined {
  const fragment = hash.replace(/^#/, '');
  if (!fragment) return undefined;
  const params = new URLSearchParams(fragment);
  const raw = params.get('code') ?? (fragment.includes('=') ? undefined : fragment);
  if (raw === undefined) return undefined;
  let code: string;
  try {
    code = decodeURIComponent(raw);
  } catch {
    return undefined;
  }
  code = code.trim();
  return code === '' ? undefined : code;
}

const BROWSER_SCHEMES = new Set([
  'chrome:',
  'chrome-untrusted:',
  'chrome-search:',
  'devtools:',
  'edge:',
  'about:',
  'view-source:',
]);
const STORE_PAGES = [
  /^https:\/\/chromewebstore\.google\.com\//,
  /^https:\/\/chrome\.google\.com\/webstore/,
];

/** Browser pages cannot (and must not) be shared: a share stops when its tab goes there. */
export function isBrowserPage(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return BROWSER_SCHEMES.has(parsed.protocol) || STORE_PAGES.some((page) => page.test(url));
}
