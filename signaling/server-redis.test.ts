/**
 * Two signaling processes (signaling/main.ts) sharing one redis-server: the shared session
 * suite with the two sides of every session on different processes, then what sharing means
 * for limits, health and shutdown.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE_REASONS, CloseCode } from '../src/core/protocol.js';
import { startRedisServer, type RedisTestServer } from '../test/signaling/redis-test-server.js';
import { sessionEnv, sessionSuite } from '../test/signaling/session.contract.js';
import {
  TestClient,
  expectServesAPair,
  httpGet,
  metricSample,
  pairByNameplate,
  startSignalingProcess,
  type SignalingProcess,
} from '../test/signaling/test-support.js';

const CLAIMS_PER_MINUTE = 4;

let redis: RedisTestServer;
let one: SignalingProcess;
let two: SignalingProcess;
let env: Record<string, string>;

beforeAll(async () => {
  redis = await startRedisServer();
  env = {
    ...sessionEnv,
    REDIS_URL: redis.url,
    REDIS_KEY_PREFIX: `t${randomBytes(4).toString('hex')}:`,
    CLAIMS_PER_MINUTE: String(CLAIMS_PER_MINUTE),
  };
  [one, two] = await Promise.all([startSignalingProcess(env), startSignalingProcess(env)]);
}, 20_000);

afterAll(async () => {
  await Promise.all([one?.stop(), two?.stop()]);
  await redis?.stop();
});

sessionSuite('two processes sharing Redis', () => ({
  first: one.wsUrl,
  second: two.wsUrl,
  logs: () => one.output() + '\n' + two.output(),
}));

describe('shared through Redis', () => {
  it('counts claims (guesses) from one address across both processes', async () => {
    const ip = '127.0.5.1';
    const clients = [await TestClient.ready(one.wsUrl, ip), await TestClient.ready(two.wsUrl, ip)];
    for (let i = 0; i < CLAIMS_PER_MINUTE; i++) {
      const client = clients[i % 2]!;
      client.send({ type: 'claim', nameplate: String(800_000 + i) });
      await client.expectError('NO_SUCH_NAMEPLATE');
    }
    for (const client of clients) {
      client.send({ type: 'claim', nameplate: '800100' });
      await client.expectError('RATE_LIMITED');
    }
    for (const client of clients) client.close();
  });

  it("reports every process's mailboxes in /healthz, and process metrics in /metrics", async () => {
    const waiting = await TestClient.ready(one.wsUrl, '127.0.5.2');
    waiting.send({ type: 'allocate' });
    await waiting.expect('allocated');
    const health = JSON.parse((await httpGet(two.url + '/healthz')).body) as { waiting: number };
    expect(health.waiting).toBeGreaterThanOrEqual(1);
    const metrics = (await httpGet(two.url + '/metrics')).body;
    expect(metricSample(metrics, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(
      metricSample(metrics, 'peerbeam_signaling_mailboxes{state="waiting"}'),
    ).toBeGreaterThanOrEqual(1);
    waiting.close();
  });

  it("tells the peers of a crashed process's clients that they left, and burns its nameplates", async () => {
    const crashing = await startSignalingProcess({
      ...env,
      REDIS_PROCESS_TIMEOUT_MS: '1000',
    });
    try {
      const { a, b, nameplate } = await pairByNameplate(crashing.wsUrl, '127.0.5.5', two.wsUrl);
      process.kill(crashing.pid, 'SIGKILL');
      expect((await a.closedWithin()).code).toBe(1006);
      const started = Date.now();
      // Within the 1 s timeout plus a check (each second): not the mailbox TTL (30 minutes).
      expect(await b.expect('peer', 6000)).toEqual({ type: 'peer', event: 'left' });
      expect(Date.now() - started).toBeLessThan(5000);
      const guesser = await TestClient.ready(one.wsUrl, '127.0.5.5');
      guesser.send({ type: 'claim', nameplate });
      await guesser.expectError('NO_SUCH_NAMEPLATE');
      for (const client of [b, guesser]) client.close();
    } finally {
      await crashing.stop();
    }
  });

  // Last: it stops the first process.
  it('drains a process on SIGTERM: its clients get 4008, their peers on the other process hear they left', async () => {
    const { a, b } = await pairByNameplate(one.wsUrl, '127.0.5.3', two.wsUrl);
    const code = await one.stop();
    expect(await a.closedWithin()).toEqual({
      code: CloseCode.SERVER_SHUTTING_DOWN,
      reason: CLOSE_REASONS[CloseCode.SERVER_SHUTTING_DOWN],
    });
    expect(await b.expect('peer')).toEqual({ type: 'peer', event: 'left' });
    expect(code).toBe(0);
    b.close();
    // The survivor serves on: a client told to reconnect lands there.
    await expectServesAPair(two.wsUrl, '127.0.5.4');
  });
});
