/**
 * Misbehaving clients get the documented close code or error, and the server keeps serving a
 * well-behaved pair right after each of them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE_REASONS, CloseCode, PROTOCOL_VERSION } from '../src/core/protocol.js';
import type { ListeningAddress, SignalingServer } from './server.js';
import {
  TestClient,
  addressSequence,
  expectServesAPair,
  httpGet,
  metricSample,
  sleep,
  startServer,
  testConfig,
} from '../test/signaling/test-support.js';

const MAX_FRAME_BYTES = 4096;
const FRAME_BURST = 10;
const HELLO_TIMEOUT_MS = 300;
const MAX_CONNECTIONS_PER_IP = 4;
const PER_MINUTE = 3;

const nextAddress = addressSequence();
let server: SignalingServer;
let address: ListeningAddress;

beforeAll(async () => {
  ({ server, address } = await startServer(
    testConfig({
      maxFrameBytes: MAX_FRAME_BYTES,
      frameRate: 5,
      frameBurst: FRAME_BURST,
      helloTimeoutMs: HELLO_TIMEOUT_MS,
      maxConnectionsPerIp: MAX_CONNECTIONS_PER_IP,
      allocationsPerMinute: PER_MINUTE,
      claimsPerMinute: PER_MINUTE,
    }),
  ));
});
afterAll(() => server.close());

const closeFor = (code: CloseCode) => ({ code, reason: CLOSE_REASONS[code] });

describe('invalid frames', () => {
  it.each([
    ['invalid JSON', '{"type":"hello",'],
    ['an unknown type', '{"type":"teleport"}'],
    ['a schema failure (extra field)', '{"type":"allocate","please":true}'],
    ['a schema failure (bad nameplate)', '{"type":"claim","nameplate":"0123"}'],
    ['a JSON value that is not an object', '[1,2,3]'],
  ])('closes with 4001 INVALID_FRAME on %s, then serves a good pair', async (_, text) => {
    const client = await TestClient.ready(address.wsUrl, nextAddress());
    client.sendRaw(text);
    expect(await client.closedWithin()).toEqual(closeFor(CloseCode.INVALID_FRAME));
    await expectServesAPair(address.wsUrl, nextAddress());
  });

  it('closes with 4001 INVALID_FRAME on a binary frame, then serves a good pair', async () => {
    const client = await TestClient.ready(address.wsUrl, nextAddress());
    client.sendRaw(Buffer.from(JSON.stringify({ type: 'allocate' })), true);
    expect(await client.closedWithin()).toEqual(closeFor(CloseCode.INVALID_FRAME));
    await expectServesAPair(address.wsUrl, nextAddress());
  });

  it('closes with 4001 INVALID_FRAME on invalid JSON sent before hello', async () => {
    const client = await TestClient.open(address.wsUrl, nextAddress());
    client.sendRaw('not json');
    expect(await client.closedWithin()).toEqual(closeFor(CloseCode.INVALID_FRAME));
  });

  it('closes with 4001 INVALID_FRAME on a second hello, then serves a good pair', async () => {
    const client = await TestClient.ready(address.wsUrl, nextAddress());
    client.send({ type: 'hello', v: PROTOCOL_VERSION });
    expect(await client.closedWithin()).toEqual(closeFor(CloseCode.INVALID_FRAME));
    await expectServesAPair(address.wsUrl, nextAddress());
  });
});

describe('limits', () => {
  it('closes with 4002 FRAME_TOO_LARGE on a frame over MAX_FRAME_BYTES, then serves a good pair', async () => {
    const client = await TestClient.ready(address.wsUrl, nextAddress());
    client.send({ type: 'relay', body: 'x'.repeat(MAX_FRAME_BYTES) });
    expect(await client.closedWithin()).toEqual(closeFor(CloseCode.FRAME_TOO_LARGE));
    await expectServesAPair(address.wsUrl, nextAddress());
  });

  it('cuts off a frame far over the limit while reading it (1009), then serves a good pair', async () => {
    const client = await TestClient.ready(address.wsUrl, nextAddress());
    client.send({ type: 'relay', body: 'x'.repeat(MAX_FRAME_BYTES * 8) });
    expect((await client.closedWithin()).code).toBe(1009);
    await expectServesAPair(address.wsUrl, nextAddress());
  });

  it('closes with 4003 RATE_LIMITED on a frame flood, then serves a good pair', async () => {
    const client = await TestClient.ready(address.wsUrl, nextAddress());
    for (let i = 0; i < FRAME_BURST * 3; i++) client.send({ type: 'release', mood: 'happy' });
    expect(await client.closedWithin()).toEqual(closeFor(CloseCode.RATE_LIMITED));
    await expectServesAPair(address.wsUrl, nextAddress());
  });

  it('closes with 4007 TOO_MANY_CONNECTIONS past the per-IP cap, other addresses unaffected', async () => {
    const ip = nextAddress();
    const open = await Promise.all(
      Array.from({ length: MAX_CONNECTIONS_PER_IP }, () => TestClient.ready(address.wsUrl, ip)),
    );
    const extra = await TestClient.open(address.wsUrl, ip);
    expect(await extra.closedWithin()).toEqual(closeFor(CloseCode.TOO_MANY_CONNECTIONS));
    await expectServesAPair(address.wsUrl, nextAddress());

    // Closing one frees its slot.
    open[0]?.close();
    await open[0]?.closedWithin();
    const replacement = await TestClient.ready(address.wsUrl, ip);
    for (const client of [...open, replacement]) client.close();
  });

  it('answers RATE_LIMITED past the per-IP allocation rate, keeping the socket, other addresses unaffected', async () => {
    const client = await TestClient.ready(address.wsUrl, nextAddress());
    for (let i = 0; i < PER_MINUTE; i++) {
      client.send({ type: 'allocate' });
      await client.expect('allocated');
      client.send({ type: 'release', mood: 'lonely' });
    }
    client.send({ type: 'allocate' });
    await client.expectError('RATE_LIMITED');
    // Still connected, and joining (limited on its own budget) works.
    client.send({ type: 'join', mailbox: 'f'.repeat(64) });
    await client.expect('joined');
    await expectServesAPair(address.wsUrl, nextAddress());
    client.close();
  });

  it('answers RATE_LIMITED past the per-IP claim rate (each claim is a guess)', async () => {
    const client = await TestClient.ready(address.wsUrl, nextAddress());
    for (let i = 0; i < PER_MINUTE; i++) {
      client.send({ type: 'claim', nameplate: String(900_000 + i) });
      await client.expectError('NO_SUCH_NAMEPLATE');
    }
    client.send({ type: 'claim', nameplate: '900100' });
    await client.expectError('RATE_LIMITED');
    await expectServesAPair(address.wsUrl, nextAddress());
    client.close();
  });
});

describe('handshake', () => {
  it('closes with 4000 PROTOCOL_MISMATCH on a wrong protocol version, then serves a good pair', async () => {
    const client = await TestClient.open(address.wsUrl, nextAddress());
    client.send({ type: 'hello', v: PROTOCOL_VERSION + 1 });
    expect(await client.closedWithin()).toEqual(closeFor(CloseCode.PROTOCOL_MISMATCH));
    await expectServesAPair(address.wsUrl, nextAddress());
  });

  it('closes with 4005 HELLO_TIMEOUT when no hello arrives in time, then serves a good pair', async () => {
    const started = Date.now();
    const client = await TestClient.open(address.wsUrl, nextAddress());
    expect(await client.closedWithin()).toEqual(closeFor(CloseCode.HELLO_TIMEOUT));
    expect(Date.now() - started).toBeGreaterThanOrEqual(HELLO_TIMEOUT_MS - 50);
    await expectServesAPair(address.wsUrl, nextAddress());
  });
});

describe('limits per address and per process', () => {
  it('closes with 4003 once the connections of one address together exceed its frame rate', async () => {
    const own = await startServer(
      testConfig({ frameRate: 1, frameBurst: 10, frameRatePerIp: 1, frameBurstPerIp: 25 }),
    );
    try {
      const ip = nextAddress();
      const clients = await Promise.all(
        Array.from({ length: 4 }, () => TestClient.ready(own.address.wsUrl, ip)),
      );
      // 1 + 8 frames each: every connection stays within its own burst, the address does not.
      for (const client of clients) {
        for (let i = 0; i < 8; i++) client.send({ type: 'release', mood: 'happy' });
      }
      await sleep(300);
      const closes = await Promise.all(
        clients.map((client) => Promise.race([client.closed, sleep(0).then(() => null)])),
      );
      const limited = closes.filter((close) => close?.code === CloseCode.RATE_LIMITED);
      expect(limited.length).toBeGreaterThanOrEqual(1);
      expect(limited[0]).toEqual(closeFor(CloseCode.RATE_LIMITED));
      const metrics = (await httpGet(own.address.url + '/metrics')).body;
      expect(
        metricSample(metrics, 'peerbeam_signaling_rejections_total{reason="ip_frame_rate"}'),
      ).toBe(limited.length);
      await expectServesAPair(own.address.wsUrl, nextAddress());
      for (const client of clients) client.close();
    } finally {
      await own.server.close();
    }
  });

  it('answers RATE_LIMITED past MAX_MAILBOXES_PER_IP, and frees a slot on release or close', async () => {
    const own = await startServer(testConfig({ maxMailboxesPerIp: 2 }));
    try {
      const ip = nextAddress();
      const [c1, c2, c3] = await Promise.all(
        [1, 2, 3].map(() => TestClient.ready(own.address.wsUrl, ip)),
      );
      if (!c1 || !c2 || !c3) throw new Error('clients');
      c1.send({ type: 'allocate' });
      await c1.expect('allocated');
      c2.send({ type: 'join', mailbox: 'e'.repeat(64) });
      await c2.expect('joined');
      c3.send({ type: 'allocate' });
      await c3.expectError('RATE_LIMITED');
      c3.send({ type: 'join', mailbox: 'd'.repeat(64) });
      await c3.expectError('RATE_LIMITED');
      // Another address is not affected.
      await expectServesAPair(own.address.wsUrl, nextAddress());

      c1.send({ type: 'release', mood: 'lonely' });
      c3.send({ type: 'allocate' });
      await c3.expect('allocated');
      c2.close();
      await c2.closedWithin();
      await sleep(50);
      c1.send({ type: 'join', mailbox: 'd'.repeat(64) });
      expect(await c1.expect('joined')).toEqual({ type: 'joined', peerPresent: false });
      for (const client of [c1, c3]) client.close();
    } finally {
      await own.server.close();
    }
  });

  it('closes with 1013 (try again later) past MAX_CONNECTIONS on the process', async () => {
    const own = await startServer(testConfig({ maxConnections: 3 }));
    try {
      const open = await Promise.all(
        [1, 2, 3].map(() => TestClient.ready(own.address.wsUrl, nextAddress())),
      );
      const extra = await TestClient.open(own.address.wsUrl, nextAddress());
      expect(await extra.closedWithin()).toEqual({
        code: 1013,
        reason: 'server full: try again later',
      });
      open[0]?.close();
      await open[0]?.closedWithin();
      await sleep(20);
      const replacement = await TestClient.ready(own.address.wsUrl, nextAddress());
      for (const client of [...open, replacement]) client.close();
    } finally {
      await own.server.close();
    }
  });
});
