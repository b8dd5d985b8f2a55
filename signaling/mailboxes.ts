/**
 * Mailbox state: who is in which mailbox, nameplates, relaying between the two sides, expiry.
 * `MailboxStore` is the one interface the server talks to; this file holds the in-memory
 * implementation (one process). The Redis one (redis-store.ts: several processes behind a load
 * balancer) passes the same suite, `test/signaling/mailbox-store.contract.ts`.
 *
 * No WebSocket here: connections are opaque ids, and what a side must hear about its mailbox
 * arrives as a `MailboxEvent` through the callback given to `connect`. With Redis that callback
 * is fed by pub/sub, so the other side may live in another process.
 *
 * Rules:
 * - A connection is in at most one mailbox.
 * - Nameplate mailboxes: `allocate` opens one with a fresh nameplate; `claim` adds the second
 *   side, once. When either side leaves, the mailbox closes for good and its nameplate goes
 *   into quarantine, so a nameplate gives exactly one guess (the PAKE burns it on a wrong code).
 * - Paired-device mailboxes (`join`): join-or-create, at most two sides at a time, a side may
 *   leave and come back; the mailbox is forgotten when empty.
 * - A mailbox idle (no claim, join or relay) for the TTL expires; its members get 'expired'.
 */
import { NameplatePool, type RandomInt } from './nameplates.js';
import type { Clock } from './rate-limit.js';
import { SignalingErrorCode, type Mood } from '../src/core/protocol.js';

export type ConnectionId = string;

/** What a side hears about its mailbox, without asking. */
export type MailboxEvent =
  /** The other side arrived: both are present. */
  | { readonly type: 'paired' }
  | { readonly type: 'relay'; readonly body: string }
  /** The other side released (with its mood) or disconnected (no mood). */
  | { readonly type: 'peer-left'; readonly mood: Mood | undefined }
  /** The mailbox expired; this side is no longer in it and should be disconnected. */
  | { readonly type: 'expired' };

export type MailboxErrorCode =
  | typeof SignalingErrorCode.NO_SUCH_NAMEPLATE
  | typeof SignalingErrorCode.MAILBOX_FULL
  | typeof SignalingErrorCode.ALREADY_IN_MAILBOX
  | typeof SignalingErrorCode.NOT_IN_MAILBOX
  | typeof SignalingErrorCode.NO_PEER
  | typeof SignalingErrorCode.NAMEPLATES_EXHAUSTED;

export type StoreResult<T extends object = object> =
  ({ readonly ok: true } & T) | { readonly ok: false; readonly code: MailboxErrorCode };

export interface StoreStats {
  readonly connections: number;
  readonly mailboxes: number;
  /** Mailboxes with one side, waiting for the other. */
  readonly waiting: number;
  readonly quarantinedNameplates: number;
}

export interface MailboxStore {
  /** Registers a connection and where its events go; call before anything else for it. */
  connect(conn: ConnectionId, deliver: (event: MailboxEvent) => void): Promise<void>;
  /** Leaves any mailbox (the peer hears 'peer-left' with no mood) and forgets the connection.
   * Safe to call twice. */
  disconnect(conn: ConnectionId): Promise<void>;
  /** Opens a nameplate mailbox with `conn` as side one. */
  allocate(conn: ConnectionId): Promise<StoreResult<{ nameplate: string }>>;
  /** Adds `conn` as side two; on success both sides are present and the peer hears 'paired'. */
  claim(conn: ConnectionId, nameplate: string): Promise<StoreResult>;
  /** Joins (or creates) a paired-device mailbox; when the peer is present it hears 'paired'. */
  join(conn: ConnectionId, mailbox: string): Promise<StoreResult<{ peerPresent: boolean }>>;
  /** Hands `body` to the other side as a 'relay' event. */
  relay(conn: ConnectionId, body: string): Promise<StoreResult>;
  /** Leaves the current mailbox, if any; the peer hears 'peer-left' with `mood`. */
  release(conn: ConnectionId, mood: Mood): Promise<void>;
  /** Expires idle mailboxes and ends finished quarantines; the server calls it periodically. */
  sweep(): Promise<void>;
  stats(): Promise<StoreStats>;
  close(): Promise<void>;
}

export interface InMemoryStoreOptions {
  readonly mailboxTtlMs: number;
  readonly nameplateQuarantineMs: number;
  readonly now?: Clock;
  /** Draws nameplates; injectable so tests can force collisions. */
  readonly randomInt?: RandomInt;
}

interface Mailbox {
  /** Null for paired-device mailboxes. */
  readonly nameplate: string | null;
  readonly id: string;
  readonly sides: ConnectionId[];
  lastActive: number;
}

const fail = (code: MailboxErrorCode) => ({ ok: false, code }) as const;

export function createInMemoryMailboxStore(options: InMemoryStoreOptions): MailboxStore {
  return new InMemoryMailboxStore(options);
}

class InMemoryMailboxStore implements MailboxStore {
  private readonly now: Clock;
  private readonly pool: NameplatePool;
  private readonly deliveries = new Map<ConnectionId, (event: MailboxEvent) => void>();
  private readonly byNameplate = new Map<string, Mailbox>();
  private readonly byPairedId = new Map<string, Mailbox>();
  private readonly memberOf = new Map<ConnectionId, Mailbox>();

  constructor(private readonly options: InMemoryStoreOptions) {
    this.now = options.now ?? Date.now;
    this.pool = new NameplatePool(options.randomInt);
  }

