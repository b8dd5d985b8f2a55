/**
 * What pages (popup, send page, viewer page) ask of the engine, and what it tells them, over one
 * long-lived port each (Chromium: `runtime.connect` to the offscreen document). One typed map
 * per direction; the frames that carry them are checked by `pageFrame`.
 *
 * Order is the port's order: a request's answer and the events around it arrive as they were
 * posted, and a start's answer precedes the first event of the session it started (the engine
 * runs a new session only after answering), so a page never sees a session it cannot name.
 */
import type { ErrorData } from '../core/errors.js';
import type { TabQuality } from '../core/tab-quality.js';
import type { TabShareView, TabWatch, ViewerSignal } from '../core/tab-share-view.js';
import type { DeviceView, LinkView, SessionView } from './views.js';

export interface PageRequests {
  startSend(): SessionView;
  startReceive(params: { code: string }): SessionView;
  /** The send page's files, posted under `batchId` (they cannot travel through the port). */
  startSendFiles(params: { batchId: string; deviceId?: string }): SessionView;
  getSession(): SessionView | null;
  acceptFiles(): void;
  declineFiles(): void;
  cancelTransfer(): void;
  sendText(params: { text: string }): void;
  closeSession(): void;
  rememberPeer(): void;
  listDevices(): DeviceView[];
  connectDevice(params: { id: string }): SessionView;
  unpairDevice(params: { id: string }): void;
  listLinks(): LinkView[];
  setAutoOpenLinks(params: { deviceId: string; on: boolean }): void;
  /** The tab the person chose, as the host captured it (Chromium: a tabCapture stream id). */
  startTabShare(params: {
    streamId: string;
    tabId: number;
    title?: string;
    quality: TabQuality;
  }): TabShareView;
  stopTabShare(): void;
  getTabShare(): TabShareView | null;
  /** The share paused at its cap of failed guesses: offer codes again. */
  resumeTabShareCodes(): void;
  dismissTabShareWarning(): void;
  /** Live: the new quality applies to the capture and every viewer, nobody reconnects. */
  setTabShareQuality(params: { quality: TabQuality }): void;
  /** Ends one viewer's watch (it is told `bye`); the share goes on. */
  removeTabViewer(params: { viewerId: string }): void;
  /** Turns the share's stable link off (viewers watching stay) or on (a new secret). */
  setTabShareLink(params: { on: boolean }): void;
  /** A new stable link; the old one lets nobody in. */
  renewTabShareLink(): void;
  /**
   * The viewer page takes the watch it was opened for; the sharer's signals then come to this
   * port as `viewerSignal` events, its end as `viewerEnded`, and the port closing leaves it.
   */
  watchTab(params: { viewerId: string }): TabWatch;
  /** The viewer page's answer and candidates, sealed to the sharer. */
  viewerSignal(params: { signal: ViewerSignal }): void;
  /** The viewer page's connection is up (media flows), or it could not connect. */
  viewerState(params: { state: 'connected' | 'failed' }): void;
}

export interface PageEvents {
  sessionChanged: SessionView;
  devicesChanged: DeviceView[];
  linksChanged: LinkView[];
  tabShareChanged: TabShareView;
  /** To the viewer page that watches: the sharer's offer and candidates. */
  viewerSignal: ViewerSignal;
  /** To the viewer page that watches: the share is over for it (sharer stopped, link gone…). */
  viewerEnded: ErrorData;
}

/** Port names: the popup and send page hear every broadcast; a viewer page only its own. */
export const PAGE_PORT = 'peerbeam-page';
export const VIEWER_PORT = 'peerbeam-viewer';

export type PageMethod = keyof PageRequests;
export type PageEvent = keyof PageEvents;
type Fn<M extends PageMethod> = PageRequests[M] extends (...args: infer A) => infer R
  ? (...args: A) => R
  : never;
export type PageParams<M extends PageMethod> = Parameters<Fn<M>>;
export type PageResult<M extends PageMethod> = Awaited<ReturnType<Fn<M>>>;

/** The host's answers to pages, one per request; `page` is the asking page's own port. */
export type PageHandlers = {
  [M in PageMethod]: (
    page: ConnectedPage,
    ...args: PageParams<M>
  ) => PageResult<M> | Promise<PageResult<M>>;
};

/** One connected page, as a request handler sees it. */
export interface ConnectedPage {
  /** An event for this page only. */
  send<E extends PageEvent>(event: E, params: PageEvents[E]): void;
  /** Runs once, when the page goes (closed, navigated, or its port broke). */
  onClose(listener: () => void): void;
}

/** Frames on a page port (JSON: ports serialise). */
export type PageFrame =
  | { peerbeam: 1; kind: 'request'; id: number; method: string; params: unknown[] }
  | { peerbeam: 1; kind: 'reply'; id: number; ok: true; value: unknown }
  | { peerbeam: 1; kind: 'reply'; id: number; ok: false; error: ErrorData }
  | { peerbeam: 1; kind: 'event'; event: string; params: unknown };

/** `message` as a page frame, or undefined: a port carries only our own frames. */
export function pageFrame(message: unknown): PageFrame | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const m = message as Record<string, unknown>;
  if (m.peerbeam !== 1) return undefined;
  if (m.kind === 'request') {
    return Number.isSafeInteger(m.id) && typeof m.method === 'string' && Array.isArray(m.params)
      ? (m as PageFrame)
      : undefined;
  }
  if (m.kind === 'reply') {
    if (!Number.isSafeInteger(m.id)) return undefined;
    if (m.ok === true) return m as PageFrame;
    const error = m.error as Record<string, unknown> | undefined;
    return m.ok === false && typeof error?.code === 'string' && typeof error.message === 'string'
      ? (m as PageFrame)
      : undefined;
  }
  if (m.kind === 'event') return typeof m.event === 'string' ? (m as PageFrame) : undefined;
  return undefined;
}
