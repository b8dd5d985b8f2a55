/**
 * One RTCPeerConnection with one reliable, ordered data channel. Side A offers, side B
 * answers; every description and candidate goes out through `sendSignal` (which seals it).
 * Each link has a generation: after a failed connection the session replaces the link with the
 * next generation, and signals of an older one are ignored. An ICE restart keeps the link
 * (and its data channel, whose SCTP association survives the new ICE path).
 * Teardown (`close`, or the owner's AbortSignal) is safe to repeat.
 */
import { PeerbeamError } from '../core/errors.js';
import type { SelectedPair } from '../core/ice-path.js';
import type { PeerSignal, PeerSignalInput } from '../core/peer-signal.js';
import { CandidateExchange, selectedPairOf } from './ice-candidates.js';

const OPEN_TIMEOUT_MS = 20_000;

type LinkSignal = Extract<PeerSignal, { t: 'description' | 'candidate' }>;

export interface PeerLinkOptions {
  role: 'A' | 'B';
  iceServers: RTCIceServer[];
  sendSignal: (signal: PeerSignalInput) => void;
  signal: AbortSignal;
  generation?: number;
}

export class PeerLink {
  readonly pc: RTCPeerConnection;
  readonly generation: number;
  /** Resolves with the open data channel; rejects with CONNECTION_FAILED or on close. */
  readonly channel: Promise<RTCDataChannel>;
  private readonly candidates: CandidateExchange;
  private readonly abort = new AbortController();

  constructor(private readonly options: PeerLinkOptions) {
    this.generation = options.generation ?? 0;
    options.signal.addEventListener('abort', () => this.close(), { once: true });
    const { signal } = this.abort;
    this.pc = new RTCPeerConnection({ iceServers: options.iceServers });
    this.candidates = new CandidateExchange(
      this.pc,
      (candidate) => options.sendSignal({ t: 'candidate', gen: this.generation, candidate }),
      signal,
    );
    this.channel = new Promise<RTCDataChannel>((resolve, reject) => {
      const fail = (error: PeerbeamError) => {
        clearTimeout(timer);
        reject(error);
      };
      const timer = setTimeout(
        () =>
          fail(new PeerbeamError('CONNECTION_FAILED', 'no peer-to-peer path was found in time')),
        OPEN_TIMEOUT_MS,
      );
      const watch = (channel: RTCDataChannel) => {
        channel.binaryType = 'arraybuffer';
        const opened = () => {
          clearTimeout(timer);
          resolve(channel);
        };
        if (channel.readyState === 'open') opened();
        else channel.addEventListener('open', opened, { once: true, signal });
      };
      this.pc.addEventListener(
        'connectionstatechange',
        () => {
          if (this.pc.connectionState === 'failed') {
            fail(new PeerbeamError('CONNECTION_FAILED', 'the peer-to-peer connection failed'));
          }
        },
        { signal },
      );
      signal.addEventListener('abort', () => fail(new PeerbeamError('CANCELLED', 'closed')), {
        once: true,
      });
      if (options.role === 'A') {
        watch(this.pc.createDataChannel('peerbeam', { ordered: true }));
      } else {
        this.pc.addEventListener('datachannel', (event) => watch(event.channel), {
          once: true,
          signal,
        });
      }
    });
    this.channel.catch(() => undefined);
  }

  get closed(): boolean {
    return this.abort.signal.aborted;
  }

  /** The peer's SCTP max-message-size (Chromium: 256 KiB), once connected. */
  get maxMessageSize(): number | null {
    return this.pc.sctp?.maxMessageSize ?? null;
  }

  /** Side A starts negotiation. */
  async offer(): Promise<void> {
    await this.pc.setLocalDescription();
    this.sendDescription();
  }

  /** Side A: new ICE credentials and candidates on the same connection (network changed). */
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

  async handleSignal(signal: LinkSignal): Promise<void> {
    if (this.closed) return;
    if (signal.t === 'candidate') {
      await this.candidates.add(signal.candidate);
      return;
    }
    const { type } = signal.description;
    if ((type === 'offer') !== (this.options.role === 'B')) {
      throw new PeerbeamError('CONNECTION_FAILED', `unexpected ${type}`);
    }
    await this.pc.setRemoteDescription(signal.description);
    await this.candidates.remoteDescriptionSet();
    if (type === 'offer') {
      await this.pc.setLocalDescription();
      this.sendDescription();
    }
  }

  async selectedPair(): Promise<SelectedPair | undefined> {
    return selectedPairOf(this.pc);
  }

  close(): void {
    if (this.closed) return;
    this.abort.abort();
    this.pc.close();
  }

  private sendDescription(): void {
    const description = this.pc.localDescription;
    if (!description) throw new PeerbeamError('CONNECTION_FAILED', 'no local description');
    const type = description.type === 'offer' ? 'offer' : 'answer';
    this.options.sendSignal({
      t: 'description',
      gen: this.generation,
      description: { type, sdp: description.sdp },
    });
  }
}
