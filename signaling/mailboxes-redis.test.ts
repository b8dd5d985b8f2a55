/**
 * The Redis store: the shared contract suite against a real redis-server, then what only
 * several processes can show (two stores on one Redis stand for two processes).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from './backend.js';
import type { ConnectionId, MailboxEvent } from './mailboxes.js';
import {
  mailboxStoreContract,
  type StoreFactoryOptions,
} from '../test/signaling/mailbox-store.contract.js';
import { createRedisBackend } from './redis-store.js';
import { startRedisServer, type RedisTestServer } from '../test/signaling/redis-test-server.js';
import { sleep } from '../test/signaling/test-support.js';

let redis: RedisTestServer;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(() => redis?.stop());

/** A fresh key space per store, so tests never see each other's mailboxes. */
const freshPrefix = () => `t${randomBytes(6).toString('hex')}:`;

function backend(
  options: Partial<StoreFactoryOptions> & { prefix?: string; perMinute?: number } = {},
): Promise<Backend> {
  return createRedisBackend({
    url: redis.url,
    keyPrefix: options.prefix ?? freshPrefix(),
    mailboxTtlMs: options.mailboxTtlMs ?? 60_000,
    nameplateQuarantineMs: options.nameplateQuarantineMs ?? 600_000,
    allocationsPerMinute: options.perMinute ?? 30,
    claimsPerMinute: options.perMinute ?? 30,
    joinsPerMinute: options.perMinute ?? 30,
    turnGrantsPerHour: 10,
    now: options.now,
    randomInt: options.randomInt,
  });
}

mailboxStoreContract('redis', async (options) => (await backend(options)).store);

describe('Redis store across processes', () => {
  const opened: Backend[] = [];
  let time = 1_000_000;
  const now = () => time;
  let inbox: Map<ConnectionId, MailboxEvent[]>;

  /** Two stores sharing one key space: one per process. */
  async function twoProcesses() {
    const prefix = freshPrefix();
    const one = await backend({ prefix, now });
    const two = await backend({ prefix, now });
    opened.push(one, two);
    return [one.store, two.store] as const;
  }
  const listen = (conn: ConnectionId) => {
    inbox.set(conn, []);
    return (event: MailboxEvent) => inbox.get(conn)?.push(event);
  };
  /** Events arrive through pub/sub: wait (bounded) until `conn` has `count` of them. */
  async function heard(conn: ConnectionId, count: number, ms = 2000): Promise<MailboxEvent[]> {
    const deadline = Date.now() + ms;
    while ((inbox.get(conn)?.length ?? 0) < count && Date.now() < deadline) await sleep(5);
    return inbox.get(conn)?.splice(0) ?? [];
  }

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((b) => b.store.close()));
    inbox = new Map();
  });
  inbox = new Map();

  it('pairs and relays between connections on different processes, in order', async () => {
    const [one, two] = await twoProcesses();
    await one.connect('a', listen('a'));
    await two.connect('b', listen('b'));
    const allocated = await one.allocate('a');
    if (!allocated.ok) throw new Error(allocated.code);
    expect(await two.claim('b', allocated.nameplate)).toEqual({ ok: true });
    expect(await heard('a', 1)).toEqual([{ type: 'paired' }]);

    const bodies = Array.from({ length: 200 }, (_, i) => `frame${i}`);
    await Promise.all(bodies.map((body) => one.relay('a', body)));
    expect(await heard('b', bodies.length)).toEqual(
      bodies.map((body) => ({ type: 'relay', body })),
    );
    await two.relay('b', 'back');
    expect(await heard('a', 1)).toEqual([{ type: 'relay', body: 'back' }]);

    await two.release('b', 'scary');
    expect(await heard('a', 1)).toEqual([{ type: 'peer-left', mood: 'scary' }]);
    // Burned for every process.
    await one.connect('c', listen('c'));
    expect(await one.claim('c', allocated.nameplate)).toEqual({
      ok: false,
      code: 'NO_SUCH_NAMEPLATE',
    });
  });

  it('lets a paired device rejoin through another process', async () => {
    const [one, two] = await twoProcesses();
    const id = 'cd'.repeat(32);
    await one.connect('a', listen('a'));
    await two.connect('b', listen('b'));
    await one.join('a', id);
    expect(await two.join('b', id)).toEqual({ ok: true, peerPresent: true });
    expect(await heard('a', 1)).toEqual([{ type: 'paired' }]);
    await two.disconnect('b');
    expect(await heard('a', 1)).toEqual([{ type: 'peer-left', mood: undefined }]);
    await one.connect('b2', listen('b2'));
    expect(await one.join('b2', id)).toEqual({ ok: true, peerPresent: true });
    expect(await heard('a', 1)).toEqual([{ type: 'paired' }]);
  });

  it("expires a mailbox on one process's sweep and tells the members on the other", async () => {
    const [one, two] = await twoProcesses();
    await one.connect('a', listen('a'));
    await two.connect('b', listen('b'));
    const allocated = await one.allocate('a');
    if (!allocated.ok) throw new Error(allocated.code);
    await two.claim('b', allocated.nameplate);
    await heard('a', 1);
    time += 60_000;
    await two.sweep();
    expect(await heard('a', 1)).toEqual([{ type: 'expired' }]);
    expect(await heard('b', 1)).toEqual([{ type: 'expired' }]);
    expect(await one.stats()).toMatchObject({ mailboxes: 0, waiting: 0 });
  });

  it('hands out distinct nameplates to allocators on both processes at once', async () => {
    const [one, two] = await twoProcesses();
    const conns = Array.from({ length: 200 }, (_, i) => `c${i}`);
    for (const conn of conns) await (Number(conn.slice(1)) % 2 ? one : two).connect(conn, () => {});
    const results = await Promise.all(
      conns.map((conn) => (Number(conn.slice(1)) % 2 ? one : two).allocate(conn)),
    );
    const nameplates = results.map((result) => (result.ok ? result.nameplate : result.code));
    expect(new Set(nameplates).size).toBe(conns.length);
  });

  it('shares the per-address allocation and claim budget between processes', async () => {
    const prefix = freshPrefix();
    const one = await backend({ prefix, now, perMinute: 4 });
    const two = await backend({ prefix, now, perMinute: 4 });
    opened.push(one, two);
    const taken = [];
    for (let i = 0; i < 6; i++) taken.push(await (i % 2 ? one : two).claims.take('192.0.2.7'));
    expect(taken).toEqual([true, true, true, true, false, false]);
    expect(await one.allocations.take('192.0.2.7')).toBe(true); // a separate budget
    expect(await two.claims.take('192.0.2.8')).toBe(true); // and per address
    time += 15_000; // one token back
    expect(await one.claims.take('192.0.2.7')).toBe(true);
    expect(await two.claims.take('192.0.2.7')).toBe(false);
  });
});
