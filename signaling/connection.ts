/**
 * One client connection as a state machine: a pure transition table from (state, input) to
 * (next state, effects). connection-driver.ts feeds it what happens on the socket and in the
 * store, and carries out the effects; nothing here does I/O.
 *
 *   awaiting-hello --hello{v}--> idle --allocated--> in-mailbox(nameplate) --peer paired--> paired
 *        |                        |   --joined-----> in-mailbox(device) ----peer paired--> paired
 *        |                        |   --claimed, joined with peer present ---------------> paired
 *        |                        <--released, or a nameplate mailbox's peer left--------+
 *        |                                        paired(device) --peer left--> in-mailbox(device)
 *        +--- any state: violation, timeout, expiry, shutdown --> closing --socket closed--> closed
 *
 * In awaiting-hello a frame other than hello earns HELLO_REQUIRED (and the state stays); a
 * wrong v closes with 4000. After it, a second hello closes with 4001. The store decides who is
 * where: a frame (allocate, claim, join, relay, release) becomes a `handle` effect, and the
 * store's answer comes back as an input (allocated, claimed, joined, failed, …).
 *
 * A closing connection still holds its mailbox until its socket is gone (the store only forgets
 * it then), so it keeps counting against its address; it sends nothing more, but a frame it
 * sent before closing is still handled (a `release{scary}` must reach the peer with its mood).
 */
import {
  CloseCode,
  PROTOCOL_VERSION,
  SignalingErrorCode,
  type ClientFrame,
  type ServerFrame,
} from '../src/core/protocol.js';
import type { MailboxErrorCode, MailboxEvent } from './mailboxes.js';
import type { RejectionReason } from './metrics.js';

/** A code session's mailbox (allocate/claim) or a paired device's (join). */
export type MailboxKind = 'nameplate' | 'device';

export type ConnectionState =
  | { readonly step: 'awaiting-hello' }
  | { readonly step: 'idle' }
  /** In a mailbox, waiting for the other side: allocated (nameplate) or joined alone (device). */
  | { readonly step: 'in-mailbox'; readonly mailbox: MailboxKind }
  /** Both sides present; claiming a nameplate comes straight here. */
  | { readonly step: 'paired'; readonly mailbox: MailboxKind }
  /** Close frame sent (or socket dropped); the mailbox, if any, is held until the socket ends. */
  | { readonly step: 'closing'; readonly mailbox: MailboxKind | null }
  | { readonly step: 'closed' };

/** RFC 6455 1011: the store failed, or a frame to the client could not be made. */
export const INTERNAL_ERROR = 1011;
export type ConnectionCloseCode = CloseCode | typeof INTERNAL_ERROR;

export type ConnectionInput =
  /** A frame that passed every check (admission.ts checkFrame) and decoded. */
  | { readonly type: 'frame'; readonly frame: ClientFrame; readonly receivedAt: number }
  /** A frame check failed, or the client stopped answering pings. */
  | { readonly type: 'violation'; readonly reason: RejectionReason; readonly code: CloseCode }
  | { readonly type: 'hello-timeout' }
  /** The client is not reading: its backlog is over the limit. */
  | { readonly type: 'slow-consumer' }
  /** Answers to a `handle` effect: refused by an admission budget, or the store's answer. */
  | { readonly type: 'refused'; readonly reason: RejectionReason }
  | { readonly type: 'failed'; readonly code: MailboxErrorCode }
  | { readonly type: 'allocated'; readonly nameplate: string }
  | { readonly type: 'claimed'; readonly nameplate: string }
  | { readonly type: 'joined'; readonly peerPresent: boolean }
  | { readonly type: 'relayed'; readonly receivedAt: number }
  | { readonly type: 'released' }
  | { readonly type: 'store-failed' }
  /** A frame to the client failed to be made (its TURN budget's answer threw). */
  | { readonly type: 'internal-error' }
  /** What the store tells this side about its mailbox. */
  | { readonly type: 'mailbox'; readonly event: MailboxEvent }
  | { readonly type: 'shutdown' }
  | { readonly type: 'socket-closed' };

/** The frames the store answers: everything after hello. */
export type StoreFrame = Exclude<ClientFrame, { type: 'hello' }>;

