/**
 * One RTCPeerConnection with one reliable, ordered data channel. Side A offers, side B
 * answers; every description and candidate goes out through `sendSignal` (which seals it).
 * Teardown is tied to an AbortSignal and safe to repeat.
 */
import { PeerbeamError } from '../core/errors.js';
import { selectedPairFromStats, type SelectedPair } from '../core/ice-path.js';
import type { PeerSignal } from '../core/peer-signal.js';

const OPEN_TIMEOUT_MS = 20_000;

export interface PeerLinkOptions {
  role: 'A' | 'B';
  iceServers: RTCIceServer[];
  sendSignal(signal: PeerSignal): void;
  signal: AbortSignal;
}

export class PeerLink {
  readonly pc: RTCPeerConnection;
  /** Resolves with the open data channel; rejects with CONNECTION_FAILED or on abort. */
  readonly channel: Promise<RTCDataChannel>;
  private readonly pendingCandidates: RTCIceCandidateInit[] = [];

  constructor(private readonly options: PeerLinkOptions) {
    const { signal } = options;
    this.pc = new RTCPeerConnection({ iceServers: options.iceServers });
    this.pc.addEventListener(
      'icecandidate',
      (event) => {
        if (!event.candidate) return;
        const candidate = event.candidate.toJSON();
        options.sendSignal({
          t: 'candidate',
          candidate: { ...candidate, candidate: candidate.candidate ?? '' },
        });
      },
      { signal },
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
    signal.addEventListener('abort', () => this.pc.close(), { once: true });
  }

  /** Side A starts negotiation. */
  async offer(): Promise<void> {
    await this.pc.setLocalDescription();
    const description = this.pc.localDescription;
    if (!description) throw new PeerbeamError('CONNECTION_FAILED', 'no local description');
    this.options.sendSignal({
      t: 'description',
      description: { type: 'offer', sdp: description.sdp },
    });
  }

  async handleSignal(signal: PeerSignal): Promise<void> {
    switch (signal.t) {
      case 'description': {
        const { type } = signal.description;
        if ((type === 'offer') !== (this.options.role === 'B')) {
          throw new PeerbeamError('CONNECTION_FAILED', `unexpected ${type}`);
        }
        await this.pc.setRemoteDescription(signal.description);
        for (const candidate of this.pendingCandidates.splice(0)) {
          await this.pc.addIceCandidate(candidate);
        }
        if (type === 'offer') {
          await this.pc.setLocalDescription();
          const answer = this.pc.localDescription;
          if (!answer) throw new PeerbeamError('CONNECTION_FAILED', 'no local description');
          this.options.sendSignal({
            t: 'description',
            description: { type: 'answer', sdp: answer.sdp },
          });
        }
        return;
      }
      case 'candidate':
        if (this.pc.remoteDescription) await this.pc.addIceCandidate(signal.candidate);
        else this.pendingCandidates.push(signal.candidate);
        return;
      case 'bye':
      case 'abort':
        return;
    }
  }

  async selectedPair(): Promise<SelectedPair | undefined> {
    const report = await this.pc.getStats();
    return selectedPairFromStats(report.values() as Iterable<{ id: string; type: string }>);
  }
}
