/**
 * Issue #13 item 4: TURN credentials are not for anyone who can make up a mailbox id. Sessions
 * that paired by nameplate (a code) get them as always; a `join` (paired devices, whose PAKE the
 * server cannot check) is rate limited per address, and the credentials minted for joined
 * mailboxes come out of a small budget per address, shared through Redis by every process.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerFrame } from '../src/core/protocol.js';
import { loadConfig } from './config.js';
import { startRedisServer, type RedisTestServer } from '../test/signaling/redis-test-server.js';
import type { ListeningAddress, SignalingServer } from './server.js';
import { SESSION_STUN, sessionConfig, sessionEnv } from '../test/signaling/session.contract.js';
import {
  TestClient,
  addressSequence,
  httpGet,
  metricSample,
  pairByNameplate,
  startServer,
  startSignalingProcess,
  testConfig,
  type SignalingProcess,
} from '../test/signaling/test-support.js';

/** What "a handful" means: the default budget is below it. */
const HANDFUL = 10;
const DEFAULTS = loadConfig({});

type Paired = Extract<ServerFrame, { type: 'paired' }>;

const hasTurn = (frame: ServerFrame): boolean =>
  frame.type === 'paired' && frame.iceServers.some((server) => server.username !== undefined);

/** Two sockets from `ip` join one made-up mailbox; every frame they got, then both close. */
async function joinMadeUpMailbox(first: string, second: string, ip: string) {
  const mailbox = randomBytes(32).toString('hex');
  const a = await TestClient.ready(first, ip);
  const b = await TestClient.ready(second, ip);
  try {
    a.send({ type: 'join', mailbox });
    const aJoined = await a.next();
    b.send({ type: 'join', mailbox });
    const bJoined = await b.next();
    const frames: ServerFrame[] = [aJoined, bJoined];
    let paired: [Paired, Paired] | null = null;
    if (aJoined.type === 'joined' && bJoined.type === 'joined') {
      paired = [await a.expect('paired'), await b.expect('paired')];
      frames.push(...paired);
    }
    return { frames, paired };
  } finally {
    a.close();
    b.close();
    await Promise.all([a.closedWithin(), b.closedWithin()]);
  }
}

async function joinRateRejections(urls: string[]): Promise<number> {
  let total = 0;
  for (const url of urls) {
    const text = (await httpGet(url + '/metrics')).body;
    total += metricSample(text, 'peerbeam_signaling_rejections_total{reason="join_rate"}') ?? 0;
  }
  return total;
}

interface Target {
  readonly first: string;
  readonly second: string;
  /** Joins refused for the join rate, over every process. */
  readonly joinRateRejections: () => Promise<number>;
}

