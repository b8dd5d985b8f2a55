/**
 * ICE plumbing of the peer-connection wrapper (peer-connection.ts): trickle-ICE bookkeeping,
 * how a connection turns out, and which path it took.
 */
import { PeerbeamError } from '../core/errors.js';
import { selectedPairFromStats, type SelectedPair } from '../core/ice-path.js';
import type { CandidateSignal } from '../core/peer-signal.js';

/**
 * Local candidates go out as plain JSON through the owner's (sealing) `send`; remote ones that
 * arrive before the remote description are held back, since addIceCandidate rejects them
 * until it is set.
 */
export class CandidateExchange {
  private readonly pending: RTCIceCandidateInit[] = [];

  constructor(
    private readonly pc: RTCPeerConnection,
    send: (candidate: CandidateSignal) => void,
    signal: AbortSignal,
  ) {
    pc.addEventListener(
      'icecandidate',
      (event) => {
        if (!event.candidate) return; // end of gathering: nothing to tell
        const candidate = event.candidate.toJSON();
        send({ ...candidate, candidate: candidate.candidate ?? '' });
      },
      { signal },
    );
  }

  /** A remote candidate: added now, or once the remote description is set. */
  async add(candidate: RTCIceCandidateInit): Promise<void> {
    if (this.pc.remoteDescription) await this.pc.addIceCandidate(candidate);
    else this.pending.push(candidate);
  }

  /** Call right after setRemoteDescription: adds the candidates that came early. */
  async remoteDescriptionSet(): Promise<void> {
    for (const candidate of this.pending.splice(0)) await this.pc.addIceCandidate(candidate);
  }
}

/** The candidate pair a connection sends over now (direct or relayed), from its stats. */
export async function selectedPairOf(pc: RTCPeerConnection): Promise<SelectedPair | undefined> {
  const report = await pc.getStats();
  return selectedPairFromStats(report.values() as Iterable<{ id: string; type: string }>);
}

export interface ConnectionOutcome {
  /** Resolves once connected; rejects with CONNECTION_FAILED (failed, or not up in time), or
   * CANCELLED on abort. */
  connected: Promise<void>;
  /** Resolves when the connection fails or closes (after it was up, or never), or on abort. */
  lost: Promise<void>;
}

/** Watches `pc`'s connection state; `messages` say whom the connection was to. */
export function watchConnection(
  pc: RTCPeerConnection,
  signal: AbortSignal,
  messages: { timeout: string; failed: string },
  timeoutMs: number,
): ConnectionOutcome {
  const ended = () => pc.connectionState === 'failed' || pc.connectionState === 'closed';
  const connected = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new PeerbeamError('CONNECTION_FAILED', messages.timeout)),
      timeoutMs,
    );
    const settle = () => {
      if (pc.connectionState === 'connected') {
        clearTimeout(timer);
        resolve();
      } else if (ended()) {
        clearTimeout(timer);
        reject(new PeerbeamError('CONNECTION_FAILED', messages.failed));
      }
    };
    pc.addEventListener('connectionstatechange', settle, { signal });
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(new PeerbeamError('CANCELLED', 'closed'));
      },
      { once: true },
    );
  });
  connected.catch(() => undefined);
  const lost = new Promise<void>((resolve) => {
    pc.addEventListener(
      'connectionstatechange',
      () => {
        if (ended()) resolve();
      },
      { signal },
    );
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
  return { connected, lost };
}
