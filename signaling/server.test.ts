/** The happy paths and the mailbox rules, over a real server and real WebSocket clients. */
import { createHmac } from 'node:crypto';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NAMEPLATE_PATTERN, PROTOCOL_VERSION } from '../src/core/protocol.js';
import { createMemoryLogger } from './log.js';
import type { ListeningAddress, SignalingServer } from './server.js';
import {
  TestClient,
  WAIT_MS,
  addressSequence,
  pairByNameplate,
  startServer,
  testConfig,
  withTimeout,
} from './test-support.js';

const TURN_SECRET = 'test-turn-secret-0123456789';
const TURN_TTL_SECONDS = 3600;
const STUN = { urls: ['stun:stun.example.org:3478'] };
const MAILBOX_ID = 'c0ffee'.repeat(10) + 'beef';

const logger = createMemoryLogger();
const nextAddress = addressSequence();
let server: SignalingServer;
let address: ListeningAddress;

beforeAll(async () => {
  ({ server, address } = await startServer(
    testConfig({
      iceServers: [STUN],
      turn: {
        urls: ['turn:turn.example.org:3478'],
        secret: TURN_SECRET,
        ttlSeconds: TURN_TTL_SECONDS,
      },
    }),
    logger,
  ));
});
afterAll(() => server.close());

