/**
 * What every way of starting a session produces: a sealed signaling to the peer (by code,
 * or over a paired device's link), the ICE servers to use, and how to let go of it.
 */
import type { IceServer } from '../core/protocol.js';
import type { SessionStep } from '../core/session-step.js';
import type { SealedSignaling } from './sealed-signaling.js';

export interface PeerIdentity {
  name: string;
  publicKey: string;
}

export interface Established {
  sealed: SealedSignaling;
  iceServers: IceServer[];
  /** Known up front for paired devices; learned in the session for code sessions. */
  peer?: PeerIdentity;
  /** Called when the session ends: code sessions close their socket, paired links stay. */
  release: (mood: 'happy' | 'errory') => void;
}

export interface EstablishContext {
  signal: AbortSignal;
  setStep: (step: SessionStep) => void;
  showCode: (code: string) => void;
}
