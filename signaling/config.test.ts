import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIG_TABLE, ConfigError, loadConfig, renderConfigTable } from './config.js';

const SECRET = 'a-long-enough-secret';

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('uses the documented defaults when nothing is set', () => {
    expect(loadConfig({})).toEqual({
      host: '127.0.0.1',
      port: 8787,
      maxFrameBytes: 65_536,
      frameRate: 20,
      frameBurst: 60,
      frameRatePerIp: 200,
      frameBurstPerIp: 600,
      maxConnections: 50_000,
      maxConnectionsPerIp: 64,
      maxMailboxesPerIp: 32,
      allocationsPerMinute: 30,
      claimsPerMinute: 30,
      joinsPerMinute: 30,
      turnGrantsPerHour: 10,
      mailboxTtlMs: 1_800_000,
      helloTimeoutMs: 10_000,
      heartbeatIntervalMs: 15_000,
      nameplateQuarantineMs: 600_000,
      iceServers: [],
      turn: null,
      trustProxy: false,
      redisUrl: null,
      redisKeyPrefix: 'peerbeam:',
      redisProcessTimeoutMs: 15_000,
      logLevel: 'info',
    });
  });

  it('reads every variable, converting seconds to milliseconds', () => {
    const config = loadConfig({
      HOST: '0.0.0.0',
      PORT: '0',
      MAX_FRAME_BYTES: '4096',
      FRAME_RATE: '2.5',
      FRAME_BURST: '5',
      FRAME_RATE_PER_IP: '50.5',
      FRAME_BURST_PER_IP: '70',
      MAX_CONNECTIONS: '1000',
      MAX_CONNECTIONS_PER_IP: '3',
      MAX_MAILBOXES_PER_IP: '2',
      ALLOCATIONS_PER_MINUTE: '4',
      CLAIMS_PER_MINUTE: '6',
      JOINS_PER_MINUTE: '7',
      TURN_GRANTS_PER_HOUR: '0',
      MAILBOX_TTL_SECONDS: '60',
      HELLO_TIMEOUT_MS: '500',
      HEARTBEAT_INTERVAL_MS: '1000',
      NAMEPLATE_QUARANTINE_SECONDS: '0',
      ICE_SERVERS: '[{"urls":["stun:stun.example.org:3478"]}]',
      TURN_URLS: 'turn:turn.example.org:3478?transport=udp, turns:turn.example.org:5349',
      TURN_SECRET: SECRET,
      TURN_TTL_SECONDS: '600',
      TRUST_PROXY: 'true',
      REDIS_URL: 'redis://:pw@redis.internal:6379/2',
      REDIS_KEY_PREFIX: 'pb-eu:',
      REDIS_PROCESS_TIMEOUT_MS: '5000',
      LOG_LEVEL: 'WARN',
    });
    expect(config).toEqual({
      host: '0.0.0.0',
      port: 0,
      maxFrameBytes: 4096,
      frameRate: 2.5,
      frameBurst: 5,
      frameRatePerIp: 50.5,
      frameBurstPerIp: 70,
      maxConnections: 1000,
      maxConnectionsPerIp: 3,
      maxMailboxesPerIp: 2,
      allocationsPerMinute: 4,
      claimsPerMinute: 6,
      joinsPerMinute: 7,
      turnGrantsPerHour: 0,
      mailboxTtlMs: 60_000,
      helloTimeoutMs: 500,
      heartbeatIntervalMs: 1000,
      nameplateQuarantineMs: 0,
      iceServers: [{ urls: ['stun:stun.example.org:3478'] }],
      turn: {
        urls: ['turn:turn.example.org:3478?transport=udp', 'turns:turn.example.org:5349'],
        secret: SECRET,
        ttlSeconds: 600,
      },
      trustProxy: true,
      redisUrl: 'redis://:pw@redis.internal:6379/2',
      redisKeyPrefix: 'pb-eu:',
      redisProcessTimeoutMs: 5000,
      logLevel: 'warn',
    });
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '', TURN_URLS: ' ', TURN_SECRET: '' })).toMatchObject({
      port: 8787,
      turn: null,
    });
  });

  it.each([
    ['PORT', 'http', 'PORT must be an integer from 0 to 65535, got "http"'],
    ['PORT', '70000', 'PORT must be an integer from 0 to 65535, got "70000"'],
    ['MAX_FRAME_BYTES', '0', 'MAX_FRAME_BYTES must be an integer from 1024 to 1048576, got "0"'],
    ['FRAME_RATE', 'fast', 'FRAME_RATE must be a number from 0.1 to 10000, got "fast"'],
    ['FRAME_BURST', '1.5', 'FRAME_BURST must be an integer from 1 to 100000, got "1.5"'],
    [
      'MAILBOX_TTL_SECONDS',
      '-5',
      'MAILBOX_TTL_SECONDS must be an integer from 1 to 604800, got "-5"',
    ],
    ['HOST', 'local host', 'HOST must be a host name or an IP address, got "local host"'],
    ['TRUST_PROXY', 'maybe', 'TRUST_PROXY must be true or false, got "maybe"'],
    [
      'REDIS_KEY_PREFIX',
      'a b',
      'REDIS_KEY_PREFIX must be 1 to 64 letters, digits or :_.{}-, got "a b"',
    ],
    ['LOG_LEVEL', 'loud', 'LOG_LEVEL must be one of debug, info, warn, error, silent, got "loud"'],
    ['MAX_CONNECTIONS', '0', 'MAX_CONNECTIONS must be an integer from 1 to 10000000, got "0"'],
  ])('rejects %s=%s with a clear message', (name, value, message) => {
    expect(problemsOf({ [name]: value })).toEqual([message]);
  });

  it('rejects ICE_SERVERS that are not JSON, not the right shape, or not STUN', () => {
    expect(problemsOf({ ICE_SERVERS: 'stun:x' })[0]).toMatch(/^ICE_SERVERS must be JSON/);
    expect(problemsOf({ ICE_SERVERS: '[{"url":"stun:x"}]' })[0]).toMatch(
      /^ICE_SERVERS must be an array of \{"urls":\[\.\.\.\]\} at 0/,
    );
    expect(problemsOf({ ICE_SERVERS: '[{"urls":["turn:x"],"credential":"c"}]' })[0]).toMatch(
      /^ICE_SERVERS lists only stun: or stuns: URLs .* got "turn:x"/,
    );
  });

  it('requires TURN_URLS and TURN_SECRET together', () => {
    const message = 'TURN_URLS and TURN_SECRET must be set together (or neither, for no TURN)';
    expect(problemsOf({ TURN_URLS: 'turn:t.example' })).toEqual([message]);
    expect(problemsOf({ TURN_SECRET: SECRET })).toEqual([message]);
  });

  it('rejects non-turn URLs and a short secret without echoing the secret', () => {
    const problems = problemsOf({ TURN_URLS: 'stun:t.example', TURN_SECRET: 'hunter2' });
    expect(problems).toEqual([
      'TURN_URLS entries must be turn: or turns: URLs, got "stun:t.example"',
      'TURN_SECRET must be at least 16 characters long',
    ]);
    expect(problems.join()).not.toContain('hunter2');
  });

  it('rejects a REDIS_URL that is not redis:// without echoing it (it may hold a password)', () => {
    const problems = problemsOf({ REDIS_URL: 'http://user:hunter2@redis:6379' });
    expect(problems).toEqual(['REDIS_URL must be a redis:// or rediss:// URL']);
    expect(problems.join()).not.toContain('hunter2');
  });

  it('rejects more ICE entries than a paired frame can carry', () => {
    const stun = JSON.stringify(Array.from({ length: 8 }, () => ({ urls: ['stun:s.example'] })));
    expect(problemsOf({ ICE_SERVERS: stun, TURN_URLS: 'turn:t', TURN_SECRET: SECRET })).toEqual([
      'ICE_SERVERS and TURN together may list at most 8 entries',
    ]);
  });

  it('reports every bad variable at once, each on its own line', () => {
    expect(() => loadConfig({ PORT: 'x', FRAME_BURST: '0' })).toThrow(
      'invalid signaling configuration:\n  - PORT must be an integer from 0 to 65535, got "x"\n  - FRAME_BURST',
    );
  });
});

