import type { IncomingLink } from '../engine/views.js';
import type { DeviceView, LinkView, SessionView, Settings } from './session-view.js';

/**
 * The runtime messages between the service worker and the engine's host (Chromium: the
 * offscreen document), and the few a page asks of the service worker. Pages talk to the engine
 * itself over their own port (src/engine/page-protocol.ts, src/shared/engine-client.ts).
 * Each context owns a map of methods; callers use `call(target, method, params)` from
 * messaging.ts, never bare strings. Every method takes at most one params object.
 */
/** What pages ask of the background: every extension host answers these. */
export interface BackgroundForPages {
  /** Make sure the engine's host runs, before opening a port to it. */
  ensureReady(): void;
  getSettings(): Settings;
  setSettings(params: Partial<Settings>): Settings;
  /**
   * The popup's Share click: a tab-capture stream id for the active tab (only the service
   * worker may ask; the id is good for a few seconds, so the page's port is open first).
   */
  captureTab(): { streamId: string; tabId: number; title?: string };
  /** How this browser shares a tab, for the popup to say up front. */
  tabSharing(): TabSharing;
}

export interface TabSharing {
  /** The browser's own picker asks what to share (Firefox: a window or the screen). */
  asksWhatToShare: boolean;
  /** The tab's sound goes with the picture. */
  sharesSound: boolean;
}

export interface Methods {
  background: BackgroundForPages & {
    // From Chromium's engine host: what only the service worker may do.
    saveDownload(params: { url: string; filename: string }): void;
    transferEnded(params: SessionView): void;
    /** Keep the context menu in step with the devices. */
    devicesChanged(params: DeviceView[]): void;
    /** A link arrived from a paired device. */
    showLink(params: IncomingLink): void;
    setTabShareBadge(params: { live: boolean; viewers: number }): void;
    openTabViewer(params: { viewerId: string }): void;
    /** The host has had no work for its grace period; close it. */
    hostIdle(params: { epoch: number }): void;
  };
  offscreen: {
    /** The settings changed (the service worker keeps them in chrome.storage). */
    configure(params: { settings: Settings }): void;
    /** A link from the context menu or the keyboard shortcut. */
    sendLink(params: { deviceId: string; url: string; title: string }): LinkView;
    downloadEnded(params: { url: string }): void;
    /** A tab closed, or went to a browser page: a shared tab stops. */
    tabGone(params: { tabId: number; reason: 'closed' | 'navigated' }): void;
    ping(): 'pong';
    /** Just before closing it: still no work, and nothing asked since the idle `epoch`? */
    hostStillIdle(params: { epoch: number }): boolean;
  };
}

export type { IncomingLink } from '../engine/views.js';

export type Target = keyof Methods;
export type MethodName<T extends Target> = keyof Methods[T] & string;
type Fn<T extends Target, M extends MethodName<T>> = Methods[T][M] extends (
  ...args: infer A
) => infer R
  ? (...args: A) => R
  : never;
export type Params<T extends Target, M extends MethodName<T>> = Parameters<Fn<T, M>>;
export type Result<T extends Target, M extends MethodName<T>> = Awaited<ReturnType<Fn<T, M>>>;

export type Handlers<T extends Target> = {
  [M in MethodName<T>]: (...args: Params<T, M>) => Result<T, M> | Promise<Result<T, M>>;
};
