/**
 * The Chromium host of the engine (src/engine/). The offscreen document owns every
 * RTCPeerConnection and every signaling socket, because it outlives the popup and, unlike the
 * service worker, is not stopped when idle. It gives the engine its platform
 * (platform-chromium.ts) and registers the engine's methods for the service worker to call.
 * It exists only while there is work: when it has had none for the grace period, it asks the
 * service worker to close it (../engine/host-lifecycle.ts).
 */
import { HOST_IDLE_GRACE_MS } from '../core/host-idle.js';
import { Engine } from '../engine/engine.js';
import { HostIdleWatch, storedWork } from '../engine/host-lifecycle.js';
import { call, registerMethods } from '../shared/messaging.js';
import { takeBatch } from './file-batches.js';
import { chromiumPlatform } from './platform-chromium.js';

/** The test build shortens the grace (scripts/build.mjs), so the e2e suite need not wait. */
declare const __PEERBEAM_TEST_HOST_IDLE_GRACE_MS__: number | undefined;
const graceMs =
  typeof __PEERBEAM_TEST_HOST_IDLE_GRACE_MS__ === 'number'
    ? __PEERBEAM_TEST_HOST_IDLE_GRACE_MS__
    : HOST_IDLE_GRACE_MS;

const watch: HostIdleWatch = new HostIdleWatch({
  graceMs,
  stored: storedWork,
  // If the document is still here afterwards (the worker saw work arrive), wait another grace.
  idle: (epoch) =>
    void call('background', 'hostIdle', { epoch })
      .catch(() => undefined)
      .finally(() => watch.touch()),
});
const platform = chromiumPlatform({
  hold: (reason) => watch.hold(reason),
  storedWorkChanged: () => void watch.refresh(),
});
const engine = new Engine(platform);

// Every request for the engine is activity: the grace starts again, so a page that just woke
// the document (the send page, before it posts its files) finds it still there.
chrome.runtime.onMessage.addListener((message: unknown) => {
  const { target, method } = (message ?? {}) as { target?: unknown; method?: unknown };
  if (target === 'offscreen' && method !== 'hostStillIdle') watch.touch();
  return undefined;
});

/** The engine's methods the service worker calls by the same name. */
const ENGINE_METHODS = [
  'configure',
  'startSend',
  'startReceive',
  'acceptFiles',
  'declineFiles',
  'cancelTransfer',
  'sendLink',
  'listLinks',
  'setAutoOpenLinks',
  'getSession',
  'sendText',
  'closeSession',
  'rememberPeer',
  'listDevices',
  'connectDevice',
  'unpairDevice',
  'stopTabShare',
  'getTabShare',
  'resumeTabShareCodes',
  'dismissTabShareWarning',
  'tabGone',
  'tabViewerAttach',
  'tabViewerPull',
  'tabViewerSignal',
  'tabViewerState',
] as const satisfies readonly (keyof Engine)[];

/** `names` of `target`, bound: a method table typed by the engine's own signatures. */
function bound<T extends object, K extends keyof T>(target: T, names: readonly K[]): Pick<T, K> {
  const table: Partial<Pick<T, K>> = {};
  for (const name of names) {
    const method = target[name];
    if (typeof method === 'function') table[name] = method.bind(target) as T[K];
  }
  return table as Pick<T, K>;
}

registerMethods('offscreen', {
  ...bound(engine, ENGINE_METHODS),
  startSendFiles: async ({ batchId, settings, deviceId }) => {
    engine.configure({ settings });
    const files = await takeBatch(batchId);
    return engine.startSendFiles({ files, settings, ...(deviceId ? { deviceId } : {}) });
  },
  startTabShare: async (params) => {
    const view = await engine.startTabShare(params);
    platform.showBadge(view);
    return view;
  },
  downloadEnded: ({ url }) => platform.downloadEnded(url),
  ping: () => 'pong' as const,
  hostStillIdle: ({ epoch }) => watch.stillIdle(epoch),
});

// Boot: settings live in chrome.storage, which only the service worker can read. The idle
// watch starts once the engine knows its devices (until then the host stays).
void engine.start().finally(() => void watch.refresh());