describe('renderConfigTable', () => {
  it('renders one Markdown row per variable, with its default', () => {
    const lines = renderConfigTable().trimEnd().split('\n');
    expect(lines.slice(0, 2)).toEqual(['| Variable | Default | Meaning |', '| --- | --- | --- |']);
    expect(lines).toHaveLength(2 + CONFIG_TABLE.length);
    expect(lines).toContainEqual(expect.stringMatching(/^\| `PORT` \| `8787` \| .+ \|$/));
    expect(lines).toContainEqual(expect.stringMatching(/^\| `TURN_SECRET` \| \(none\) \| /));
  });

  it("is the README's signaling-config block (regenerate it from renderConfigTable, then prettier)", () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const block = /<!-- signaling-config:start -->([\s\S]*?)<!-- signaling-config:end -->/.exec(
      readme,
    )?.[1];
    expect(block, 'README.md has the signaling-config markers').toBeDefined();
    // Prettier pads the columns; compare cell by cell.
    const cells = (table: string) =>
      table
        .split('\n')
        .filter((line) => line.startsWith('|') && !/^\|[\s|-]+\|$/.test(line))
        .map((line) =>
          line
            .slice(1, -1)
            .split(/(?<!\\)\|/)
            .map((cell) => cell.trim()),
        );
    expect(cells(block ?? '')).toEqual(cells(renderConfigTable()));
  });

  it('documents exactly the variables loadConfig reads', () => {
    const read = new Set<string>();
    const env = new Proxy<Record<string, string | undefined>>(
      {},
      {
        get: (_, name) => {
          read.add(String(name));
          return undefined;
        },
      },
    );
    loadConfig(env);
    expect([...read].sort()).toEqual(CONFIG_TABLE.map((v) => v.name).sort());
  });
});
