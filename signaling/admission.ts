/**
 * What the server lets in, and how much of it: connections (per process and per address),
 * frames (size, rate per connection and per address, schema), mailboxes per address, the
 * allocation/claim/join budgets and the TURN budget of paired-device sessions. The decisions
 * are pure functions; `Admission` keeps the counts and budgets they are asked against.
 *
 * Per process: connections, mailboxes and frame rates of an address. Shared through the backend
 * (Redis when configured): the allocation, claim, join and TURN budgets, so an address gets no
 * more guesses for running against several processes.
 */
import type { Config } from './config.js';
import type { MailboxKind } from './connection.js';
import type { RejectionReason } from './metrics.js';
import { KeyedTokenBuckets, TokenBucket, type Clock, type RateLimiter } from './rate-limit.js';
import {
  CLOSE_REASONS,
  CloseCode,
  decodeClientFrame,
  type ClientFrame,
} from '../src/core/protocol.js';

/** RFC 6455 "Try Again Later": this process is full, another one (or later) may not be. */
export const SERVER_FULL = 1013;
const SERVER_FULL_REASON = 'server full: try again later';

export type AdmissionConfig = Pick<
  Config,
  | 'maxConnections'
  | 'maxConnectionsPerIp'
  | 'maxFrameBytes'
  | 'frameBurst'
  | 'frameRate'
  | 'frameBurstPerIp'
  | 'frameRatePerIp'
  | 'maxMailboxesPerIp'
  | 'turnGrantsPerHour'
  | 'turn'
>;

/** The shared per-address budgets (backend.ts makes them, in memory or in Redis). */
export interface AdmissionBudgets {
  readonly allocations: RateLimiter;
  readonly claims: RateLimiter;
  readonly joins: RateLimiter;
  /** TURN credentials for joined (paired-device) sessions. */
  readonly turnGrants: RateLimiter;
}

export interface ConnectionRefusal {
  readonly reason: Extract<RejectionReason, 'server_full' | 'ip_connections'>;
  readonly code: number;
  readonly text: string;
}

/** Past MAX_CONNECTIONS this process is full (1013); past MAX_CONNECTIONS_PER_IP the address
 * is (4007). */
export function refuseConnection(
  open: number,
  openFromAddress: number,
  limits: Pick<AdmissionConfig, 'maxConnections' | 'maxConnectionsPerIp'>,
): ConnectionRefusal | null {
  if (open >= limits.maxConnections) {
    return { reason: 'server_full', code: SERVER_FULL, text: SERVER_FULL_REASON };
  }
  if (openFromAddress >= limits.maxConnectionsPerIp) {
    const code = CloseCode.TOO_MANY_CONNECTIONS;
    return { reason: 'ip_connections', code, text: CLOSE_REASONS[code] };
  }
  return null;
}

export type FrameCheck =
  | { readonly ok: true; readonly frame: ClientFrame }
  | { readonly ok: false; readonly reason: RejectionReason; readonly code: CloseCode };

export interface FrameTokens {
  /** Takes one token from the connection's frame budget. */
  readonly connection: () => boolean;
  /** Takes one token from the frame budget of all the connections of its address. */
  readonly address: () => boolean;
}

/**
 * Every frame, in this order: size (4002), rate of the connection, then of its address (4003),
 * text (4001), schema (4001). Cheap checks first, so a flood costs no parsing; a frame refused
 * for its size spends no token.
 */
export function checkFrame(
  bytes: Buffer,
  isBinary: boolean,
  maxFrameBytes: number,
  tokens: FrameTokens,
): FrameCheck {
  const refuse = (reason: RejectionReason, code: CloseCode) =>
    ({ ok: false, reason, code }) as const;
  if (bytes.length > maxFrameBytes) return refuse('frame_too_large', CloseCode.FRAME_TOO_LARGE);
  if (!tokens.connection()) return refuse('frame_rate', CloseCode.RATE_LIMITED);
  if (!tokens.address()) return refuse('ip_frame_rate', CloseCode.RATE_LIMITED);
  if (isBinary) return refuse('invalid_frame', CloseCode.INVALID_FRAME);
  const decoded = decodeClientFrame(bytes.toString('utf8'));
  if (!decoded.ok) return refuse('invalid_frame', CloseCode.INVALID_FRAME);
  return { ok: true, frame: decoded.frame };
}

/** The frames that enter a mailbox, and the rejection a spent budget is counted under. */
export type EntryFrame = 'allocate' | 'claim' | 'join';
const ENTRY_BUDGETS = {
  allocate: { budget: 'allocations', reason: 'allocation_rate' },
  claim: { budget: 'claims', reason: 'claim_rate' },
  join: { budget: 'joins', reason: 'join_rate' },
} as const satisfies Record<
  EntryFrame,
  { budget: keyof AdmissionBudgets; reason: RejectionReason }