export type ConnectionEffect =
  | { readonly type: 'send'; readonly frame: ServerFrame }
  | { readonly type: 'welcome' }
  /** Sends `paired`, with TURN credentials as admission.ts turnPlan decides for `mailbox`. */
  | { readonly type: 'pair'; readonly mailbox: MailboxKind | null }
  /** Hands a frame to the store, after the connection's earlier ones. */
  | { readonly type: 'handle'; readonly frame: StoreFrame; readonly receivedAt: number }
  /** Counted and logged as a rejection. */
  | { readonly type: 'reject'; readonly reason: RejectionReason }
  | { readonly type: 'count-pairing' }
  | { readonly type: 'count-relay'; readonly receivedAt: number }
  /** Counted as a store_error rejection, not logged as one (the failure is logged already). */
  | { readonly type: 'count-store-error' }
  | { readonly type: 'close'; readonly code: ConnectionCloseCode }
  /** Destroys the socket without a close frame, which would wait behind the backlog. */
  | { readonly type: 'drop' };

export interface Transition {
  readonly state: ConnectionState;
  readonly effects: readonly ConnectionEffect[];
}

const ERROR_MESSAGES: Record<SignalingErrorCode, string> = {
  NO_SUCH_NAMEPLATE: 'no mailbox has that nameplate: check the code',
  MAILBOX_FULL: 'this mailbox already has two sides',
  ALREADY_IN_MAILBOX: 'this connection is already in a mailbox: release it first',
  NOT_IN_MAILBOX: 'this connection is not in a mailbox',
  NO_PEER: 'the other side is not here',
  HELLO_REQUIRED: 'send hello first',
  RATE_LIMITED: 'too many attempts from this address: try again in a minute',
  NAMEPLATES_EXHAUSTED: 'no free nameplate: try again later',
};

export function errorFrame(code: SignalingErrorCode): ServerFrame {
  return { type: 'error', code, message: ERROR_MESSAGES[code] };
}

export const INITIAL_STATE: ConnectionState = { step: 'awaiting-hello' };
const IDLE: ConnectionState = { step: 'idle' };
const CLOSED: ConnectionState = { step: 'closed' };

/** The mailbox this connection holds a place in, as far as this process knows. */
export function heldMailbox(state: ConnectionState): MailboxKind | null {
  return 'mailbox' in state ? state.mailbox : null;
}

/** Closing or closed: nothing more is sent, and no new frame is read. */
export function isEnding(state: ConnectionState): boolean {
  return state.step === 'closing' || state.step === 'closed';
}

export function transition(state: ConnectionState, input: ConnectionInput): Transition {
  switch (input.type) {
    case 'frame':
      return onFrame(state, input.frame, input.receivedAt);
    case 'violation':
      return close(state, input.code, input.reason);
    case 'hello-timeout':
      return state.step === 'awaiting-hello'
        ? close(state, CloseCode.HELLO_TIMEOUT, 'hello_timeout')
        : stay(state);
    case 'slow-consumer':
      if (isEnding(state)) return stay(state);
      return {
        state: { step: 'closing', mailbox: heldMailbox(state) },
        effects: [{ type: 'reject', reason: 'slow_consumer' }, { type: 'drop' }],
      };
    case 'refused':
      // Counted even if the connection closed meanwhile: the budget was asked all the same.
      return stay(state, [
        { type: 'reject', reason: input.reason },
        ...sendIfOpen(state, errorFrame(SignalingErrorCode.RATE_LIMITED)),
      ]);
    case 'failed':
      return stay(state, sendIfOpen(state, errorFrame(input.code)));
    case 'allocated':
      return enter(
        state,
        'nameplate',
        false,
        sendIfOpen(state, { type: 'allocated', nameplate: input.nameplate }),
      );
    case 'claimed':
      return enter(state, 'nameplate', true, [
        { type: 'count-pairing' },
        ...sendIfOpen(state, { type: 'claimed', nameplate: input.nameplate }),
      ]);
    case 'joined':
      return enter(state, 'device', input.peerPresent, [
        ...sendIfOpen(state, { type: 'joined', peerPresent: input.peerPresent }),
        ...(input.peerPresent ? [{ type: 'count-pairing' } as const] : []),
      ]);
    case 'relayed':
      return stay(state, [{ type: 'count-relay', receivedAt: input.receivedAt }]);
    case 'released':
      return leave(state);
    case 'store-failed':
      if (isEnding(state)) return stay(state);
      return close(state, INTERNAL_ERROR, null, [{ type: 'count-store-error' }]);
    case 'internal-error':
      return close(state, INTERNAL_ERROR, null);
    case 'mailbox':
      return onMailboxEvent(state, input.event);
    case 'shutdown':
      return close(state, CloseCode.SERVER_SHUTTING_DOWN, null);
    case 'socket-closed':
      return { state: CLOSED, effects: [] };
  }
}

