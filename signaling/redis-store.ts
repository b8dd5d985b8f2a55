/**
 * The `MailboxStore` (and the per-address rate limits and TURN budget) in Redis, for several
 * processes behind a load balancer: the two sides of a mailbox may be connected to different
 * processes.
 *
 * Every operation is one Lua script, so it is atomic across processes, and it tells the peer
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
import { Redis } from 'ioredis';
import type { Backend } from './backend.js';
import { silentLogger, type Logger } from './log.js';
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

/**
 * Shared by every script. ARGV: 1 prefix, 2 this process's id, 3 now (ms), 4 safety TTL of
 * state keys (ms), 5 quarantine (ms), 6 the calling member; script-specific ones from 7.
 * Reply: { status, value, conn, event, conn, event, … } with this process's events.
 */
const PRELUDE = `
local P = ARGV[1]
local ME = ARGV[2]
local NOW = tonumber(ARGV[3])
local KEEP = tonumber(ARGV[4])
local QUARANTINE = tonumber(ARGV[5])
local self = ARGV[6]
local events = {}

local function split(member)
  local at = string.find(member, ':', 1, true)
  return string.sub(member, 1, at - 1), string.sub(member, at + 1)
end

local function tell(member, event)
  local proc, conn = split(member)
  if proc == ME then
    events[#events + 1] = conn
    events[#events + 1] = event
  else
    redis.call('PUBLISH', P .. 'ev:' .. proc, conn .. '\\n' .. event)
  end
end

local function finish(status, value)
  local reply = { status, value or '' }
  for i = 1, #events do reply[#reply + 1] = events[i] end
  return reply
end

local function peer_of(members)
  for _, member in ipairs(members) do
    if member ~= self then return member end
  end
  return nil
end

local function enter(mid)
  local key = P .. 'mb:' .. mid
  redis.call('SADD', key, self)
  redis.call('PEXPIRE', key, KEEP)
  redis.call('SET', P .. 'in:' .. self, mid, 'PX', KEEP)
  redis.call('SADD', P .. 'pm:' .. ME, self)
  redis.call('ZADD', P .. 'active', NOW, mid)
end

local function forget(member)
  redis.call('DEL', P .. 'in:' .. member)
  redis.call('SREM', P .. 'pm:' .. split(member), member)
end

-- Removes every member and the mailbox; a nameplate goes into quarantine. Returns the members.
local function close(mid)
  local key = P .. 'mb:' .. mid
  local members = redis.call('SMEMBERS', key)
  for _, member in ipairs(members) do
    if redis.call('GET', P .. 'in:' .. member) == mid then forget(member) end
  end
  redis.call('DEL', key)
  redis.call('ZREM', P .. 'active', mid)
  redis.call('SREM', P .. 'waiting', mid)
  if string.sub(mid, 1, 2) == 'n:' then
    local nameplate = string.sub(mid, 3)
    if redis.call('HEXISTS', P .. 'np', nameplate) == 1 then
      local untilMs = NOW + QUARANTINE
      redis.call('HSET', P .. 'np', nameplate, untilMs)
      redis.call('ZADD', P .. 'npq', untilMs, nameplate)
    end
  end
  return members
end

-- Takes \`member\` out of its mailbox (a nameplate one closes); the peer hears 'L' .. mood.
local function leave(member, mood)
  local mid = redis.call('GET', P .. 'in:' .. member)
  if not mid then return end
  local key = P .. 'mb:' .. mid
  local peer = nil
  for _, other in ipairs(redis.call('SMEMBERS', key)) do
    if other ~= member then peer = other end
  end
  if string.sub(mid, 1, 2) == 'n:' then
    close(mid)
  else
    redis.call('SREM', key, member)
    forget(member)
    if redis.call('SCARD', key) == 0 then
      redis.call('ZREM', P .. 'active', mid)
      redis.call('SREM', P .. 'waiting', mid)
    else
      redis.call('SADD', P .. 'waiting', mid)
    end
  end
  if peer then tell(peer, 'L' .. mood) end
end
`;

/** Allocate, claim and join need the caller outside any mailbox. */
const NEEDS_FREE_SIDE = `
if redis.call('EXISTS', P .. 'in:' .. self) == 1 then return finish('ALREADY_IN_MAILBOX') end
`;

function script(body: string, needsFreeSide: boolean): string {
  return PRELUDE + (needsFreeSide ? NEEDS_FREE_SIDE : '') + body;
}

