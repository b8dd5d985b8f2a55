import type { IncomingLink } from '../engine/views.js';
import type { DeviceView, LinkView, SessionView, Settings } from './session-view.js';
import type { TabQuality } from '../core/tab-quality.js';
import type { TabShareView, ViewerPull, ViewerSignal } from '../core/tab-share-view.js';

/**
 * The one typed message protocol between extension contexts. Each context owns a map of
 * methods; callers use `call(target, method, params)` from messaging.ts, never bare strings.
 * Every method takes at most one params object and may answer asynchronously.
 */
export interface Methods {
  background: {
    startSend(): SessionView;
    startReceive(params: { code: string }): SessionView;
    getSession(): SessionView | null;
    sendText(params: { text: string }): void;
    closeSession(): void;
    rememberPeer(): void;
    listDevices(): DeviceView[];
    connectDevice(params: { id: string }): SessionView;
    unpairDevice(params: { id: string }): void;
    /** Makes sure the offscreen document runs (before a page posts files to it). */
    ensureReady(): void;
    startSendFiles(params: { batchId: string; deviceId?: string }): SessionView;
    acceptFiles(): void;
    declineFiles(): void;
    cancelTransfer(): void;
    saveDownload(params: { url: string; filename: string }): void;
    transferEnded(params: SessionView): void;
    sendLink(params: { deviceId: string; url: string; title: string }): LinkView;
    listLinks(): LinkView[];
    setAutoOpenLinks(params: { deviceId: string; on: boolean }): void;
    /** From the offscreen document: keep the context menu in step with the devices. */
    devicesChanged(params: DeviceView[]): void;
    /** From the offscreen document: a link arrived from a paired device. */
    showLink(params: IncomingLink): void;
    getSettings(): Settings;
    setSettings(params: Partial<Settings>): Settings;
    // Tab share (popup → service worker: the click is the gesture tab capture needs).
    startTabShare(params: { quality: TabQuality }): TabShareView;
    stopTabShare(): void;
    getTabShare(): TabShareView | null;
    /** The share paused at its cap of failed guesses: offer codes again. */
    resumeTabShareCodes(): void;
    dismissTabShareWarning(): void;
    // Tab share (offscreen → service worker: what only the service worker may do).
    setTabShareBadge(params: { live: boolean; viewers: number }): void;
    openTabViewer(params: { viewerId: string }): { tabId: number };
    /** From the offscreen document: it has had no work for its grace period; close it. */
    hostIdle(params: { epoch: number }): void;
  };
  offscreen: {
    configure(params: { settings: Settings }): void;
    startSend(params: { settings: Settings }): SessionView;
    startReceive(params: { code: string; settings: Settings }): SessionView;
    startSendFiles(params: { batchId: string; settings: Settings; deviceId?: string }): SessionView;
    acceptFiles(): void;
    declineFiles(): void;
    cancelTransfer(): void;
    downloadEnded(params: { url: string }): void;
    sendLink(params: { deviceId: string; url: string; title: string }): LinkView;
    listLinks(): LinkView[];
    setAutoOpenLinks(params: { deviceId: string; on: boolean }): void;
    getSession(): SessionView | null;
    sendText(params: { text: string }): void;
    closeSession(): void;
    rememberPeer(): void;
    listDevices(): DeviceView[];
    connectDevice(params: { id: string }): SessionView;
    unpairDevice(params: { id: string }): void;
    ping(): 'pong';
    /** Just before closing it: still no work, and nothing asked since the idle `epoch`? */
    hostStillIdle(params: { epoch: number }): boolean;
    // Tab share: sharing side.
    startTabShare(params: {
      streamId: string;
      tabId: number;
      title?: string;
      quality: TabQuality;
      settings: Settings;
    }): TabShareView;
    stopTabShare(): void;
    getTabShare(): TabShareView | null;
    resumeTabShareCodes(): void;
    dismissTabShareWarning(): void;
    /** A tab closed, or went to a browser page: a shared tab stops, a viewer page leaves. */
    tabGone(params: { tabId: number; reason: 'closed' | 'navigated' }): void;
    // Tab share: the viewer page relays its connection through the sealed link.
    tabViewerAttach(params: { viewerId: string }): {
      iceServers: RTCIceServer[];
      sharerName?: string;
    };
    tabViewerPull(params: { viewerId: string }): ViewerPull;
    tabViewerSignal(params: { viewerId: string; signal: ViewerSignal }): void;
    tabViewerState(params: { viewerId: string; state: 'connected' | 'failed' }): void;
  };
  popup: {
    sessionChanged(params: SessionView): void;
    devicesChanged(params: DeviceView[]): void;
    linksChanged(params: LinkView[]): void;
    tabShareChanged(params: TabShareView): void;
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