>;

/**
 * TURN credentials only once a client is in a mailbox with its peer. A session paired by
 * nameplate always gets them (its claim was a guess, bounded per address). A paired-device
 * mailbox is any 64-hex id, so anyone can make one up and pair two sockets in it: those spend
 * the address's TURN budget, and pair on STUN only past it. No known mailbox counts as made up.
 */
export type TurnPlan = 'no-turn' | 'grant' | 'withhold' | 'budget';
export function turnPlan(
  turnConfigured: boolean,
  mailbox: MailboxKind | null,
  grantsPerHour: number,
): TurnPlan {
  if (!turnConfigured) return 'no-turn';
  if (mailbox === 'nameplate') return 'grant';
  return grantsPerHour > 0 ? 'budget' : 'withhold';
}

/** Counts per address; an address is forgotten at zero. */
export class AddressCounts {
  private readonly counts = new Map<string, number>();

  get(key: string): number {
    return this.counts.get(key) ?? 0;
  }

  increment(key: string): void {
    this.counts.set(key, this.get(key) + 1);
  }

  decrement(key: string): void {
    const count = this.get(key) - 1;
    if (count > 0) this.counts.set(key, count);
    else this.counts.delete(key);
  }

  get size(): number {
    return this.counts.size;
  }
}

export class Admission {
  private readonly connections = new AddressCounts();
  private readonly mailboxes = new AddressCounts();
  private readonly framesPerAddress: KeyedTokenBuckets;

  constructor(
    private readonly config: AdmissionConfig,
    private readonly budgets: AdmissionBudgets,
    private readonly now: Clock,
  ) {
    this.framesPerAddress = new KeyedTokenBuckets(
      config.frameBurstPerIp,
      config.frameRatePerIp,
      now,
    );
  }

  /** Counts the connection from `key` if it may open (`open`: this process's connections). */
  admitConnection(key: string, open: number): ConnectionRefusal | null {
    const refusal = refuseConnection(open, this.connections.get(key), this.config);
    if (refusal === null) this.connections.increment(key);
    return refusal;
  }

  connectionClosed(key: string): void {
    this.connections.decrement(key);
  }

  /** A fresh connection's own frame budget. */
  frameBudget(): TokenBucket {
    return new TokenBucket(this.config.frameBurst, this.config.frameRate, this.now);
  }

  checkFrame(bytes: Buffer, isBinary: boolean, budget: TokenBucket, key: string): FrameCheck {
    return checkFrame(bytes, isBinary, this.config.maxFrameBytes, {
      connection: () => budget.take(),
      address: () => this.framesPerAddress.take(key),
    });
  }

  mailboxEntered(key: string): void {
    this.mailboxes.increment(key);
  }

  mailboxLeft(key: string): void {
    this.mailboxes.decrement(key);
  }

  /**
   * Null if a connection from `key` may try to enter a mailbox, else why not (answered with
   * RATE_LIMITED). Only one outside any mailbox is held to MAX_MAILBOXES_PER_IP; the store
   * answers the others (ALREADY_IN_MAILBOX), after they spend a token like any attempt.
   */
  async admitEntry(
    frame: EntryFrame,
    key: string,
    inMailbox: boolean,
  ): Promise<RejectionReason | null> {
    if (!inMailbox && this.mailboxes.get(key) >= this.config.maxMailboxesPerIp) {
      return 'ip_mailboxes';
    }
    const { budget, reason } = ENTRY_BUDGETS[frame];
    return (await this.budgets[budget].take(key)) ? null : reason;
  }

  /** Whether a client from `key` that just paired gets TURN credentials (null: no TURN here).
   * Spends the TURN budget only for a session not paired by nameplate. */
  turnGrant(key: string, mailbox: MailboxKind | null): boolean | Promise<boolean> | null {
    switch (turnPlan(this.config.turn !== null, mailbox, this.config.turnGrantsPerHour)) {
      case 'no-turn':
        return null;
      case 'grant':
        return true;
      case 'withhold':
        return false;
      case 'budget':
        return this.budgets.turnGrants.take(key);
    }
  }

  /** Forgets idle keys of every budget. */
  prune(): void {
    const { allocations, claims, joins, turnGrants } = this.budgets;
    for (const budget of [allocations, claims, joins, turnGrants]) budget.prune();
    this.framesPerAddress.prune();
  }
}
