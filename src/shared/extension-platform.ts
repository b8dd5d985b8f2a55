/**
 * The engine's platform in an extension host (Chromium's offscreen document, Firefox's event
 * page): received files become downloads of their blob URL, the engine's events go to the
 * pages' ports and to the browser (menus, notifications, the badge), and keep-alive holds go
 * to the host's idle watch (../engine/host-lifecycle.ts). What the two hosts do differently —
 * through the service worker or directly, how a tab is captured — comes in as
 * `BrowserServices`.
 */
import type { TabShareView } from '../core/tab-share-view.js';
import type { PageEvent, PageEvents } from '../engine/page-protocol.js';
import type { Platform, TabCaptureRequest } from '../engine/platform.js';
import type { DeviceView, IncomingLink, SessionView, Settings } from '../engine/views.js';

export interface ExtensionPlatform extends Platform {
  /** A blob download ended: its URL goes, and the engine's copy. */
  downloadEnded(url: string): Promise<void>;
  /** The toolbar badge while a tab is shared. */
  showBadge(view: TabShareView): void;
}

/** What the host's idle watch hears from the platform. */
export interface HostWorkWatch {
  hold(reason: string): () => void;
  /** Paired devices or queued links may have changed. */
  storedWorkChanged(): void;
}

/** An event for every open popup and send page. */
export type Broadcast = <E extends PageEvent>(event: E, params: PageEvents[E]) => void;

/** What only the browser's extension APIs do, as each host reaches them. */
export interface BrowserServices {
  loadSettings(): Promise<Settings>;
  saveDownload(url: string, filename: string): Promise<void>;
  setBadge(badge: { live: boolean; viewers: number }): Promise<void>;
  openTabViewer(viewerId: string): Promise<void>;
  captureTab(request: TabCaptureRequest): Promise<MediaStream>;
  transferEnded(view: SessionView): Promise<void>;
  /** The context menu follows the devices. */
  devicesChanged(devices: DeviceView[]): Promise<void>;
  showLink(link: IncomingLink): Promise<void>;
}

export function extensionPlatform(
  services: BrowserServices,
  watch: HostWorkWatch,
  broadcast: Broadcast,
): ExtensionPlatform {
  /**
   * Received files wait in OPFS until their download finished; then their copy goes. The
   * download reads the blob URL, which dies with the host: the host stays until then.
   */
  const savedFiles = new Map<string, { release: () => Promise<void>; done: () => void }>();
  let badge = '';
  // Hints to the browser: the engine goes on without them.
  const quietly = (promise: Promise<void>) => void promise.catch(() => undefined);

  const showBadge = (view: TabShareView) => {
    const live = view.step === 'live';
    const key = live ? `live:${view.watching}` : '';
    if (key === badge) return;
    badge = key;
    quietly(services.setBadge({ live, viewers: view.watching }));
  };

  return {
    loadSettings: () => services.loadSettings(),
    async saveFile(file, relativePath, release) {
      // As octet-stream, so the browser keeps the sender's extension instead of guessing one.
      const url = URL.createObjectURL(file.slice(0, file.size, 'application/octet-stream'));
      const done = watch.hold('saving a file');
      savedFiles.set(url, { release, done });
      try {
        await services.saveDownload(url, `Peerbeam/${relativePath}`);
      } catch (error) {
        savedFiles.delete(url);
        URL.revokeObjectURL(url);
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
    captureTab: (request) => services.captureTab(request),
    openTabViewer: (viewerId) => services.openTabViewer(viewerId),
    keepAlive: (reason) => watch.hold(reason),
    showBadge,
    events: {
      sessionChanged: (view) => broadcast('sessionChanged', view),
      transferEnded: (view) => quietly(services.transferEnded(view)),
      devicesChanged: (devices) => {
        broadcast('devicesChanged', devices);
        quietly(services.devicesChanged(devices));
        watch.storedWorkChanged();
      },
      linksChanged: (links) => {
        broadcast('linksChanged', links);
        watch.storedWorkChanged();
      },
      linkReceived: (link) => quietly(services.showLink(link)),
      tabShareChanged: (view) => {
        broadcast('tabShareChanged', view);
        showBadge(view);
      },
    },
  };
}
