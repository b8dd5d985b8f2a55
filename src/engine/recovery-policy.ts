/**
 * When a transfer's connection is lost, what to try next (PROTOCOL.md "Resume after a lost
 * connection"), as a pure function: no DOM, no timers. The driver (recovery.ts) looks at what
 * is broken, asks, and does what it is told; the timings and limits live here alone.
 *
 * One attempt climbs a ladder: a new mailbox and PAKE if signaling ended, then (side A) an
 * ICE restart while the data channel still stands, then a new peer connection. Side B does not
 * drive: it waits for side A's new connection. A spent attempt waits (500 ms, doubling up to
 * 5 s) before the next; past two minutes the transfer gives up.
 */

/** What is broken, as the driver sees it before each step. */
export type RecoveryFailure =
  /** The sealed signaling ended: nothing can be negotiated until a new one stands. */
  | 'signaling-lost'
  /** The peer connection failed (or stayed disconnected); its data channel still stands. */
  | 'ice-failed'
  /** The data channel closed, or its connection is closed: only a new connection helps. */
  | 'connection-lost';

export type RecoveryStep =
  /** Join the mailbox derived from the session key and run the PAKE with the resume secret. */
  | 'new-pake'
  /** Restart ICE on the same peer connection (its data channel survives); side A only. */
  | 'ice-restart'
  /** A new peer connection, generation + 1, and a resume from the receiver's checkpoint. */
  | 'new-connection'
  /** Side B: side A drives; wait for its ICE restart or new connection to come up. */
  | 'wait-for-peer';

export interface RecoveryContext {
  failure: RecoveryFailure;
  /** Side A offers (and so drives a new connection); side B answers. */
  role: 'A' | 'B';
  /** Attempts already spent without the connection back: 0 during the first. */
  attempt: number;
  /** The steps already taken in this attempt, in order. */
  tried: readonly RecoveryStep[];
  /** The last of them threw (signaling or the network is still down): the attempt is spent. */
  lastStepThrew?: boolean;
  /** Since the connection was found lost. */
  elapsedMs: number;
}

export type RecoveryDecision =
  /** Take `step` now; `timeoutMs` bounds how long it may take (or how long to wait for it). */
  | { step: RecoveryStep; timeoutMs: number }
  /** This attempt is spent: wait `delayMs`, then start the next (from a fresh look). */
  | { retry: true; delayMs: number }
  | { giveUp: 'deadline' };

export const RECOVERY_TIMINGS = {
  /** How long a transfer keeps trying to get its connection back before it gives up. */
  deadlineMs: 120_000,
  /** A connection 'disconnected' this long is treated as lost (consent checks stopped). */
  disconnectedGraceMs: 2_000,
  /** How long an ICE restart may take to bring the connection back. */
  iceRestartWaitMs: 8_000,
  /** How long side B waits for side A's restart or new connection in one attempt. */
  peerWaitMs: 16_000,
  /** The wait after the first spent attempt; it doubles after each, up to `maxBackoffMs`. */
  firstBackoffMs: 500,
  maxBackoffMs: 5_000,
  /** A new connection is bounded by the peer connection's own timeout (rtc/peer-connection.ts). */
  newConnectionMs: Number.POSITIVE_INFINITY,
} as const;

/** The wait after `spent` attempts (1 after the first): 500, 1000, 2000, 4000, 5000, 5000 … */
export function backoffMs(spent: number): number {
  const { firstBackoffMs, maxBackoffMs } = RECOVERY_TIMINGS;
  return Math.min(firstBackoffMs * 2 ** Math.max(0, spent - 1), maxBackoffMs);
}

/** The next step of a recovery (LiveKit's DefaultReconnectPolicy is the model). */
export function nextRecoveryStep({
  failure,
  role,
  attempt,
  tried,
  lastStepThrew = false,
  elapsedMs,
}: RecoveryContext): RecoveryDecision {
  const remainingMs = RECOVERY_TIMINGS.deadlineMs - elapsedMs;
  const step = lastStepThrew ? undefined : ladder(failure, role, tried);
  if (step) return { step, timeoutMs: stepTimeoutMs(step, remainingMs) };
  // The ladder is climbed: give up if the next attempt would start past the deadline.
  const delayMs = backoffMs(attempt + 1);
  if (elapsedMs + delayMs >= RECOVERY_TIMINGS.deadlineMs) return { giveUp: 'deadline' };
  return { retry: true, delayMs };
}

/** The step `failure` calls for in this attempt, or none when the attempt is spent. */
function ladder(
  failure: RecoveryFailure,
  role: 'A' | 'B',
  tried: readonly RecoveryStep[],
): RecoveryStep | undefined {
  // Signaling first: every other step negotiates over it.
  if (failure === 'signaling-lost') return tried.includes('new-pake') ? undefined : 'new-pake';
  if (role === 'B') return tried.includes('wait-for-peer') ? undefined : 'wait-for-peer';
  if (tried.includes('new-connection')) return undefined;
  if (failure === 'ice-failed' && !tried.includes('ice-restart')) return 'ice-restart';
  return 'new-connection';
}

function stepTimeoutMs(step: RecoveryStep, remainingMs: number): number {
  switch (step) {
    case 'new-pake':
      return Math.max(0, remainingMs);
    case 'ice-restart':
      return RECOVERY_TIMINGS.iceRestartWaitMs;
    case 'wait-for-peer':
      return RECOVERY_TIMINGS.peerWaitMs;
    case 'new-connection':
      return RECOVERY_TIMINGS.newConnectionMs;
  }
}
