/**
 * Watching a shared tab in the extension. The receiving Session learns intent 'tab' and hands
 * its sealed link here (`offer`). A MediaStream cannot move between documents, so the viewer
 * page (src/viewer/) owns the RTCPeerConnection; this bridge opens that page in a new tab and
 * relays its signals over the sealed link:
 *
 *   sharer ══sealed══ engine (bridge)    ──tabViewerPull──→ viewer page   offer, candidates
 *                                        ←─tabViewerSignal─ viewer page   answer, candidates
 *
 * The viewer page long-polls (`pull` answers as soon as something is queued, or empty after
 * PULL_WAIT_MS), so the engine never needs to address a page that may be gone.
 * The viewer ends when the sharer says bye, the sealed link ends, the viewer tab closes, or
 * the person ends the session in the popup.
 */
import { PeerbeamError, type ErrorData } from '../core/errors.js';
import type { PeerSignal } from '../core/peer-signal.js';
import type { ViewerPull, ViewerSignal } from '../core/tab-share-view.js';
import type { Established } from '../rtc/establish.js';

const PULL_WAIT_MS = 20_000;
/** The page must connect within this time, or the session fails. */
const CONNECT_TIMEOUT_MS = 30_000;
/** A page that never attaches must not grow the queue without bound. */
const MAX_QUEUED = 500;

export interface TabOffer {
  sharerName?: string;
  /** The viewer is over (sharer stopped, tab closed…): end the session that offered it. */
  onEnded(): void;
}

interface BridgedViewer {
  id: string;
  established: Established;
  offer: TabOffer;
  tabId?: number;
  attached: boolean;
  isConnected: boolean;
  queue: ViewerSignal[];
  ended?: ErrorData;
  wake?: () => void;
  connected: { resolve(): void; reject(error: PeerbeamError): void };
  release(): void;
}

export class TabViewerBridge {
  private readonly viewers = new Map<string, BridgedViewer>();

  /** `openTab` asks the host to open the viewer page; resolves with its tab id. */
  constructor(private readonly openTab: (viewerId: string) => Promise<number>) {}

  /** Session.onTabOffered: resolves once the viewer page's connection is up. */
  async offer(established: Established, offer: TabOffer): Promise<void> {
    const id = crypto.randomUUID();
    let settle!: BridgedViewer['connected'];
    const connected = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
    const { sealed } = established;
    const unsubscribe = sealed.subscribe((signal: PeerSignal) => {
      if (signal.t === 'tab-description' || signal.t === 'tab-candidate') {
        this.push(viewer, signal);
      } else if (signal.t === 'bye') {
        this.end(viewer, { code: 'PEER_LEFT', message: 'the sharer stopped sharing' });
      }
    });
    const timer = setTimeout(
      () => this.end(viewer, { code: 'CONNECTION_FAILED', message: 'the viewer did not connect' }),
      CONNECT_TIMEOUT_MS,
    );
    const viewer: BridgedViewer = {
      id,
      established,
      offer,
      attached: false,
      isConnected: false,
      queue: [],
      connected: {
        resolve: () => {
          clearTimeout(timer);
          viewer.isConnected = true;
          settle.resolve();
        },
        reject: (error) => {
          clearTimeout(timer);
          settle.reject(error);
        },
      },
      release: () => {
        clearTimeout(timer);
        unsubscribe();
      },
    };
    this.viewers.set(id, viewer);
    void sealed.ended.then((reason) => this.end(viewer, reason.toData()));
    try {
      viewer.tabId = await this.openTab(id);
    } catch (error) {
      this.end(viewer, { code: 'INTERNAL', message: `cannot open the viewer: ${String(error)}` });
    }
    return connected;
  }

  attach(id: string): { iceServers: RTCIceServer[]; sharerName?: string } {
    const viewer = this.viewers.get(id);
    if (!viewer || viewer.attached) {
      throw new PeerbeamError('NO_SESSION', 'this shared tab is no longer available');
    }
    viewer.attached = true;
    const { sharerName } = viewer.offer;
    return { iceServers: viewer.established.iceServers, ...(sharerName ? { sharerName } : {}) };
  }

  /** Everything queued for the page, or (after a wait) nothing; `ended` once it is over. */
  async pull(id: string): Promise<ViewerPull> {
    const viewer = this.viewers.get(id);
    if (!viewer) return { signals: [], ended: { code: 'NO_SESSION', message: 'gone' } };
    if (viewer.queue.length === 0 && !viewer.ended) {
      viewer.wake?.();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, PULL_WAIT_MS);
        function done() {
          clearTimeout(timer);
          if (viewer?.wake === done) delete viewer.wake;
          resolve();
        }
        viewer.wake = done;
      });
    }
    const signals = viewer.queue.splice(0);
    if (viewer.ended) {
      this.viewers.delete(id);
      return { signals, ended: viewer.ended };
    }
    return { signals };
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

  state(id: string, state: 'connected' | 'failed'): void {
    const viewer = this.viewers.get(id);
    if (!viewer) return;
    if (state === 'connected') viewer.connected.resolve();
    else this.end(viewer, { code: 'CONNECTION_FAILED', message: 'the viewer could not connect' });
  }

  /** A tab closed (or left for a browser page): if it was a viewer page, that viewer left. */
  tabGone(tabId: number): void {
    for (const viewer of this.viewers.values()) {
      if (viewer.tabId !== tabId) continue;
      this.end(viewer, { code: 'CANCELLED', message: 'the viewer tab was closed' });
      this.viewers.delete(viewer.id);
    }
  }

  private push(viewer: BridgedViewer, signal: ViewerSignal): void {
    if (viewer.ended || viewer.queue.length >= MAX_QUEUED) return;
    viewer.queue.push(signal);
    viewer.wake?.();
  }

  private end(viewer: BridgedViewer, reason: ErrorData): void {
    if (viewer.ended) return;
    viewer.ended = reason;
    viewer.release();
    viewer.wake?.();
    // Before the page connected, the session fails with the reason; after, it just ends.
    if (viewer.isConnected) viewer.offer.onEnded();
    else viewer.connected.reject(new PeerbeamError(reason.code, reason.message));
  }
}
