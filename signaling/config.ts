/**
 * Configuration of the signaling service, read from environment variables. `CONFIG_VARS` is the
 * single source of names, defaults and meanings: `loadConfig` reads it and the README's table
 * is rendered from it, so the two cannot drift apart.
 */
import { IceServer } from '../src/core/protocol.js';

export interface TurnConfig {
  readonly urls: readonly string[];
  readonly secret: string;
  readonly ttlSeconds: number;
}

export interface Config {
  readonly host: string;
  readonly port: number;
  readonly maxFrameBytes: number;
  /** Sustained frames per second per connection, and the burst allowed above it. */
  readonly frameRate: number;
  readonly frameBurst: number;
  /** Sustained frames per second from one client address (all its connections), and its burst. */
  readonly frameRatePerIp: number;
  readonly frameBurstPerIp: number;
  /** Open connections per process, and per client address. */
  readonly maxConnections: number;
  readonly maxConnectionsPerIp: number;
  /** Mailboxes the connections of one client address may be in at once. */
  readonly maxMailboxesPerIp: number;
  readonly allocationsPerMinute: number;
  readonly claimsPerMinute: number;
  /** Paired-device mailbox joins per client address. */
  readonly joinsPerMinute: number;
  /** TURN credentials per client address per hour for paired-device (joined) sessions; 0: none. */
  readonly turnGrantsPerHour: number;
  readonly mailboxTtlMs: number;
  readonly helloTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  readonly nameplateQuarantineMs: number;
  /** STUN servers handed to every paired client. */
  readonly iceServers: readonly IceServer[];
  /** Null when TURN is not configured. */
  readonly turn: TurnConfig | null;
  readonly trustProxy: boolean;
  /** Null: one process, state in memory. Set: state shared with other processes through Redis. */
  readonly redisUrl: string | null;
  readonly redisKeyPrefix: string;
  /** A process silent in Redis this long is taken as dead; its clients' peers hear they left. */
  readonly redisProcessTimeoutMs: number;
  readonly logLevel: LogLevel;
}

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

interface VarSpec {
  readonly default: string;
  readonly meaning: string;
}

export const CONFIG_VARS = {
  HOST: {
    default: '127.0.0.1',
    meaning: 'Address to listen on; `0.0.0.0` or `::` to accept connections from other hosts.',
  },
  PORT: { default: '8787', meaning: 'TCP port; `0` picks any free port.' },
  MAX_FRAME_BYTES: {
    default: '65536',
    meaning: 'Largest WebSocket frame accepted; larger frames close the connection (4002).',
  },
  FRAME_RATE: {
    default: '20',
    meaning:
      'Frames per second a connection may send, sustained. Clients pace themselves to 10 (src/core/frame-pacer.ts): keep it above that.',
  },
  FRAME_BURST: {
    default: '60',
    meaning:
      'Frames a connection may send in a burst above FRAME_RATE before it is closed (4003). Clients send at most 30 at once: keep it above that.',
  },
  FRAME_RATE_PER_IP: {
    default: '200',
    meaning: 'Frames per second all connections from one client address may send, sustained.',
  },
  FRAME_BURST_PER_IP: {
    default: '600',
    meaning:
      'Burst above FRAME_RATE_PER_IP; the connection whose frame goes over it is closed (4003).',
  },
  MAX_CONNECTIONS: {
    default: '50000',
    meaning: 'Open connections per process; more are closed with 1013 (try again later).',
  },
  MAX_CONNECTIONS_PER_IP: {
    default: '64',
    meaning: 'Open connections per client address (IPv6: per /64); more are closed (4007).',
  },
  MAX_MAILBOXES_PER_IP: {
    default: '32',
    meaning:
      'Mailboxes the connections of one client address may be in at once; past it allocate, claim and join get `RATE_LIMITED`.',
  },
  ALLOCATIONS_PER_MINUTE: { default: '30', meaning: 'Nameplate allocations per client address.' },
  CLAIMS_PER_MINUTE: {
    default: '30',
    meaning: 'Nameplate claims per client address (each claim is one guess).',
  },
  JOINS_PER_MINUTE: {
    default: '30',
    meaning: 'Paired-device mailbox joins per client address; past it `join` gets `RATE_LIMITED`.',
  },
  TURN_GRANTS_PER_HOUR: {
    default: '10',
    meaning:
      'TURN credentials per client address per hour for paired-device sessions (the server cannot check their PAKE, so anyone can make one up); past it they pair with STUN only (`paired` says `turn: "withheld"`). `0`: never. Sessions paired by code are not counted.',
  },
  MAILBOX_TTL_SECONDS: {
    default: '1800',
    meaning: 'A mailbox idle this long expires; its members are closed (4006).',
  },
  HELLO_TIMEOUT_MS: {
    default: '10000',
    meaning: 'Time a new connection has to send `hello` before it is closed (4005).',
  },
  HEARTBEAT_INTERVAL_MS: {
    default: '15000',
    meaning:
      'WebSocket ping interval; a client that misses a pong for a full interval is closed (4004).',
  },
  NAMEPLATE_QUARANTINE_SECONDS: {
    default: '600',
    meaning:
      'How long a used nameplate is kept out of allocation, so a stale code cannot reach a new mailbox.',
  },
  ICE_SERVERS: {
    default: '[]',
    meaning:
      'JSON array of STUN servers for clients, e.g. `[{"urls":["stun:stun.example.org:3478"]}]`.',
  },
  TURN_URLS: {
    default: '',
    meaning:
      'Comma-separated `turn:`/`turns:` URLs of a coturn server; set together with TURN_SECRET.',
  },
  TURN_SECRET: {
    default: '',
    meaning:
      "coturn's `static-auth-secret` (at least 16 characters); sessions paired by code, and paired-device sessions within TURN_GRANTS_PER_HOUR, get credentials minted from it.",
  },
  TURN_TTL_SECONDS: { default: '14400', meaning: 'Lifetime of minted TURN credentials.' },
  TRUST_PROXY: {
    default: 'false',
    meaning:
      'Take the client address from the last `X-Forwarded-For` entry; set only behind exactly one reverse proxy.',
  },
  REDIS_URL: {
    default: '',
    meaning:
      'Share mailboxes, nameplates and rate limits with other processes through Redis, e.g. `redis://:password@redis:6379/0` (`rediss://` for TLS). Unset: one process, in memory.',
  },
  REDIS_KEY_PREFIX: {
    default: 'peerbeam:',
    meaning: 'Prefix of every Redis key and channel, so several deployments can share one Redis.',
  },
  REDIS_PROCESS_TIMEOUT_MS: {
    default: '15000',
    meaning:
      'With Redis: a process that stops refreshing its presence (it crashed, or lost Redis) for this long is taken as dead, and the peers of its clients are told they left.',
  },
  LOG_LEVEL: {
    default: 'info',
    meaning:
      'JSON log lines on stdout at this level and above: `debug`, `info`, `warn`, `error` or `silent`.',
  },
} as const satisfies Record<string, VarSpec>;

