/**
 * The Chromium host of the engine (src/engine/). The offscreen document owns every
 * RTCPeerConnection and every signaling socket, because it outlives the popup and, unlike the
 * service worker, is not stopped when idle. It gives the engine its platform
 * (platform-chromium.ts), answers each page over the page's port (../engine/page-ports.ts), and
 * the service worker over runtime messages (configure, menu links, downloads, closing tabs).
 * It exists only while there is work: when it has had none for the grace period, it asks the
 * service worker to close it (../engine/host-lifecycle.ts).
 */
import { Engine } from '../engine/engine.js';
import { HostIdleWatch, storedWork } from '../engine/host-lifecycle.js';
import { pageHandlers } from '../engine/page-handlers.js';
import { PagePorts } from '../engine/page-ports.js';
import { call, registerMethods } from '../shared/messaging.js';
import { takeBatch } from './file-batches.js';
import { chromiumPlatform } from './platform-chromium.js';
import { hostIdleGraceMs } from '../shared/host-grace.js';

const watch: HostIdleWatch = new HostIdleWatch({
  graceMs: hostIdleGraceMs,
  stored: storedWork,
  // If the document is still here afterwards (the worker saw work arrive), wait another grace.
  idle: (epoch) =>
    void call('background', 'hostIdle', { epoch })
      .catch(() => undefined)
      .finally(() => watch.touch()),
});
const platform = chromiumPlatform(
  { hold: (reason) => watch.hold(reason), storedWorkChanged: () => void watch.refresh() },
  (event, params) => pages.broadcast(event, params),
);
const engine = new Engine(platform);
// Settings live in chrome.storage, which only the service worker can read. The idle watch
// starts once the engine knows its devices (until then the host stays).
const ready = engine.start();
void ready.finally(() => void watch.refresh());

/** What a page may ask: the engine's own methods, with this host's file batches and badge. */
const handlers = pageHandlers(engine, {
  takeBatch,
  tabShareStarted: (view) => platform.showBadge(view),
});

// Pages open a port each; an open page keeps the document (it shows what the engine does).
const pages = new PagePorts({
  handlers,
  ready,
  opened: () => watch.hold('a page is open'),
  activity: () => watch.touch(),
});
chrome.runtime.onConnect.addListener((port) => pages.accept(port));

// Every request from the service worker is activity: the grace starts again.
chrome.runtime.onMessage.addListener((message: unknown) => {
  const { target, method } = (message ?? {}) as { target?: unknown; method?: unknown };
  if (target === 'offscreen' && method !== 'hostStillIdle') watch.touch();
  return undefined;
});

registerMethods('offscreen', {
  configure: (params) => engine.configure(params),
  sendLink: (params) => engine.sendLink(params),
  downloadEnded: ({ url }) => platform.downloadEnded(url),
  tabGone: (params) => engine.tabGone(params),
  ping: () => 'pong' as const,
  hostStillIdle: ({ epoch }) => watch.stillIdle(epoch),
});
