/**
 * Time-driven behaviour (mailbox expiry, heartbeat), slow consumers, store failures and
 * graceful shutdown, with short timers so the file runs in about a second.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE_REASONS, CloseCode } from '../src/core/protocol.js';
import { createInMemoryMailboxStore, type MailboxStore } from './mailboxes.js';
import type { ListeningAddress, SignalingServer } from './server.js';
import {
  TestClient,
  addressSequence,
  expectServesAPair,
  pairByNameplate,
  sleep,
  startServer,
  testConfig,
  withTimeout,
} from '../test/signaling/test-support.js';

const MAILBOX_TTL_MS = 400;
const HEARTBEAT_INTERVAL_MS = 250;
const SLOW_CONSUMER_BYTES = 64 * 1024;

const nextAddress = addressSequence();
let server: SignalingServer;
let address: ListeningAddress;

beforeAll(async () => {
  ({ server, address } = await startServer(
    testConfig({
      mailboxTtlMs: MAILBOX_TTL_MS,
      heartbeatIntervalMs: HEARTBEAT_INTERVAL_MS,
    }),
  ));
});
afterAll(() => server.close());

const closeFor = (code: CloseCode) => ({ code, reason: CLOSE_REASONS[code] });

describe('mailbox expiry', () => {
  it('closes both members of a mailbox idle past MAILBOX_TTL with 4006, then serves a good pair', async () => {
    const ip = nextAddress();
    const { a, b, nameplate } = await pairByNameplate(address.wsUrl, ip);
    const started = Date.now();
    const expected = closeFor(CloseCode.MAILBOX_EXPIRED);
    expect(await a.closedWithin(MAILBOX_TTL_MS * 4)).toEqual(expected);
    expect(await b.closedWithin()).toEqual(expected);
    expect(Date.now() - started).toBeGreaterThanOrEqual(MAILBOX_TTL_MS - 50);

    const late = await TestClient.ready(address.wsUrl, ip);
    late.send({ type: 'claim', nameplate });
    await late.expectError('NO_SUCH_NAMEPLATE');
    late.close();
    await expectServesAPair(address.wsUrl, nextAddress());
  });

  it('keeps a mailbox with relay traffic alive past MAILBOX_TTL', async () => {
    const { a, b } = await pairByNameplate(address.wsUrl, nextAddress());
    for (let elapsed = 0; elapsed < MAILBOX_TTL_MS * 2; elapsed += MAILBOX_TTL_MS / 4) {
      a.send({ type: 'relay', body: 'keepalive' });
      await b.expect('relay');
      await sleep(MAILBOX_TTL_MS / 4);
    }
    b.send({ type: 'relay', body: 'still-open' });
    expect(await a.expect('relay')).toEqual({ type: 'relay', body: 'still-open' });
    a.close();
    b.close();
  });
});

describe('heartbeat', () => {
  it('closes a client that stops answering pings with 4004, while a responsive one stays', async () => {
    const silent = await TestClient.open(address.wsUrl, nextAddress(), { autoPong: false });
    const responsive = await TestClient.ready(address.wsUrl, nextAddress());
    expect(await silent.closedWithin(HEARTBEAT_INTERVAL_MS * 4)).toEqual(
      closeFor(CloseCode.HEARTBEAT_TIMEOUT),
    );
    responsive.send({ type: 'allocate' });
    await responsive.expect('allocated');
    responsive.close();
  });
});

describe('slow consumers', () => {
  it('drops a client that stops reading, tells its peer, then serves a good pair', async () => {
    // Its own server: pushing 24 MB through stalls the event loop, which must not trip the
    // short TTL and heartbeat of the shared one.
    const own = await startServer(
      testConfig({ frameRate: 10_000, frameBurst: 10_000 }),
      undefined,
      {
        slowConsumerBytes: SLOW_CONSUMER_BYTES,
      },
    );
    try {
      const { a, b } = await pairByNameplate(own.address.wsUrl);
      b.ws.pause(); // b stops reading: the server's send buffer for b fills up
      const body = 'x'.repeat(60_000);
      // Enough to fill both kernel socket buffers and then SLOW_CONSUMER_BYTES.
      for (let i = 0; i < 400; i++) a.send({ type: 'relay', body });
      expect(await a.expect('peer', 5000)).toEqual({ type: 'peer', event: 'left' });
      b.ws.resume();
      expect((await b.closedWithin()).code).toBe(1006); // terminated, no close frame
      a.close();
      await expectServesAPair(own.address.wsUrl);
    } finally {
      await own.server.close();
    }
  });
});

/** The in-memory store with some methods replaced, as a slow or broken backend would behave. */
function wrapStore(overrides: (inner: MailboxStore) => Partial<MailboxStore>): MailboxStore {
  const inner = createInMemoryMailboxStore({ mailboxTtlMs: 60_000, nameplateQuarantineMs: 0 });
  return {
    connect: (...args) => inner.connect(...args),
    disconnect: (...args) => inner.disconnect(...args),
    allocate: (...args) => inner.allocate(...args),
    claim: (...args) => inner.claim(...args),
    join: (...args) => inner.join(...args),
    relay: (...args) => inner.relay(...args),
    release: (...args) => inner.release(...args),
    sweep: () => inner.sweep(),
    stats: () => inner.stats(),
    close: () => inner.close(),
    ...overrides(inner),
  };
}