export type ConfigVar = keyof typeof CONFIG_VARS;

export const CONFIG_TABLE: readonly { name: ConfigVar; default: string; meaning: string }[] = (
  Object.keys(CONFIG_VARS) as ConfigVar[]
).map((name) => ({ name, ...CONFIG_VARS[name] }));

/** The table above as Markdown, for the README. */
export function renderConfigTable(): string {
  const cell = (text: string) => text.replaceAll('|', '\\|');
  const rows = CONFIG_TABLE.map(
    (v) =>
      `| \`${v.name}\` | ${v.default === '' ? '(none)' : `\`${cell(v.default)}\``} | ${cell(v.meaning)} |`,
  );
  return ['| Variable | Default | Meaning |', '| --- | --- | --- |', ...rows].join('\n') + '\n';
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid signaling configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

const MAX_ICE_ENTRIES = 8; // ServerFrame 'paired' carries at most 8 ICE servers
const DAY_SECONDS = 86_400;

export function loadConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
): Config {
  const problems: string[] = [];
  // Unset and empty are the same, so `PORT=` in a compose file means "default".
  const read = (name: ConfigVar): string => env[name]?.trim() || CONFIG_VARS[name].default;

  const number = (name: ConfigVar, min: number, max: number, integer: boolean): number => {
    const text = read(name);
    const value = Number(text);
    const pattern = integer ? /^-?\d+$/ : /^-?\d+(\.\d+)?$/;
    if (!pattern.test(text) || value < min || value > max) {
      const kind = integer ? 'an integer' : 'a number';
      problems.push(`${name} must be ${kind} from ${min} to ${max}, got ${JSON.stringify(text)}`);
      return Number(CONFIG_VARS[name].default);
    }
    return value;
  };
  const int = (name: ConfigVar, min: number, max: number) => number(name, min, max, true);

  const host = read('HOST');
  if (!/^[A-Za-z0-9.:_-]+$/.test(host)) {
    problems.push(`HOST must be a host name or an IP address, got ${JSON.stringify(host)}`);
  }

  const trustProxyText = read('TRUST_PROXY').toLowerCase();
  const trustProxy = ['1', 'true', 'yes'].includes(trustProxyText);
  if (!trustProxy && !['0', 'false', 'no'].includes(trustProxyText)) {
    problems.push(`TRUST_PROXY must be true or false, got ${JSON.stringify(read('TRUST_PROXY'))}`);
  }

  const redisUrlText = read('REDIS_URL');
  let redisUrl: string | null = null;
  if (redisUrlText !== '') {
    // The URL may carry a password: the message never quotes it.
    if (/^rediss?:\/\/[^\s]+$/.test(redisUrlText)) redisUrl = redisUrlText;
    else problems.push('REDIS_URL must be a redis:// or rediss:// URL');
  }
  const redisKeyPrefix = read('REDIS_KEY_PREFIX');
  if (!/^[A-Za-z0-9:_.{}-]{1,64}$/.test(redisKeyPrefix)) {
    problems.push(
      `REDIS_KEY_PREFIX must be 1 to 64 letters, digits or :_.{}-, got ${JSON.stringify(redisKeyPrefix)}`,
    );
  }
  const logLevelText = read('LOG_LEVEL').toLowerCase();
  const logLevel = LOG_LEVELS.find((level) => level === logLevelText);
  if (logLevel === undefined) {
    problems.push(
      `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(read('LOG_LEVEL'))}`,
    );
  }

  const iceServers = parseIceServers(read('ICE_SERVERS'), problems);
  const turn = parseTurn(read('TURN_URLS'), read('TURN_SECRET'), problems, () =>
    int('TURN_TTL_SECONDS', 60, 7 * DAY_SECONDS),
  );
  if (iceServers.length + (turn ? 1 : 0) > MAX_ICE_ENTRIES) {
    problems.push(`ICE_SERVERS and TURN together may list at most ${MAX_ICE_ENTRIES} entries`);
  }

  const config: Config = {
    host,
    port: int('PORT', 0, 65_535),
    maxFrameBytes: int('MAX_FRAME_BYTES', 1024, 1 << 20),
    frameRate: number('FRAME_RATE', 0.1, 10_000, false),
    frameBurst: int('FRAME_BURST', 1, 100_000),
    frameRatePerIp: number('FRAME_RATE_PER_IP', 0.1, 1_000_000, false),
    frameBurstPerIp: int('FRAME_BURST_PER_IP', 1, 10_000_000),
    maxConnections: int('MAX_CONNECTIONS', 1, 10_000_000),
    maxConnectionsPerIp: int('MAX_CONNECTIONS_PER_IP', 1, 1_000_000),
    maxMailboxesPerIp: int('MAX_MAILBOXES_PER_IP', 1, 1_000_000),
    allocationsPerMinute: int('ALLOCATIONS_PER_MINUTE', 1, 1_000_000),
    claimsPerMinute: int('CLAIMS_PER_MINUTE', 1, 1_000_000),
    joinsPerMinute: int('JOINS_PER_MINUTE', 1, 1_000_000),
    turnGrantsPerHour: int('TURN_GRANTS_PER_HOUR', 0, 1_000_000),
    mailboxTtlMs: int('MAILBOX_TTL_SECONDS', 1, 7 * DAY_SECONDS) * 1000,
    helloTimeoutMs: int('HELLO_TIMEOUT_MS', 100, 600_000),
    heartbeatIntervalMs: int('HEARTBEAT_INTERVAL_MS', 100, 600_000),
    nameplateQuarantineMs: int('NAMEPLATE_QUARANTINE_SECONDS', 0, DAY_SECONDS) * 1000,
    iceServers,
    turn,
    trustProxy,
    redisUrl,
    redisKeyPrefix,
    redisProcessTimeoutMs: int('REDIS_PROCESS_TIMEOUT_MS', 1000, 600_000),
    logLevel: logLevel ?? 'info',
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

function parseIceServers(text: string, problems: string[]): IceServer[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    problems.push('ICE_SERVERS must be JSON, e.g. [{"urls":["stun:stun.example.org:3478"]}]');
    return [];
  }
  const parsed = IceServer.array().safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
    problems.push(`ICE_SERVERS must be an array of {"urls":[...]}${where}: ${issue?.message}`);
    return [];
  }
  // Long-lived TURN credentials in a public config would let anyone relay through our TURN
  // server forever; TURN goes through TURN_URLS + TURN_SECRET, which mint expiring ones.
  const urls = parsed.data.flatMap((server) => server.urls);
  const notStun = urls.find((url) => !/^stuns?:/.test(url));
  if (notStun !== undefined) {
    problems.push(
      `ICE_SERVERS lists only stun: or stuns: URLs (use TURN_URLS and TURN_SECRET for TURN), got ${JSON.stringify(notStun)}`,
    );
    return [];
  }
  return parsed.data;
}

function parseTurn(
  urlsText: string,
  secret: string,
  problems: string[],
  readTtl: () => number,
): TurnConfig | null {
  const ttlSeconds = readTtl();
  if (urlsText === '' && secret === '') return null;
  // One without the other is almost always a deployment mistake that would silently break
  // clients behind symmetric NATs, so say so instead of starting without TURN.
  if (urlsText === '' || secret === '') {
    problems.push('TURN_URLS and TURN_SECRET must be set together (or neither, for no TURN)');
    return null;
  }
  const urls = urlsText
    .split(',')
    .map((url) => url.trim())
    .filter((url) => url !== '');
  const bad = urls.find((url) => !/^turns?:[^\s]+$/.test(url) || url.length > 512);
  if (bad !== undefined) {
    problems.push(`TURN_URLS entries must be turn: or turns: URLs, got ${JSON.stringify(bad)}`);
  }
  if (urls.length > MAX_ICE_ENTRIES) {
    problems.push(`TURN_URLS may list at most ${MAX_ICE_ENTRIES} URLs`);
  }
  // The secret is never echoed back: error messages end up in logs.
  if (secret.length < 16) problems.push('TURN_SECRET must be at least 16 characters long');
  return { urls, secret, ttlSeconds };
}
