/**
 * Every RTCPeerConnection here, for data or media, offerer or answerer (simple-peer's shape):
 * one signal handler, one connection watcher, one timeout, one teardown (`close`, or the
 * owner's AbortSignal; safe to repeat). Two things differ, and are named by the owner:
 *
 * - what it carries: a session's reliable ordered data channel (`'peerbeam'`, made by the
 *   offerer, awaited by the answerer; it survives an ICE restart), a tab share's media sent
 *   (tab-media.ts), or that media received as a stream;
 * - how its signals go on the wire (PROTOCOL.md): a session's `description` / `candidate`
 *   tagged with the connection's generation (`dataWire`), or a tab share's `tab-description`
 *   / `tab-candidate` (`tabWire`). Every signal goes out through `sendSignal`, which seals it.
 */
import { PeerbeamError } from '../core/errors.js';
import type { SelectedPair } from '../core/ice-path.js';
import type { CandidateSignal, PeerSignalInput } from '../core/peer-signal.js';
import type { TabQuality } from '../core/tab-quality.js';
import type { ViewerSignal } from '../core/tab-share-view.js';
import { CandidateExchange, selectedPairOf, watchConnection } from './ice-candidates.js';
import { addTabTracks, keepResolution, receivedStream, retuneSender } from './tab-media.js';

const CONNECT_TIMEOUT_MS = 20_000;

export type Carries =
  | { kind: 'data' }
  | { kind: 'tab-out'; stream: MediaStream; quality: TabQuality }
  | { kind: 'tab-in' };

interface Description {
  type: 'offer' | 'answer';
  sdp: string;
}
/** A description or candidate from the peer, in either wire family (the `t` is not read). */
export type IncomingSignal = { description: Description } | { candidate: CandidateSignal };

/** How a connection's two kinds of signal are written. */
export interface Wire<Out> {
  description(description: Description): Out;
  candidate(candidate: CandidateSignal): Out;
}
export type DataSignal = Extract<PeerSignalInput, { t: 'description' | 'candidate' }>;

/** A session's data connection: its signals carry its generation (a reconnect makes a new one). */
export const dataWire = (gen: number): Wire<DataSignal> => ({
  description: (description) => ({ t: 'description', gen, description }),
  candidate: (candidate) => ({ t: 'candidate', gen, candidate }),
});

/** A tab share's media connection. */
export const tabWire: Wire<ViewerSignal> = {
  description: (description) => ({ t: 'tab-description', description }),
  candidate: (candidate) => ({ t: 'tab-candidate', candidate }),
};

/** Whom the connection is to, for its failures. */
const PEER_WORDS: Record<Carries['kind'], { timeout: string; failed: string }> = {
  data: {
    timeout: 'no peer-to-peer path was found in time',
    failed: 'the peer-to-peer connection failed',
  },
  'tab-out': {
    timeout: 'the viewer did not connect in time',
    failed: 'the connection to the viewer failed',
  },
  'tab-in': {
    timeout: 'no path to the sharer was found',
    failed: 'the connection to the sharer failed',
  },
};

export interface PeerConnectionOptions<Out> {
  role: 'offerer' | 'answerer';
  carries: Carries;
  wire: Wire<Out>;
  sendSignal(signal: Out): void;
  iceServers: RTCIceServer[];
  signal: AbortSignal;
}

export class PeerConnection<Out> {
  readonly pc: RTCPeerConnection;
  /** Resolves once connected; rejects with CONNECTION_FAILED (failed, or not up in time), or
   * CANCELLED on close. */
  readonly connected: Promise<void>;
  /** Resolves when the connection fails or closes (after it was up, or never). */
  readonly lost: Promise<void>;
  /** 'data': the open channel; rejects if it never opens. Rejects at once for media. */
  readonly channel: Promise<RTCDataChannel>;
  /** 'tab-in': the sharer's stream, once its first track arrived; never for the others. */
  readonly stream: Promise<MediaStream>;
  private readonly candidates: CandidateExchange;
  private readonly abort = new AbortController();
  private readonly video: RTCRtpSender | undefined;

  constructor(private readonly options: PeerConnectionOptions<Out>) {
    const { carries, wire } = options;
    options.signal.addEventListener('abort', () => this.close(), { once: true });
    const { signal } = this.abort;
    this.pc = new RTCPeerConnection({ iceServers: options.iceServers });
    this.candidates = new CandidateExchange(
      this.pc,
      (candidate) => options.sendSignal(wire.candidate(candidate)),
      signal,
    );
    ({ connected: this.connected, lost: this.lost } = watchConnection(
      this.pc,
      signal,
      PEER_WORDS[carries.kind],
      CONNECT_TIMEOUT_MS,
    ));
    this.channel =
      carries.kind === 'data'
        ? this.openChannel()
        : Promise.reject(new PeerbeamError('INTERNAL', 'a media connection has no data channel'));
    this.channel.catch(() => undefined);
    this.stream =
      carries.kind === 'tab-in' ? receivedStream(this.pc, signal) : new Promise(() => undefined);
    if (carries.kind === 'tab-out') {
      this.video = addTabTracks(this.pc, carries.stream, carries.quality);
    }
    if (options.signal.aborted) this.close();
  }

