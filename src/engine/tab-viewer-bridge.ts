/**
 * Watching a shared tab in the extension. The receiving Session learns intent 'tab' and hands
 * its sealed signaling here (`offer`). A MediaStream cannot move between documents, so the viewer
 * page (src/viewer/) owns the RTCPeerConnection; this bridge opens that page in a new tab and
 * relays its signals over the sealed signaling, through the page's port (page-protocol.ts):
 *
 *   sharer ══sealed══ engine (bridge) ──viewerSignal event──→ viewer page   offer, candidates
 *                                     ←─viewerSignal request── viewer page   answer, candidates
 *
 * Signals that arrive before the page watches wait for it (bounded). The viewer ends when the
 * sharer says bye, the sealed signaling ends, the viewer page goes (its port closes), or the person
 * ends the session in the popup.
 */
import { PeerbeamError, type ErrorData } from '../core/errors.js';
import type { TabWatch, ViewerSignal } from '../core/tab-share-view.js';
import type { Established } from '../rtc/established.js';
import { TabSignals } from '../rtc/greeting.js';

/** The page must connect within this time, or the session fails. */
const CONNECT_TIMEOUT_MS = 30_000;
/** A page that never comes must not grow the queue without bound. */
const MAX_QUEUED = 500;

/** Where a watching page hears the sharer. */
export interface ViewerSink {
  signal(signal: ViewerSignal): void;
  ended(reason: ErrorData): void;
}

export interface TabOffer {
  sharerName?: string;
  /** The viewer is over (sharer stopped, tab closed…): end the session that offered it. */
  onEnded(): void;
}

interface BridgedViewer {
  id: string;
  established: Established;
  offer: TabOffer;
  sink?: ViewerSink;
  isConnected: boolean;
  queue: ViewerSignal[];
  ended?: ErrorData;
  connected: { resolve(): void; reject(error: PeerbeamError): void };
  release(): void;
}

export class TabViewerBridge {
  private readonly viewers = new Map<string, BridgedViewer>();

  /** `openPage` asks the host to open the viewer page, which then watches by its id. */
  constructor(private readonly openPage: (viewerId: string) => Promise<void>) {}

  /** Session.onTabOffered: resolves once the viewer page's connection is up. */
  async offer(established: Established, offer: TabOffer): Promise<void> {
    const id = crypto.randomUUID();
    let settle!: BridgedViewer['connected'];
    const connected = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
    const listening = new AbortController();
    const tabSignals = new TabSignals(established.sealed, listening.signal);
    const timer = setTimeout(
      () => this.end(viewer, { code: 'CONNECTION_FAILED', message: 'the viewer did not connect' }),
      CONNECT_TIMEOUT_MS,
    );
    const viewer: BridgedViewer = {
      id,
      established,
      offer,
      isConnected: false,
      queue: [],
      connected: {
        resolve: () => {
          clearTimeout(timer);
          viewer.isConnected = true;
          // From now on an idle signaling socket closing does not end the watch.
          tabSignals.mediaFlows();
          settle.resolve();
        },
        reject: (error) => {
          clearTimeout(timer);
          settle.reject(error);
        },
      },
      release: () => {
        clearTimeout(timer);
        listening.abort();
      },
    };
    this.viewers.set(id, viewer);
    tabSignals.deliver((signal) => this.push(viewer, signal));
    void tabSignals.ended.then((reason) =>
      this.end(
        viewer,
        reason?.toData() ?? { code: 'PEER_LEFT', message: 'the sharer stopped sharing' },
      ),
    );
    try {
      await this.openPage(id);
    } catch (error) {
      this.end(viewer, { code: 'INTERNAL', message: `cannot open the viewer: ${String(error)}` });
    }
    return connected;
  }

  /**
   * The viewer page takes its watch: what it needs and the signals that waited for it; every
   * later signal, then the end, go to `sink`.
   */
  watch(id: string, sink: ViewerSink): TabWatch {
    const viewer = this.viewers.get(id);
    if (!viewer || viewer.sink || viewer.ended) {
      throw new PeerbeamError('NO_SESSION', 'this shared tab is no longer available');
    }
    viewer.sink = sink;
    const { sharerName } = viewer.offer;
    return {
      iceServers: viewer.established.iceServers,
      signals: viewer.queue.splice(0),
      ...(sharerName ? { sharerName } : {}),
    };
  }

  /** The page's answer and candidates, sealed to the sharer. */
  signal(id: string, signal: ViewerSignal): void {
    const viewer = this.viewers.get(id);
    if (!viewer || viewer.ended) throw new PeerbeamError('NO_SESSION', 'the share has ended');
    if (signal.t === 'tab-description' && signal.description.type !== 'answer') {
      throw new PeerbeamError('BAD_REQUEST', 'a viewer only answers');
    }
    viewer.established.sealed.send(signal);
  }

  /** The page's connection is up (media flows), or it gave up. */
  state(id: string, state: 'connected' | 'failed'): void {
    const viewer = this.viewers.get(id);
    if (!viewer) return;
    if (state === 'connected') viewer.connected.resolve();
    else this.end(viewer, { code: 'CONNECTION_FAILED', message: 'the viewer could not connect' });
  }

  /** The viewer page went (closed, navigated away): that viewer left. */
  left(id: string): void {
    const viewer = this.viewers.get(id);
    if (viewer) this.end(viewer, { code: 'CANCELLED', message: 'the viewer tab was closed' });
  }

  private push(viewer: BridgedViewer, signal: ViewerSignal): void {
    if (viewer.ended) return;
    if (viewer.sink) viewer.sink.signal(signal);
    else if (viewer.queue.length < MAX_QUEUED) viewer.queue.push(signal);
  }

  private end(viewer: BridgedViewer, reason: ErrorData): void {
    if (viewer.ended) return;
    viewer.ended = reason;
    viewer.release();
    this.viewers.delete(viewer.id);
    viewer.sink?.ended(reason);
    // Before the page connected, the session fails with the reason; after, it just ends.
    if (viewer.isConnected) viewer.offer.onEnded();
    else viewer.connected.reject(new PeerbeamError(reason.code, reason.message));
  }
}
