/**
 * The `MailboxStore` (and the per-address rate limits and TURN budget) in Redis, for several
 * processes behind a load balancer: the two sides of a mailbox may be connected to different
 * processes.
 *
 * Every operation is one Lua script (in lua/), so it is atomic across processes, and it tells the peer
 * in the same step: an event for a connection of this process comes back in the script's reply
 * and is delivered before the call resolves (as in memory); an event for a connection of
 * another process is PUBLISHed on that process's channel. Redis delivers one publisher's
 * messages in order, so the relays of one side reach the other in the order sent.
 *
 * Keys (all under the prefix, default `peerbeam:`; a member is `<process id>:<connection id>`):
 *   mb:<mid>     SET    members of mailbox <mid> (`n:<nameplate>` or `p:<paired-device id>`)
 *   in:<member>  STRING the <mid> the member is in
 *   active       ZSET   <mid> → last activity (ms); `sweep` expires the ones idle for the TTL
 *   waiting      SET    <mid>s with one side
 *   np           HASH   nameplate → `open`, or the end of its quarantine (ms)
 *   npq          ZSET   quarantined nameplate → end of quarantine; `sweep` frees them
 *   npc          HASH   range index → nameplates taken in that range (see nameplates.ts)
 *   rl:<name>:<address>  HASH  token bucket (t tokens, l last refill), PEXPIRE when full again;
 *                       <name>: allocate, claim, join, turn (TURN credentials for joined sessions)
 *   procs        SET    ids of the processes using this key space
 *   proc:<id>    STRING present while process <id> lives: refreshed every third of
 *                       REDIS_PROCESS_TIMEOUT_MS, with that as its PEXPIRE
 *   pm:<id>      SET    members of process <id> that are in a mailbox
 * `mb:` and `in:` keys also get a PEXPIRE of twice the mailbox TTL plus a minute, refreshed on
 * activity: if every process died, what they held still goes away. Channels: `ev:<process id>`.
 *
 * A process that drains (SIGTERM) releases its mailboxes itself. One that dies without doing
 * so stops refreshing `proc:<id>`; within a second of that key expiring another process
 * removes the dead one's members from their mailboxes and tells their peers they left.
 *
 * Times come from the process's clock (as in memory, so tests can drive them); processes
 * sharing a Redis need synchronised clocks (NTP), which they have anyway for TLS.
 * Not for Redis Cluster: the scripts touch keys they compute.
 */