async function httpGet(path: string): Promise<{ status: number; body: string }> {
  return withTimeout(
    new Promise((resolve, reject) => {
      request(address.url + path, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
        .on('error', reject)
        .end();
    }),
    WAIT_MS,
    `GET ${path}`,
  );
}

describe('nameplate mailboxes', () => {
  it('relays frames unchanged between the two sides of an allocated and claimed mailbox', async () => {
    const { a, b, nameplate } = await pairByNameplate(address.wsUrl, nextAddress());
    expect(nameplate).toMatch(NAMEPLATE_PATTERN);
    const sealed = 'AAEC-_x'.repeat(100);
    a.send({ type: 'relay', body: sealed });
    expect(await b.expect('relay')).toEqual({ type: 'relay', body: sealed });
    b.send({ type: 'relay', body: 'reply' });
    expect(await a.expect('relay')).toEqual({ type: 'relay', body: 'reply' });
    a.close();
    b.close();
  });

  it('sends paired with the STUN servers and a fresh TURN credential that verifies with HMAC-SHA1', async () => {
    const before = Math.floor(Date.now() / 1000);
    const { a, b, aIce, bIce } = await pairByNameplate(address.wsUrl, nextAddress());
    const after = Math.floor(Date.now() / 1000);
    for (const iceServers of [aIce, bIce]) {
      expect(iceServers).toHaveLength(2);
      expect(iceServers[0]).toEqual(STUN);
      const turn = iceServers[1];
      expect(turn?.urls).toEqual(['turn:turn.example.org:3478']);
      const [expiry, id] = (turn?.username ?? '').split(':');
      expect(Number(expiry)).toBeGreaterThanOrEqual(before + TURN_TTL_SECONDS);
      expect(Number(expiry)).toBeLessThanOrEqual(after + TURN_TTL_SECONDS);
      expect(id).toMatch(/^[0-9a-f]{16}$/);
      const expected = createHmac('sha1', TURN_SECRET)
        .update(turn?.username ?? '')
        .digest('base64');
      expect(turn?.credential).toBe(expected);
    }
    // Minted per client, not shared by the pair.
    expect(aIce[1]?.username).not.toBe(bIce[1]?.username);
    a.close();
    b.close();
  });

  it('answers a claim for a missing nameplate with NO_SUCH_NAMEPLATE and keeps the socket usable', async () => {
    const client = await TestClient.ready(address.wsUrl, nextAddress());
    client.send({ type: 'claim', nameplate: '999999' });
    await client.expectError('NO_SUCH_NAMEPLATE');
    client.send({ type: 'allocate' });
    expect((await client.expect('allocated')).nameplate).toMatch(NAMEPLATE_PATTERN);
    client.close();
  });

  it('refuses a third party claiming an already claimed nameplate with MAILBOX_FULL', async () => {
    const ip = nextAddress();
    const { a, b, nameplate } = await pairByNameplate(address.wsUrl, ip);
    const intruder = await TestClient.ready(address.wsUrl, ip);
    intruder.send({ type: 'claim', nameplate });
    await intruder.expectError('MAILBOX_FULL');
    await a.expectSilence();
    a.send({ type: 'relay', body: 'still-private' });
    expect(await b.expect('relay')).toEqual({ type: 'relay', body: 'still-private' });
    await intruder.expectSilence(50);
    for (const client of [a, b, intruder]) client.close();
  });

  it("burns the nameplate on a 'scary' release: the peer is told and a later claim fails", async () => {
    const ip = nextAddress();
    const { a, b, nameplate } = await pairByNameplate(address.wsUrl, ip);
    b.send({ type: 'release', mood: 'scary' });
    expect(await a.expect('peer')).toEqual({ type: 'peer', event: 'left', mood: 'scary' });
    const guesser = await TestClient.ready(address.wsUrl, ip);
    guesser.send({ type: 'claim', nameplate });
    await guesser.expectError('NO_SUCH_NAMEPLATE');
    // The survivor is out of the closed mailbox too.
    a.send({ type: 'relay', body: 'anyone' });
    await a.expectError('NOT_IN_MAILBOX');
    for (const client of [a, b, guesser]) client.close();
  });

  it('tells the peer of a side that disconnects that it left, without a mood', async () => {
    const { a, b } = await pairByNameplate(address.wsUrl, nextAddress());
    b.close();
    expect(await a.expect('peer')).toEqual({ type: 'peer', event: 'left' });
    a.close();
  });

  it('answers NO_PEER before the claimer arrives and NOT_IN_MAILBOX outside a mailbox', async () => {
    const client = await TestClient.ready(address.wsUrl, nextAddress());
    client.send({ type: 'relay', body: 'x' });
    await client.expectError('NOT_IN_MAILBOX');
    client.send({ type: 'allocate' });
    await client.expect('allocated');
    client.send({ type: 'relay', body: 'x' });
    await client.expectError('NO_PEER');
    client.close();
  });

  it('keeps a connection in at most one mailbox, and lets it allocate again after release', async () => {
    const client = await TestClient.ready(address.wsUrl, nextAddress());
    client.send({ type: 'allocate' });
    const { nameplate } = await client.expect('allocated');
    client.send({ type: 'allocate' });
    await client.expectError('ALREADY_IN_MAILBOX');
    client.send({ type: 'join', mailbox: MAILBOX_ID });
    await client.expectError('ALREADY_IN_MAILBOX');
    client.send({ type: 'release', mood: 'lonely' });
    client.send({ type: 'allocate' });
    const second = await client.expect('allocated');
    expect(second.nameplate).not.toBe(nameplate); // the first one is in quarantine
    client.close();
  });
});

describe('paired-device mailboxes', () => {
  it('pairs two devices joining one mailbox, relays, and lets a side that left rejoin', async () => {
    const ip = nextAddress();
    const a = await TestClient.ready(address.wsUrl, ip);
    const b = await TestClient.ready(address.wsUrl, ip);
    a.send({ type: 'join', mailbox: MAILBOX_ID });
    expect(await a.expect('joined')).toEqual({ type: 'joined', peerPresent: false });
    b.send({ type: 'join', mailbox: MAILBOX_ID });
    expect(await b.expect('joined')).toEqual({ type: 'joined', peerPresent: true });
    expect((await b.expect('paired')).iceServers).toHaveLength(2);
    expect((await a.expect('paired')).iceServers).toHaveLength(2);
    a.send({ type: 'relay', body: 'hi-b' });
    expect(await b.expect('relay')).toEqual({ type: 'relay', body: 'hi-b' });

    const third = await TestClient.ready(address.wsUrl, ip);
    third.send({ type: 'join', mailbox: MAILBOX_ID });
    await third.expectError('MAILBOX_FULL');

    // b goes offline, then comes back on a new connection.
    b.close();
    expect(await a.expect('peer')).toEqual({ type: 'peer', event: 'left' });
    const bAgain = await TestClient.ready(address.wsUrl, ip);
    bAgain.send({ type: 'join', mailbox: MAILBOX_ID });
    expect(await bAgain.expect('joined')).toEqual({ type: 'joined', peerPresent: true });
    await bAgain.expect('paired');
    await a.expect('paired');
    bAgain.send({ type: 'relay', body: 'back-again' });
    expect(await a.expect('relay')).toEqual({ type: 'relay', body: 'back-again' });
    for (const client of [a, bAgain, third]) client.close();
  });
});

describe('handshake and HTTP', () => {
  it('answers hello with welcome carrying the version and frame limit', async () => {
    const client = await TestClient.open(address.wsUrl, nextAddress());
    client.send({ type: 'hello', v: PROTOCOL_VERSION });
    expect(await client.expect('welcome')).toEqual({
      type: 'welcome',
      v: PROTOCOL_VERSION,
      maxFrameBytes: 65_536,
    });
    client.close();
  });

  it('answers frames sent before hello with HELLO_REQUIRED, and hello still works after', async () => {
    const client = await TestClient.open(address.wsUrl, nextAddress());
    client.send({ type: 'allocate' });
    await client.expectError('HELLO_REQUIRED');
    client.send({ type: 'hello', v: PROTOCOL_VERSION });
    await client.expect('welcome');
    client.send({ type: 'allocate' });
    await client.expect('allocated');
    client.close();
  });

  it('reports health as JSON with counts on GET /healthz', async () => {
    const client = await TestClient.ready(address.wsUrl, nextAddress());
    client.send({ type: 'allocate' });
    await client.expect('allocated');
    const { status, body } = await httpGet('/healthz');
    expect(status).toBe(200);
    const health = JSON.parse(body) as Record<string, unknown>;
    expect(health.ok).toBe(true);
    expect(health.connections).toBeGreaterThanOrEqual(1);
    expect(health.waiting).toBeGreaterThanOrEqual(1);
    expect(typeof health.mailboxes).toBe('number');
    client.close();
  });

  it('answers 404 to other paths, over HTTP and for WebSocket upgrades', async () => {
    expect((await httpGet('/')).status).toBe(404);
    await expect(TestClient.open(address.url.replace('http', 'ws') + '/elsewhere')).rejects.toThrow(
      /404/,
    );
  });
});

// Last: it reads what every test above logged.
describe('logging', () => {
  it('logs events and counts but never relay bodies or nameplates', async () => {
    const { a, b, nameplate } = await pairByNameplate(address.wsUrl, nextAddress());
    a.send({ type: 'relay', body: 'secret-relay-body' });
    await b.expect('relay');
    a.close();
    b.close();
    await Promise.all([a.closedWithin(), b.closedWithin()]);
    expect(logger.lines.length).toBeGreaterThan(0);
    const logged = logger.lines.map((line) => JSON.stringify(line)).join('\n');
    expect(logged).not.toContain('secret-relay-body');
    expect(logged).not.toContain(`"${nameplate}"`);
    expect(logged).not.toMatch(/nameplate|body|127\.0\.0/);
  });
});