  get closed(): boolean {
    return this.abort.signal.aborted;
  }

  /** The peer's SCTP max-message-size (Chromium: 256 KiB), once connected. */
  get maxMessageSize(): number | null {
    return this.pc.sctp?.maxMessageSize ?? null;
  }

  /** The offerer starts negotiation. */
  async offer(): Promise<void> {
    if (this.options.role !== 'offerer') {
      throw new PeerbeamError('INTERNAL', 'only the offerer offers');
    }
    await this.pc.setLocalDescription();
    await this.sendDescription();
  }

  /** The offerer: new ICE credentials and candidates on the same connection (network changed). */
  async restartIce(): Promise<void> {
    this.pc.restartIce();
    await this.offer();
  }

  /** Resolves true once connected (or already), false after `timeoutMs` or on close. */
  waitConnected(timeoutMs: number): Promise<boolean> {
    if (this.pc.connectionState === 'connected') return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (result: boolean) => {
        clearTimeout(timer);
        this.pc.removeEventListener('connectionstatechange', onChange);
        resolve(result);
      };
      const onChange = () => {
        if (this.pc.connectionState === 'connected') done(true);
        if (this.pc.connectionState === 'closed') done(false);
      };
      const timer = setTimeout(() => done(false), timeoutMs);
      this.pc.addEventListener('connectionstatechange', onChange);
    });
  }

  /** The peer's description (an offer is answered at once) or candidate. */
  async handleSignal(signal: IncomingSignal): Promise<void> {
    if (this.closed) return;
    if ('candidate' in signal) {
      await this.candidates.add(signal.candidate);
      return;
    }
    const { type } = signal.description;
    if ((type === 'offer') !== (this.options.role === 'answerer')) {
      throw new PeerbeamError('CONNECTION_FAILED', `unexpected ${type} from the other side`);
    }
    await this.pc.setRemoteDescription(signal.description);
    await this.candidates.remoteDescriptionSet();
    if (type === 'offer') {
      await this.pc.setLocalDescription();
      await this.sendDescription();
    }
  }

  /** A tab share's new quality, on this viewer's video sender (tab-out only). */
  async setTabQuality(quality: TabQuality): Promise<void> {
    if (this.video) await retuneSender(this.video, quality);
  }

  async selectedPair(): Promise<SelectedPair | undefined> {
    return selectedPairOf(this.pc);
  }

  close(): void {
    if (this.closed) return;
    this.abort.abort();
    this.pc.close();
  }

  private async sendDescription(): Promise<void> {
    const description = this.pc.localDescription;
    if (!description) throw new PeerbeamError('CONNECTION_FAILED', 'no local description');
    if (this.video) await keepResolution(this.video);
    const type = description.type === 'offer' ? 'offer' : 'answer';
    this.options.sendSignal(this.options.wire.description({ type, sdp: description.sdp }));
  }

  /** The offerer makes the channel, the answerer receives it; settles like `connected`. */
  private openChannel(): Promise<RTCDataChannel> {
    const { signal } = this.abort;
    return new Promise<RTCDataChannel>((resolve, reject) => {
      this.connected.catch(reject);
      void this.lost.then(() =>
        reject(new PeerbeamError('CONNECTION_FAILED', 'the channel closed')),
      );
      const watch = (channel: RTCDataChannel) => {
        channel.binaryType = 'arraybuffer';
        if (channel.readyState === 'open') resolve(channel);
        else channel.addEventListener('open', () => resolve(channel), { once: true, signal });
      };
      if (this.options.role === 'offerer') {
        watch(this.pc.createDataChannel('peerbeam', { ordered: true }));
      } else {
        this.pc.addEventListener('datachannel', (event) => watch(event.channel), {
          once: true,
          signal,
        });
      }
    });
  }
}

/** The watching side of a tab share (the viewer page, the web viewer): answers, receives. */
export function receiveTab(options: {
  iceServers: RTCIceServer[];
  sendSignal(signal: ViewerSignal): void;
  signal: AbortSignal;
}): PeerConnection<ViewerSignal> {
  return new PeerConnection({
    ...options,
    role: 'answerer',
    carries: { kind: 'tab-in' },
    wire: tabWire,
  });
}