describe('stores that answer slowly or fail', () => {
  it("keeps a claimer's replies ahead of the peer's first relay when the store answers slowly", async () => {
    const slowClaims = wrapStore((inner) => ({
      claim: async (...args) => {
        const result = await inner.claim(...args);
        await sleep(100); // the allocator hears 'paired' and relays meanwhile
        return result;
      },
    }));
    const own = await startServer(testConfig(), undefined, { store: slowClaims });
    try {
      const a = await TestClient.ready(own.address.wsUrl);
      const b = await TestClient.ready(own.address.wsUrl);
      a.send({ type: 'allocate' });
      const { nameplate } = await a.expect('allocated');
      b.send({ type: 'claim', nameplate });
      await a.expect('paired');
      a.send({ type: 'relay', body: 'share' });
      await b.expect('claimed');
      await b.expect('paired');
      expect(await b.expect('relay')).toEqual({ type: 'relay', body: 'share' });
      a.close();
      b.close();
    } finally {
      await own.server.close();
    }
  });

  it('closes the connection with 1011 when the store throws, and keeps serving', async () => {
    const failing = wrapStore(() => ({ allocate: () => Promise.reject(new Error('store down')) }));
    const own = await startServer(testConfig(), undefined, { store: failing });
    try {
      const client = await TestClient.ready(own.address.wsUrl);
      client.send({ type: 'allocate' });
      expect((await client.closedWithin()).code).toBe(1011);
      const joiner = await TestClient.ready(own.address.wsUrl);
      joiner.send({ type: 'join', mailbox: 'a'.repeat(64) });
      await joiner.expect('joined');
      joiner.close();
    } finally {
      await own.server.close();
    }
  });
});

describe('graceful shutdown', () => {
  it('closes every client with 4008, refuses new connections and resolves close()', async () => {
    const own = await startServer(testConfig());
    const { a, b } = await pairByNameplate(own.address.wsUrl);
    const waiting = await TestClient.ready(own.address.wsUrl);
    const closing = withTimeout(own.server.close(), 3000, 'server.close()');
    const expected = closeFor(CloseCode.SERVER_SHUTTING_DOWN);
    for (const client of [a, b, waiting]) expect(await client.closedWithin()).toEqual(expected);
    await closing;
    await expect(TestClient.open(own.address.wsUrl)).rejects.toThrow(/ECONNREFUSED/);
    await own.server.close(); // a second close is harmless
  });
});
