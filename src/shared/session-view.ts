import type { ErrorData } from '../core/errors.js';
import type { LinkRefusedReason, SessionKind } from '../core/peer-signal.js';
import type { SessionStep } from '../core/session-step.js';

/** What the popup shows of a pairing session; sent from the offscreen document. */
export type SessionRole = 'send' | 'receive' | 'paired';

export type { SessionStep } from '../core/session-step.js';

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

/** The view to show: a newer revision of the same session wins; another session replaces. */
export function newerView(current: SessionView | null, incoming: SessionView): SessionView {
  if (current && current.id === incoming.id && current.revision > incoming.revision) return current;
  return incoming;
}

/**
 * The session a page started itself (the send page), shown in its newest state. The start
 * call's answer comes back through the service worker, but change events come straight from
 * the offscreen document, so an event (the one carrying the code) can arrive before the
 * answer names the session: events seen while a start is pending are held for that answer.
 */
export class StartedSessionView {
  #shown: SessionView | null = null;
  #starting = false;
  readonly #early = new Map<string, SessionView>();

  /** Call before asking for the session to start. */
  starting(): void {
    this.#starting = true;
    this.#shown = null;
    this.#early.clear();
  }

  /** The start call answered with `answer`: the view to show. */
  started(answer: SessionView): SessionView {
    this.#shown = newerView(this.#early.get(answer.id) ?? null, answer);
    this.#starting = false;
    this.#early.clear();
    return this.#shown;
  }

  /** The start call failed, or the person left the session: nothing is shown. */
  reset(): void {
    this.#shown = null;
    this.#starting = false;
    this.#early.clear();
  }

  /** A change event from the offscreen document: the view to show now (null: none). */
  changed(view: SessionView): SessionView | null {
    if (this.#shown) {
      if (this.#shown.id === view.id) this.#shown = newerView(this.#shown, view);
    } else if (this.#starting) {
      this.#early.set(view.id, newerView(this.#early.get(view.id) ?? null, view));
    }
    return this.#shown;
  }
}
