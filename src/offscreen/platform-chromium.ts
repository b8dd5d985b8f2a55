/**
 * The engine's platform in Chromium's offscreen document: what it cannot do itself goes to the
 * service worker (downloads, settings in chrome.storage, the viewer tab, the badge), and its
 * events go to the popup. The document is never stopped while it exists: no keep-alive.
 */
import { tabCaptureConstraints } from '../core/tab-quality.js';
import type { TabShareView } from '../core/tab-share-view.js';
import type { Platform } from '../engine/platform.js';
import { call, notify } from '../shared/messaging.js';

export interface ChromiumPlatform extends Platform {
  /** The service worker saw a blob download end: its URL goes, and the engine's copy. */
  downloadEnded(url: string): Promise<void>;
  /** The badge the service worker shows while a tab is shared. */
  showBadge(view: TabShareView): void;
}

export function chromiumPlatform(): ChromiumPlatform {
  /** Received files wait in OPFS until their download finished; then their copy goes. */
  const savedFiles = new Map<string, () => Promise<void>>();
  let badge = '';

  const showBadge = (view: TabShareView) => {
    const live = view.step === 'live';
    const key = live ? `live:${view.watching}` : '';
    if (key === badge) return;
    badge = key;
    call('background', 'setTabShareBadge', { live, viewers: view.watching }).catch(() => {
      // The badge is a hint; the share goes on without it.
    });
  };

  return {
    loadSettings: () => call('background', 'getSettings'),
    async saveFile(file, relativePath, release) {
      // As octet-stream, so Chromium keeps the sender's extension instead of guessing one.
      const url = URL.createObjectURL(file.slice(0, file.size, 'application/octet-stream'));
      savedFiles.set(url, release);
      await call('background', 'saveDownload', { url, filename: `Peerbeam/${relativePath}` });
    },
    async downloadEnded(url) {
      const release = savedFiles.get(url);
      URL.revokeObjectURL(url);
      if (!release) return;
      savedFiles.delete(url);
      await release();
    },
    captureTab: ({ streamId, quality }) =>
      navigator.mediaDevices.getUserMedia(
        tabCaptureConstraints(streamId, quality) as MediaStreamConstraints,
      ),
    openTabViewer: async (viewerId) =>
      (await call('background', 'openTabViewer', { viewerId })).tabId,
    keepAlive: () => () => undefined,
    showBadge,
    events: {
      sessionChanged: (view) => notify('popup', 'sessionChanged', view),
      transferEnded: (view) => void call('background', 'transferEnded', view),
      devicesChanged: (devices) => {
        notify('popup', 'devicesChanged', devices);
        void call('background', 'devicesChanged', devices);
      },
      linksChanged: (links) => notify('popup', 'linksChanged', links),
      linkReceived: (link) => void call('background', 'showLink', link),
      tabShareChanged: (view) => {
        notify('popup', 'tabShareChanged', view);
        showBadge(view);
      },
    },
  };
}
