/**
 * The Chromium host of the engine (src/engine/). The offscreen document owns every
 * RTCPeerConnection and every signaling socket, because it outlives the popup and, unlike the
 * service worker, is not stopped when idle. It gives the engine its platform
 * (platform-chromium.ts) and registers the engine's methods for the service worker to call.
 */
import { Engine } from '../engine/engine.js';
import { registerMethods } from '../shared/messaging.js';
import { takeBatch } from './file-batches.js';
import { chromiumPlatform } from './platform-chromium.js';

const platform = chromiumPlatform();
const engine = new Engine(platform);

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
});

// Boot: settings live in chrome.storage, which only the service worker can read.
void engine.start();
