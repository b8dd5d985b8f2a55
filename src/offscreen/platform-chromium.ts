/**
 * The engine's platform in Chromium's offscreen document: what it cannot do itself goes to the
 * service worker (downloads, settings in chrome.storage, the viewer tab, the badge), and its
 * events go to the pages' ports. Chromium never stops the document while it exists; the host closes
 * it when there is no work (../engine/host-lifecycle.ts), so keep-alive holds and changes to the
 * stored devices and links go to the host's idle watch.
 */
import { tabCaptureError } from '../core/tab-capture-errors.js';
import { tabCaptureConstraints } from '../core/tab-quality.js';
import type { TabShareView } from '../core/tab-share-view.js';
import type { Platform } from '../engine/platform.js';
import type { PageEvent, PageEvents } from '../engine/page-protocol.js';
import { call } from '../shared/messaging.js';

export interface ChromiumPlatform extends Platform {
  /** The service worker saw a blob download end: its URL goes, and the engine's copy. */
  downloadEnded(url: string): Promise<void>;
  /** The badge the service worker shows while a tab is shared. */
  showBadge(view: TabShareView): void;
}

/** What the host's idle watch (../engine/host-lifecycle.ts) hears from the platform. */
export interface HostWorkWatch {
  hold(reason: string): () => void;
  /** Paired devices or queued links may have changed. */
  storedWorkChanged(): void;
}

/** An event for every open popup and send page. */
export type Broadcast = <E extends PageEvent>(event: E, params: PageEvents[E]) => void;

export function chromiumPlatform(watch: HostWorkWatch, broadcast: Broadcast): ChromiumPlatform {
  /**
   * Received files wait in OPFS until their download finished; then their copy goes. The
   * download reads the blob URL, which dies with the document: the host stays until then.
   */
  const savedFiles = new Map<string, { release: () => Promise<void>; done: () => void }>();
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
      const done = watch.hold('saving a file');
      savedFiles.set(url, { release, done });
      try {
        await call('background', 'saveDownload', { url, filename: `Peerbeam/${relativePath}` });
      } catch (error) {
        savedFiles.delete(url);
        done();
        throw error;
      }
    },
    async downloadEnded(url) {
      const saved = savedFiles.get(url);
      URL.revokeObjectURL(url);
      if (!saved) return;
      savedFiles.delete(url);
      try {
        await saved.release();
      } finally {
        saved.done();
      }
    },
    captureTab: ({ streamId, quality }) =>
      navigator.mediaDevices
        .getUserMedia(tabCaptureConstraints(streamId, quality) as MediaStreamConstraints)
        .catch((error: unknown) => {
          throw tabCaptureError(error);
        }),
    openTabViewer: (viewerId) => call('background', 'openTabViewer', { viewerId }),
    keepAlive: (reason) => watch.hold(reason),
    showBadge,
    events: {
      sessionChanged: (view) => broadcast('sessionChanged', view),
      transferEnded: (view) => void call('background', 'transferEnded', view),
      devicesChanged: (devices) => {
        broadcast('devicesChanged', devices);
        void call('background', 'devicesChanged', devices);
        watch.storedWorkChanged();
      },
      linksChanged: (links) => {
        broadcast('linksChanged', links);
        watch.storedWorkChanged();
      },
      linkReceived: (link) => void call('background', 'showLink', link),
      tabShareChanged: (view) => {
        broadcast('tabShareChanged', view);
        showBadge(view);
      },
    },
  };
}