  async connect(conn: ConnectionId, deliver: (event: MailboxEvent) => void): Promise<void> {
    this.deliveries.set(conn, deliver);
  }

  async disconnect(conn: ConnectionId): Promise<void> {
    this.leave(conn, undefined);
    this.deliveries.delete(conn);
  }

  async allocate(conn: ConnectionId): Promise<StoreResult<{ nameplate: string }>> {
    if (this.memberOf.has(conn)) return fail(SignalingErrorCode.ALREADY_IN_MAILBOX);
    const nameplate = this.pool.take();
    if (nameplate === null) return fail(SignalingErrorCode.NAMEPLATES_EXHAUSTED);
    const mailbox: Mailbox = { nameplate, id: nameplate, sides: [conn], lastActive: this.now() };
    this.byNameplate.set(nameplate, mailbox);
    this.memberOf.set(conn, mailbox);
    return { ok: true, nameplate };
  }

  async claim(conn: ConnectionId, nameplate: string): Promise<StoreResult> {
    if (this.memberOf.has(conn)) return fail(SignalingErrorCode.ALREADY_IN_MAILBOX);
    const mailbox = this.byNameplate.get(nameplate);
    if (!mailbox) return fail(SignalingErrorCode.NO_SUCH_NAMEPLATE);
    // A nameplate mailbox closes as soon as a side leaves, so two sides means it was claimed.
    if (mailbox.sides.length >= 2) return fail(SignalingErrorCode.MAILBOX_FULL);
    this.enter(conn, mailbox);
    return { ok: true };
  }

  async join(conn: ConnectionId, id: string): Promise<StoreResult<{ peerPresent: boolean }>> {
    if (this.memberOf.has(conn)) return fail(SignalingErrorCode.ALREADY_IN_MAILBOX);
    let mailbox = this.byPairedId.get(id);
    if (!mailbox) {
      mailbox = { nameplate: null, id, sides: [], lastActive: this.now() };
      this.byPairedId.set(id, mailbox);
    }
    if (mailbox.sides.length >= 2) return fail(SignalingErrorCode.MAILBOX_FULL);
    this.enter(conn, mailbox);
    return { ok: true, peerPresent: mailbox.sides.length === 2 };
  }

  async relay(conn: ConnectionId, body: string): Promise<StoreResult> {
    const mailbox = this.memberOf.get(conn);
    if (!mailbox) return fail(SignalingErrorCode.NOT_IN_MAILBOX);
    const peer = mailbox.sides.find((side) => side !== conn);
    if (peer === undefined) return fail(SignalingErrorCode.NO_PEER);
    mailbox.lastActive = this.now();
    this.deliver(peer, { type: 'relay', body });
    return { ok: true };
  }

  async release(conn: ConnectionId, mood: Mood): Promise<void> {
    this.leave(conn, mood);
  }

  async sweep(): Promise<void> {
    const now = this.now();
    for (const mailbox of [...this.byNameplate.values(), ...this.byPairedId.values()]) {
      if (now - mailbox.lastActive < this.options.mailboxTtlMs) continue;
      const members = [...mailbox.sides];
      this.closeMailbox(mailbox);
      for (const member of members) this.deliver(member, { type: 'expired' });
    }
    this.pool.sweep(now);
  }

  async stats(): Promise<StoreStats> {
    let mailboxes = 0;
    let waiting = 0;
    for (const mailbox of [...this.byNameplate.values(), ...this.byPairedId.values()]) {
      mailboxes++;
      if (mailbox.sides.length === 1) waiting++;
    }
    return {
      connections: this.deliveries.size,
      mailboxes,
      waiting,
      quarantinedNameplates: this.pool.quarantined,
    };
  }

  async close(): Promise<void> {
    this.deliveries.clear();
    this.byNameplate.clear();
    this.byPairedId.clear();
    this.memberOf.clear();
  }

  private enter(conn: ConnectionId, mailbox: Mailbox): void {
    mailbox.sides.push(conn);
    mailbox.lastActive = this.now();
    this.memberOf.set(conn, mailbox);
    const peer = mailbox.sides.find((side) => side !== conn);
    if (peer !== undefined) this.deliver(peer, { type: 'paired' });
  }

  private leave(conn: ConnectionId, mood: Mood | undefined): void {
    const mailbox = this.memberOf.get(conn);
    if (!mailbox) return;
    const peer = mailbox.sides.find((side) => side !== conn);
    if (mailbox.nameplate !== null) {
      this.closeMailbox(mailbox);
    } else {
      mailbox.sides.splice(mailbox.sides.indexOf(conn), 1);
      this.memberOf.delete(conn);
      if (mailbox.sides.length === 0) this.byPairedId.delete(mailbox.id);
    }
    if (peer !== undefined) this.deliver(peer, { type: 'peer-left', mood });
  }

  /** Removes every member; a nameplate goes into quarantine. */
  private closeMailbox(mailbox: Mailbox): void {
    for (const side of mailbox.sides) this.memberOf.delete(side);
    mailbox.sides.length = 0;
    if (mailbox.nameplate === null) {
      this.byPairedId.delete(mailbox.id);
    } else {
      this.byNameplate.delete(mailbox.nameplate);
      this.pool.quarantine(mailbox.nameplate, this.now() + this.options.nameplateQuarantineMs);
    }
  }

  private deliver(conn: ConnectionId, event: MailboxEvent): void {
    this.deliveries.get(conn)?.(event);
  }
}