const SCRIPTS = {
  /** 7 range index (1-based), 8 candidate nameplate, 9… range maxima. */
  allocate: script(
    `
local index = tonumber(ARGV[7])
local max = tonumber(ARGV[8 + index])
local taken = tonumber(redis.call('HGET', P .. 'npc', index) or '0')
if taken >= max / 2 then return finish('RANGE_FULL') end
local nameplate = ARGV[8]
if redis.call('HEXISTS', P .. 'np', nameplate) == 1 then return finish('TAKEN') end
redis.call('HSET', P .. 'np', nameplate, 'open')
local value = tonumber(nameplate)
for i = 9, #ARGV do
  if value <= tonumber(ARGV[i]) then redis.call('HINCRBY', P .. 'npc', i - 8, 1) end
end
local mid = 'n:' .. nameplate
enter(mid)
redis.call('SADD', P .. 'waiting', mid)
return finish('ok', nameplate)
`,
    true,
  ),

  /** 7 nameplate. */
  claim: script(
    `
local mid = 'n:' .. ARGV[7]
local members = redis.call('SMEMBERS', P .. 'mb:' .. mid)
if #members == 0 then return finish('NO_SUCH_NAMEPLATE') end
if #members >= 2 then return finish('MAILBOX_FULL') end
enter(mid)
redis.call('PEXPIRE', P .. 'in:' .. members[1], KEEP)
redis.call('SREM', P .. 'waiting', mid)
tell(members[1], 'P')
return finish('ok')
`,
    true,
  ),

  /** 7 paired-device mailbox id. */
  join: script(
    `
local mid = 'p:' .. ARGV[7]
local members = redis.call('SMEMBERS', P .. 'mb:' .. mid)
if #members >= 2 then return finish('MAILBOX_FULL') end
enter(mid)
if #members == 0 then
  redis.call('SADD', P .. 'waiting', mid)
  return finish('ok', '0')
end
redis.call('PEXPIRE', P .. 'in:' .. members[1], KEEP)
redis.call('SREM', P .. 'waiting', mid)
tell(members[1], 'P')
return finish('ok', '1')
`,
    true,
  ),

  /** 7 body. */
  relay: script(
    `
local mid = redis.call('GET', P .. 'in:' .. self)
if not mid then return finish('NOT_IN_MAILBOX') end
local key = P .. 'mb:' .. mid
local peer = peer_of(redis.call('SMEMBERS', key))
if not peer then return finish('NO_PEER') end
redis.call('ZADD', P .. 'active', 'XX', NOW, mid)
-- The safety TTLs were set together; renewing them once half gone is enough.
if redis.call('PTTL', key) < KEEP / 2 then
  redis.call('PEXPIRE', key, KEEP)
  redis.call('PEXPIRE', P .. 'in:' .. self, KEEP)
  redis.call('PEXPIRE', P .. 'in:' .. peer, KEEP)
end
tell(peer, 'R' .. ARGV[7])
return finish('ok')
`,
    false,
  ),

  /** 7 mood, or '' for a disconnect. */
  leave: script(
    `
leave(self, ARGV[7])
return finish('ok')
`,
    false,
  ),

  /** 7 process timeout (ms). Marks this process alive. */
  alive: script(
    `
redis.call('SET', P .. 'proc:' .. ME, '1', 'PX', tonumber(ARGV[7]))
redis.call('SADD', P .. 'procs', ME)
return finish('ok')
`,
    false,
  ),

  /** 7 batch size. Takes the members of dead processes out of their mailboxes. */
  reap: script(
    `
local limit = tonumber(ARGV[7])
local handled = 0
for _, proc in ipairs(redis.call('SMEMBERS', P .. 'procs')) do
  if proc ~= ME and redis.call('EXISTS', P .. 'proc:' .. proc) == 0 then
    local members = redis.call('SPOP', P .. 'pm:' .. proc, limit - handled)
    for _, member in ipairs(members) do leave(member, '') end
    handled = handled + #members
    if redis.call('SCARD', P .. 'pm:' .. proc) == 0 then redis.call('SREM', P .. 'procs', proc) end
    if handled >= limit then break end
  end
end
return finish('ok', tostring(handled))
`,
    false,
  ),

  /** This process is leaving (its connections have already left their mailboxes). */
  retire: script(
    `
redis.call('DEL', P .. 'proc:' .. ME)
redis.call('DEL', P .. 'pm:' .. ME)
redis.call('SREM', P .. 'procs', ME)
return finish('ok')
`,
    false,
  ),

  /** 7 mailbox TTL (ms), 8 batch size, 9… range maxima. Value: how many it handled. */
  sweep: script(
    `
local limit = tonumber(ARGV[8])
local expired = redis.call('ZRANGEBYSCORE', P .. 'active', '-inf', NOW - tonumber(ARGV[7]), 'LIMIT', 0, limit)
for _, mid in ipairs(expired) do
  for _, member in ipairs(close(mid)) do tell(member, 'X') end
end
local freed = redis.call('ZRANGEBYSCORE', P .. 'npq', '-inf', NOW, 'LIMIT', 0, limit)
for _, nameplate in ipairs(freed) do
  redis.call('ZREM', P .. 'npq', nameplate)
  if redis.call('HGET', P .. 'np', nameplate) ~= 'open' then
    redis.call('HDEL', P .. 'np', nameplate)
    local value = tonumber(nameplate)
    for i = 9, #ARGV do
      if value <= tonumber(ARGV[i]) then redis.call('HINCRBY', P .. 'npc', i - 8, -1) end
    end
  end
end
return finish('ok', tostring(math.max(#expired, #freed)))
`,
    false,
  ),

  /** A token bucket, as TokenBucket in rate-limit.ts. ARGV: key, capacity, refill per ms, now. */
  rate: `
local key = ARGV[1]
local capacity = tonumber(ARGV[2])
local rate = tonumber(ARGV[3])
local now = tonumber(ARGV[4])
local state = redis.call('HMGET', key, 't', 'l')
local tokens = tonumber(state[1]) or capacity
local last = tonumber(state[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - last) * rate)
local allowed = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
end
redis.call('HSET', key, 't', tostring(tokens), 'l', tostring(now))
redis.call('PEXPIRE', key, math.ceil((capacity - tokens) / rate) + 1000)
return allowed
`,
} as const;

type ScriptName = keyof typeof SCRIPTS;
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

function errorName(error: unknown): string {
  if (error instanceof Error) return (error as NodeJS.ErrnoException).code ?? error.name;
  return typeof error;
}

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