function turnBudgetSuite(name: string, target: () => Target, nextAddress: () => string): void {
  describe(`TURN for paired-device mailboxes: ${name}`, () => {
    it('40 pairs of sockets joining made-up mailboxes from one address within a minute get TURN credentials at most a handful of times', async () => {
      const { first, second, joinRateRejections } = target();
      const ip = nextAddress();
      const started = Date.now();
      let credentials = 0;
      let pairings = 0;
      for (let i = 0; i < 40; i++) {
        const { frames, paired } = await joinMadeUpMailbox(first, second, ip);
        credentials += frames.filter(hasTurn).length;
        if (paired) pairings += 1;
      }
      expect(Date.now() - started).toBeLessThan(60_000);
      expect(credentials).toBeLessThanOrEqual(HANDFUL);
      expect(credentials).toBeLessThanOrEqual(DEFAULTS.turnGrantsPerHour);
      // The joins are limited too, not only the credentials.
      expect(pairings).toBeLessThan(40);
      expect(await joinRateRejections()).toBeGreaterThan(0);
    }, 60_000);

    it('past the budget a joined session still pairs, with STUN only, and the frame says why', async () => {
      const { first, second } = target();
      const ip = nextAddress();
      let last: [Paired, Paired] | null = null;
      // Each pairing costs two credentials: this is more than a handful.
      for (let i = 0; i <= HANDFUL / 2; i++) {
        last = (await joinMadeUpMailbox(first, second, ip)).paired;
        expect(last, `pairing ${i} is within the join rate`).not.toBeNull();
      }
      for (const frame of last ?? []) {
        expect(frame).toEqual({ type: 'paired', iceServers: [SESSION_STUN], turn: 'withheld' });
      }
    });

    it('code sessions still get TURN credentials', async () => {
      const { first, second } = target();
      const ip = nextAddress();
      // Spend the address's budget for joined mailboxes first.
      for (let i = 0; i <= HANDFUL / 2; i++) {
        await joinMadeUpMailbox(first, second, ip);
      }
      for (let i = 0; i < 3; i++) {
        const { a, b, aIce, bIce } = await pairByNameplate(first, ip, second);
        for (const iceServers of [aIce, bIce]) {
          expect(iceServers).toHaveLength(2);
          expect(iceServers[1]?.username).toMatch(/^\d+:[0-9a-f]{16}$/);
        }
        a.close();
        b.close();
        await Promise.all([a.closedWithin(), b.closedWithin()]);
      }
    });

    it('paired-device sessions still get TURN credentials within the budget', async () => {
      const { first, second } = target();
      const ip = nextAddress();
      const { paired } = await joinMadeUpMailbox(first, second, ip);
      expect(paired).not.toBeNull();
      for (const frame of paired ?? []) {
        expect(hasTurn(frame), JSON.stringify(frame)).toBe(true);
        expect(frame).not.toHaveProperty('turn');
      }
    });

    it("frames to a joined side keep their order while its budget is checked: paired, then the peer's relay", async () => {
      const { first, second } = target();
      const ip = nextAddress();
      const mailbox = randomBytes(32).toString('hex');
      const a = await TestClient.ready(first, ip);
      const b = await TestClient.ready(second, ip);
      a.send({ type: 'join', mailbox });
      await a.expect('joined');
      b.send({ type: 'join', mailbox });
      await b.expect('joined');
      await b.expect('paired');
      b.send({ type: 'relay', body: 'right-after-paired' });
      expect(hasTurn(await a.expect('paired'))).toBe(true);
      expect(await a.expect('relay')).toEqual({ type: 'relay', body: 'right-after-paired' });
      for (const client of [a, b]) client.close();
    });

    it('each address has a budget of its own', async () => {
      const { first, second } = target();
      const greedy = nextAddress();
      for (let i = 0; i <= HANDFUL / 2; i++) {
        await joinMadeUpMailbox(first, second, greedy);
      }
      const { paired } = await joinMadeUpMailbox(first, second, nextAddress());
      for (const frame of paired ?? []) expect(hasTurn(frame)).toBe(true);
    });
  });
}

describe('one in-memory process', () => {
  const nextAddress = addressSequence();
  let server: SignalingServer;
  let address: ListeningAddress;

  beforeAll(async () => {
    ({ server, address } = await startServer(testConfig(sessionConfig)));
  });
  afterAll(() => server.close());

  turnBudgetSuite(
    'one in-memory process',
    () => ({
      first: address.wsUrl,
      second: address.wsUrl,
      joinRateRejections: () => joinRateRejections([address.url]),
    }),
    nextAddress,
  );

  it('joins are rate limited per address', async () => {
    const own = await startServer(testConfig({ ...sessionConfig, joinsPerMinute: 3 }));
    try {
      const ip = nextAddress();
      const client = await TestClient.ready(own.address.wsUrl, ip);
      for (let i = 0; i < 3; i++) {
        client.send({ type: 'join', mailbox: randomBytes(32).toString('hex') });
        await client.expect('joined');
        client.send({ type: 'release', mood: 'lonely' });
      }
      client.send({ type: 'join', mailbox: randomBytes(32).toString('hex') });
      await client.expectError('RATE_LIMITED');
      // The socket stays usable, and another address is not affected.
      client.send({ type: 'allocate' });
      await client.expect('allocated');
      const other = await TestClient.ready(own.address.wsUrl, nextAddress());
      other.send({ type: 'join', mailbox: randomBytes(32).toString('hex') });
      await other.expect('joined');
      for (const c of [client, other]) c.close();
    } finally {
      await own.server.close();
    }
  });
});

describe('two processes sharing Redis', () => {
  const nextAddress = (() => {
    let next = 2;
    return () => `127.0.6.${next++}`;
  })();
  let redis: RedisTestServer;
  let one: SignalingProcess;
  let two: SignalingProcess;

  beforeAll(async () => {
    redis = await startRedisServer();
    const env = {
      ...sessionEnv,
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: `t${randomBytes(4).toString('hex')}:`,
    };
    [one, two] = await Promise.all([startSignalingProcess(env), startSignalingProcess(env)]);
  }, 20_000);
  afterAll(async () => {
    await Promise.all([one?.stop(), two?.stop()]);
    await redis?.stop();
  });

  turnBudgetSuite(
    'two processes sharing Redis (each pair split across them)',
    () => ({
      first: one.wsUrl,
      second: two.wsUrl,
      joinRateRejections: () => joinRateRejections([one.url, two.url]),
    }),
    nextAddress,
  );
});