function onFrame(state: ConnectionState, frame: ClientFrame, receivedAt: number): Transition {
  if (isEnding(state)) return stay(state);
  if (state.step === 'awaiting-hello') {
    if (frame.type !== 'hello') {
      return stay(state, [
        { type: 'reject', reason: 'hello_required' },
        { type: 'send', frame: errorFrame(SignalingErrorCode.HELLO_REQUIRED) },
      ]);
    }
    if (frame.v !== PROTOCOL_VERSION) {
      return close(state, CloseCode.PROTOCOL_MISMATCH, 'protocol_mismatch');
    }
    return { state: IDLE, effects: [{ type: 'welcome' }] };
  }
  // hello is the first frame and only the first.
  if (frame.type === 'hello') return close(state, CloseCode.INVALID_FRAME, 'invalid_frame');
  return stay(state, [{ type: 'handle', frame, receivedAt }]);
}

function onMailboxEvent(state: ConnectionState, event: MailboxEvent): Transition {
  const mailbox = heldMailbox(state);
  switch (event.type) {
    case 'paired':
      if (isEnding(state)) return stay(state);
      return {
        state: mailbox === null ? state : { step: 'paired', mailbox },
        effects: [{ type: 'pair', mailbox }],
      };
    case 'relay':
      return stay(state, sendIfOpen(state, { type: 'relay', body: event.body }));
    case 'peer-left': {
      const frame: ServerFrame =
        event.mood === undefined
          ? { type: 'peer', event: 'left' }
          : { type: 'peer', event: 'left', mood: event.mood };
      // A nameplate mailbox closes when either side leaves; a paired-device one stays.
      const next =
        mailbox === 'nameplate'
          ? withoutMailbox(state)
          : state.step === 'paired'
            ? ({ step: 'in-mailbox', mailbox: 'device' } as const)
            : state;
      return { state: next, effects: sendIfOpen(state, frame) };
    }
    case 'expired':
      if (isEnding(state)) return stay(withoutMailbox(state));
      return close(withoutMailbox(state), CloseCode.MAILBOX_EXPIRED, null);
  }
}

/** The store let the connection in. One already in a mailbox keeps that one (the store would
 * have refused it: ALREADY_IN_MAILBOX); one whose socket is gone holds nothing any more. */
function enter(
  state: ConnectionState,
  mailbox: MailboxKind,
  peerPresent: boolean,
  effects: ConnectionEffect[],
): Transition {
  if (state.step === 'closed') return stay(state, effects);
  if (state.step === 'closing') {
    return stay(state.mailbox === null ? { step: 'closing', mailbox } : state, effects);
  }
  const held = heldMailbox(state);
  const next: ConnectionState =
    held !== null ? state : { step: peerPresent ? 'paired' : 'in-mailbox', mailbox };
  return {
    state: next,
    effects: peerPresent ? [...effects, { type: 'pair', mailbox: heldMailbox(next) }] : effects,
  };
}

function leave(state: ConnectionState): Transition {
  return stay(withoutMailbox(state));
}

function withoutMailbox(state: ConnectionState): ConnectionState {
  if (state.step === 'closing') return { step: 'closing', mailbox: null };
  return heldMailbox(state) === null ? state : IDLE;
}

/** Closes with `code`; a `reason` also counts and logs it as a rejection. */
function close(
  state: ConnectionState,
  code: ConnectionCloseCode,
  reason: RejectionReason | null,
  before: ConnectionEffect[] = [],
): Transition {
  if (isEnding(state)) return stay(state);
  return {
    state: { step: 'closing', mailbox: heldMailbox(state) },
    effects: [
      ...before,
      ...(reason === null ? [] : [{ type: 'reject', reason } as const]),
      { type: 'close', code },
    ],
  };
}

function sendIfOpen(state: ConnectionState, frame: ServerFrame): ConnectionEffect[] {
  return isEnding(state) ? [] : [{ type: 'send', frame }];
}

function stay(state: ConnectionState, effects: readonly ConnectionEffect[] = []): Transition {
  return { state, effects };
}