import { randomBytes, randomInt as cryptoRandomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import type { Backend } from './backend.js';
import { errorName, silentLogger, type Logger } from './log.js';
import type {
  ConnectionId,
  MailboxErrorCode,
  MailboxEvent,
  MailboxStore,
  StoreResult,
  StoreStats,
} from './mailboxes.js';
import { NAMEPLATE_RANGES, type RandomInt } from './nameplates.js';
import type { Clock, RateLimiter } from './rate-limit.js';
import { Mood, SignalingErrorCode } from '../src/core/protocol.js';

export interface RedisBackendOptions {
  readonly url: string;
  readonly keyPrefix: string;
  readonly mailboxTtlMs: number;
  readonly nameplateQuarantineMs: number;
  readonly allocationsPerMinute: number;
  readonly claimsPerMinute: number;
  readonly joinsPerMinute: number;
  readonly turnGrantsPerHour: number;
  readonly now?: Clock;
  readonly randomInt?: RandomInt;
  readonly logger?: Logger;
  readonly connectTimeoutMs?: number;
  /** How long after its last refresh a silent process is taken as dead. Default 15 s. */
  readonly processTimeoutMs?: number;
}

/** Draws per nameplate range before moving to the next, as NameplatePool does. */
const DRAWS_PER_RANGE = 32;
/** Mailboxes (and quarantines) one sweep script handles; sweep repeats up to SWEEP_ROUNDS. */
const SWEEP_BATCH = 500;
const SWEEP_ROUNDS = 20;
const PROCESS_TIMEOUT_MS = 15_000;
/** How often a process looks for dead ones. */
const DEAD_CHECK_MS = 1000;

/** Mailbox scripts: each runs after lua/prelude.lua, which reads the shared ARGV (see there). */
const MAILBOX_SCRIPTS = [
  'allocate',
  'claim',
  'join',
  'relay',
  'leave',
  'alive',
  'reap',
  'retire',
  'sweep',
] as const;

/** Read once at startup, beside this file (the Docker image copies signaling/ whole). */
function readLua(name: string): string {
  return readFileSync(new URL(`./lua/${name}.lua`, import.meta.url), 'utf8');
}

type ScriptName = (typeof MAILBOX_SCRIPTS)[number] | 'rate';

const PRELUDE = readLua('prelude');
const SCRIPTS = Object.fromEntries([
  ...MAILBOX_SCRIPTS.map((name) => [name, PRELUDE + readLua(name)]),
  // The token bucket needs none of the mailbox helpers.
  ['rate', readLua('rate')],
]) as Record<ScriptName, string>;

type ScriptReply = [status: string, value: string, ...events: string[]];

const MOODS = new Set<string>(Mood.options);

function decodeEvent(text: string): MailboxEvent | null {
  switch (text[0]) {
    case 'P':
      return { type: 'paired' };
    case 'R':
      return { type: 'relay', body: text.slice(1) };
    case 'L': {
      const mood = text.slice(1);
      if (mood === '') return { type: 'peer-left', mood: undefined };
      return MOODS.has(mood) ? { type: 'peer-left', mood: mood as Mood } : null;
    }
    case 'X':
      return { type: 'expired' };
    default:
      return null;
  }
}

const fail = (code: MailboxErrorCode) => ({ ok: false, code }) as const;

/** Connects (command and subscriber connections) and loads the scripts. */
export async function createRedisBackend(options: RedisBackendOptions): Promise<Backend> {
  const logger = options.logger ?? silentLogger;
  const redisOptions = {
    lazyConnect: true,
    // Commands issued in one tick go out as one write: many relays, few syscalls.
    enableAutoPipelining: true,
    // During an outage a frame fails after a few reconnect attempts (the server closes that
    // connection with 1011) instead of waiting in a queue for minutes.
    maxRetriesPerRequest: 3,
    connectTimeout: options.connectTimeoutMs ?? 10_000,
  };
  const commands = new Redis(options.url, redisOptions);
  const subscriber = new Redis(options.url, { ...redisOptions, enableAutoPipelining: false });
  // Errors name their class only: their messages can carry the host and port from REDIS_URL.
  for (const [role, client] of [
    ['commands', commands],
    ['subscriber', subscriber],
  ] as const) {
    client.on('error', (error: unknown) =>
      logger.warn('redis.error', { role, error: errorName(error) }),
    );
  }
  try {
    await Promise.all([commands.connect(), subscriber.connect()]);
    const store = new RedisMailboxStore(commands, subscriber, options);
    await store.start();
    return {
      store,
      allocations: perMinute(store, 'allocate', options.allocationsPerMinute),
      claims: perMinute(store, 'claim', options.claimsPerMinute),
      joins: perMinute(store, 'join', options.joinsPerMinute),
      turnGrants: new RedisRateLimiter(
        store,
        'turn',
        options.turnGrantsPerHour,
        options.turnGrantsPerHour / 3_600_000,
      ),
    };
  } catch (error) {
    commands.disconnect();
    subscriber.disconnect();
    throw new Error(`cannot use Redis at REDIS_URL: ${errorName(error)}`);
  }
}

class RedisMailboxStore implements MailboxStore {
  readonly prefix: string;
  readonly now: Clock;
  private readonly processId = randomBytes(6).toString('hex');
  private readonly channel: string;
  private readonly randomInt: RandomInt;
  private readonly keepMs: number;
  private readonly deliveries = new Map<ConnectionId, (event: MailboxEvent) => void>();
  private readonly shas = new Map<ScriptName, string>();
  private readonly timers: NodeJS.Timeout[] = [];
  private closing: Promise<void> | null = null;

  private readonly logger: Logger;

  constructor(
    private readonly commands: Redis,
    private readonly subscriber: Redis,
    private readonly options: RedisBackendOptions,
  ) {
    this.logger = options.logger ?? silentLogger;
    this.prefix = options.keyPrefix;
    this.now = options.now ?? Date.now;
    this.randomInt = options.randomInt ?? cryptoRandomInt;
    this.channel = `${this.prefix}ev:${this.processId}`;
    this.keepMs = options.mailboxTtlMs * 2 + 60_000;
  }

  async start(): Promise<void> {
    this.subscriber.on('message', (_channel: string, message: string) => {
      const newline = message.indexOf('\n');
      const event = decodeEvent(message.slice(newline + 1));
      if (newline > 0 && event) this.deliver(message.slice(0, newline), event);
    });
    await this.subscriber.subscribe(this.channel);
    await Promise.all(Object.keys(SCRIPTS).map((name) => this.load(name as ScriptName)));
    const timeoutMs = this.options.processTimeoutMs ?? PROCESS_TIMEOUT_MS;
    await this.run('alive', '', String(timeoutMs));
    // Errors are logged: a missed beat or check is retried on the next tick.
    const every = (ms: number, task: () => Promise<unknown>) => {
      const timer = setInterval(() => {
        task().catch((error: unknown) =>
          this.logger.warn('redis.background-failed', { error: errorName(error) }),
        );
      }, ms);
      timer.unref();
      this.timers.push(timer);
    };
    every(timeoutMs / 3, () => this.run('alive', '', String(timeoutMs)));
    every(DEAD_CHECK_MS, () => this.reapDead());
  }

  /** Takes the members of processes that died without draining out of their mailboxes. */
  async reapDead(): Promise<void> {
    for (let round = 0; round < SWEEP_ROUNDS; round++) {
      const [, handled] = await this.run('reap', '', String(SWEEP_BATCH));
      if (Number(handled) < SWEEP_BATCH) return;
    }
  }

  async connect(conn: ConnectionId, deliver: (event: MailboxEvent) => void): Promise<void> {
    this.deliveries.set(conn, deliver);
  }

  async disconnect(conn: ConnectionId): Promise<void> {
    if (!this.deliveries.has(conn)) return;
    await this.run('leave', conn, '');
    this.deliveries.delete(conn);
  }

  async allocate(conn: ConnectionId): Promise<StoreResult<{ nameplate: string }>> {
    const maxima = NAMEPLATE_RANGES.map(String);
    for (const [index, max] of NAMEPLATE_RANGES.entries()) {
      for (let draw = 0; draw < DRAWS_PER_RANGE; draw++) {
        const candidate = String(this.randomInt(1, max + 1));
        const [status, value] = await this.run(
          'allocate',
          conn,
          String(index + 1),
          candidate,
          ...maxima,
        );
        if (status === 'ok') return { ok: true, nameplate: value };
        if (status === 'RANGE_FULL') break;
        if (status !== 'TAKEN') return fail(status as MailboxErrorCode);
      }
    }
    return fail(SignalingErrorCode.NAMEPLATES_EXHAUSTED);
  }

  async claim(conn: ConnectionId, nameplate: string): Promise<StoreResult> {
    const [status] = await this.run('claim', conn, nameplate);
    return status === 'ok' ? { ok: true } : fail(status as MailboxErrorCode);
  }

  async join(conn: ConnectionId, mailbox: string): Promise<StoreResult<{ peerPresent: boolean }>> {
    const [status, value] = await this.run('join', conn, mailbox);
    return status === 'ok'
      ? { ok: true, peerPresent: value === '1' }
      : fail(status as MailboxErrorCode);
  }

  async relay(conn: ConnectionId, body: string): Promise<StoreResult> {
    const [status] = await this.run('relay', conn, body);
    return status === 'ok' ? { ok: true } : fail(status as MailboxErrorCode);
  }

  async release(conn: ConnectionId, mood: Mood): Promise<void> {
    await this.run('leave', conn, mood);
  }

  async sweep(): Promise<void> {
    const maxima = NAMEPLATE_RANGES.map(String);
    for (let round = 0; round < SWEEP_ROUNDS; round++) {
      const [, handled] = await this.run(
        'sweep',
        '',
        String(this.options.mailboxTtlMs),
        String(SWEEP_BATCH),
        ...maxima,
      );
      if (Number(handled) < SWEEP_BATCH) return;
    }
  }

  async stats(): Promise<StoreStats> {
    const [mailboxes, waiting, quarantined] = await Promise.all([
      this.commands.zcard(this.prefix + 'active'),
      this.commands.scard(this.prefix + 'waiting'),
      this.commands.zcard(this.prefix + 'npq'),
    ]);
    return {
      connections: this.deliveries.size,
      mailboxes,
      waiting,
      quarantinedNameplates: quarantined,
    };
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const timer of this.timers) clearInterval(timer);
      this.deliveries.clear();
      await this.run('retire', '').catch(() => {});
      await Promise.allSettled([this.subscriber.quit(), this.commands.quit()]);
      this.subscriber.disconnect();
      this.commands.disconnect();
    })();
    return this.closing;
  }

  /** Runs a token-bucket script; used by RedisRateLimiter. */
  async takeToken(key: string, capacity: number, refillPerMs: number): Promise<boolean> {
    const allowed = await this.evalScript('rate', [
      this.prefix + key,
      String(capacity),
      String(refillPerMs),
      String(this.now()),
    ]);
    return allowed === 1;
  }

  /** Runs a mailbox script as `conn` and delivers the events it returns for this process. */
  private async run(name: ScriptName, conn: ConnectionId, ...args: string[]) {
    const reply = (await this.evalScript(name, [
      this.prefix,
      this.processId,
      String(this.now()),
      String(this.keepMs),
      String(this.options.nameplateQuarantineMs),
      conn === '' ? '' : `${this.processId}:${conn}`,
      ...args,
    ])) as ScriptReply;
    for (let i = 2; i + 1 < reply.length; i += 2) {
      const event = decodeEvent(reply[i + 1] ?? '');
      if (event) this.deliver(reply[i] ?? '', event);
    }
    return reply;
  }

  private async evalScript(name: ScriptName, args: string[]): Promise<unknown> {
    const sha = this.shas.get(name) ?? (await this.load(name));
    try {
      return await this.commands.evalsha(sha, 0, ...args);
    } catch (error) {
      // Redis restarted (or SCRIPT FLUSH): load it again, once.
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return this.commands.evalsha(await this.load(name), 0, ...args);
    }
  }

  private async load(name: ScriptName): Promise<string> {
    const sha = (await this.commands.script('LOAD', SCRIPTS[name])) as string;
    this.shas.set(name, sha);
    return sha;
  }

  private deliver(conn: ConnectionId, event: MailboxEvent): void {
    this.deliveries.get(conn)?.(event);
  }
}

const perMinute = (store: RedisMailboxStore, name: string, count: number) =>
  new RedisRateLimiter(store, name, count, count / 60_000);

/** A token bucket per key in Redis, as KeyedTokenBuckets in rate-limit.ts. */
class RedisRateLimiter implements RateLimiter {
  constructor(
    private readonly store: RedisMailboxStore,
    private readonly name: string,
    private readonly capacity: number,
    private readonly refillPerMs: number,
  ) {}

  take(key: string): Promise<boolean> {
    if (this.capacity < 1) return Promise.resolve(false);
    return this.store.takeToken(`rl:${this.name}:${key}`, this.capacity, this.refillPerMs);
  }

  /** Buckets expire in Redis once full again. */
  prune(): void {}
}
