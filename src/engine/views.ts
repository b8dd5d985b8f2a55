/**
 * What the engine shows its UI: sessions, transfers, paired devices and links, as plain data
 * (they cross contexts by structured clone or JSON). The UI reads them through
 * src/shared/session-view.ts.
 */
import type { ErrorData } from '../core/errors.js';
import type { LinkRefusedReason, SessionKind } from '../core/peer-signal.js';
import type { SessionStep } from '../core/session-step.js';

export type { SessionStep } from '../core/session-step.js';

/** Who started the session: by code (send or receive), or a paired device. */
export type SessionRole = 'send' | 'receive' | 'paired';

export interface ChatLine {
  from: 'me' | 'peer';
  text: string;
  at: number;
}

export type TransferFileState = 'waiting' | 'active' | 'verifying' | 'saved' | 'failed';

export interface TransferFileView {
  path: string;
  size: number;
  done: number;
  state: TransferFileState;
}

export type TransferState =
  | 'preparing'
  | 'offered'
  | 'awaiting-accept'
  | 'transferring'
  | 'reconnecting'
  | 'complete'
  | 'declined'
  | 'cancelled'
  | 'failed';

/** A file transfer as the popup shows it (sender or receiver side). */
export interface TransferView {
  direction: 'send' | 'receive';
  state: TransferState;
  fileCount: number;
  totalBytes: number;
  doneBytes: number;
  bytesPerSecond: number;
  etaSeconds?: number;
  /** The first files (the popup lists at most this many). */
  files: TransferFileView[];
  /** How often the connection was lost and recovered during this transfer. */
  recoveries: number;
  /** Bytes that had to be sent again after recoveries (nothing before a checkpoint is). */
  resentBytes: number;
  failedFiles: number;
}

export interface SessionView {
  id: string;
  /** Grows with every change, so a late answer never overwrites a newer event. */
  revision: number;
  role: SessionRole;
  step: SessionStep;
  /** The full code to read aloud (sender side, once allocated). */
  code?: string;
  /** The no-install web page's link that joins with `code` (a QR code for a phone to scan). */
  receiveUrl?: string;
  /** Words both sides can compare to be sure they reached each other. */
  verifier?: string;
  path?: 'direct' | 'relay';
  /** The selected candidate pair's types, e.g. 'srflx → relay' (shown as a tooltip). */
  candidates?: string;
  error?: ErrorData;
  /** The other device's name, once known (its identity arrives sealed). */
  peerName?: string;
  /** What the session is for, once known. */
  kind?: SessionKind;
  /** Files being sent or received in this session. */
  transfer?: TransferView;
  /** This side chose "remember this device" in this session. */
  remembered?: boolean;
  messages: ChatLine[];
}

export interface Settings {
  signalingUrl: string;
  /** How this device introduces itself to peers ("remember this device"). */
  deviceName: string;
}

/** A remembered device, as the popup lists it. */
export interface DeviceView {
  id: string;
  name: string;
  /** Its link is up: both devices are online and authenticated each other. */
  online: boolean;
  unpairPending: boolean;
  autoOpenLinks: boolean;
}

export interface LinkView {
  id: string;
  direction: 'sent' | 'received';
  deviceName: string;
  url: string;
  title: string;
  at: number;
  state: 'pending' | 'delivered' | 'received' | 'expired' | 'refused';
  /** Why the receiving device refused it (state 'refused'). */
  refused?: LinkRefusedReason;
}

/** A checked link from a paired device, to show (or open, if the person said so). */
export interface IncomingLink {
  id: string;
  url: string;
  title: string;
  deviceName: string;
  autoOpen: boolean;
}
