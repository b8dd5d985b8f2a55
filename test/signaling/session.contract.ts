/**
 * The session behaviour every deployment must have, as one suite over real WebSocket clients:
 * `server.test.ts` runs it against one in-memory server (both sides on one process), and
 * `server-redis.test.ts` against two processes sharing a Redis, with the first side of every
 * session on one process and the second side on the other.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { NAMEPLATE_PATTERN } from '../../src/core/protocol.js';
import type { Config } from '../../signaling/config.js';
import { TestClient, addressSequence, pairByNameplate } from './test-support.js';

export const SESSION_TURN_SECRET = 'test-turn-secret-0123456789';
export const SESSION_TURN_TTL_SECONDS = 3600;
export const SESSION_STUN = { urls: ['stun:stun.example.org:3478'] };
const TURN_URL = 'turn:turn.example.org:3478';
const MAILBOX_ID = 'c0ffee'.repeat(10) + 'beef';

/** The configuration the suite expects, for a server in this process… */
export const sessionConfig: Partial<Config> = {
  iceServers: [SESSION_STUN],
  turn: { urls: [TURN_URL], secret: SESSION_TURN_SECRET, ttlSeconds: SESSION_TURN_TTL_SECONDS },
};
/** …and for one started as a process (signaling/main.ts). */
export const sessionEnv: Record<string, string> = {
  ICE_SERVERS: JSON.stringify([SESSION_STUN]),
  TURN_URLS: TURN_URL,
  TURN_SECRET: SESSION_TURN_SECRET,
  TURN_TTL_SECONDS: String(SESSION_TURN_TTL_SECONDS),
};

export interface SessionTarget {
  /** Where the first side of a session connects (the allocator, the first to join). */
  readonly first: string;
  /** Where the second side connects: the same server, or another process. */
  readonly second: string;
  /** Everything the server(s) logged so far: pino's JSON lines. */
  readonly logs: () => string;
}

export function sessionSuite(name: string, target: () => SessionTarget): void {
  const nextAddress = addressSequence();

  describe(`sessions: ${name}`, () => {
    describe('nameplate mailboxes', () => {
      it('relays frames unchanged between the two sides of an allocated and claimed mailbox', async () => {
        const { first, second } = target();
        const { a, b, nameplate } = await pairByNameplate(first, nextAddress(), second);
        expect(nameplate).toMatch(NAMEPLATE_PATTERN);
        const sealed = 'AAEC-_x'.repeat(100);
        a.send({ type: 'relay', body: sealed });
        expect(await b.expect('relay')).toEqual({ type: 'relay', body: sealed });
        b.send({ type: 'relay', body: 'reply' });
        expect(await a.expect('relay')).toEqual({ type: 'relay', body: 'reply' });
        const burst = Array.from({ length: 40 }, (_, i) => `in-order-${i}`);
        for (const body of burst) a.send({ type: 'relay', body });
        for (const body of burst) expect(await b.expect('relay')).toEqual({ type: 'relay', body });
        a.close();
        b.close();
      });

      it('sends paired with the STUN servers and a fresh TURN credential that verifies with HMAC-SHA1', async () => {
        const { first, second } = target();
        const before = Math.floor(Date.now() / 1000);
        const { a, b, aIce, bIce } = await pairByNameplate(first, nextAddress(), second);
        const after = Math.floor(Date.now() / 1000);
        for (const iceServers of [aIce, bIce]) {
          expect(iceServers).toHaveLength(2);
          expect(iceServers[0]).toEqual(SESSION_STUN);
          const turn = iceServers[1];
          expect(turn?.urls).toEqual([TURN_URL]);
          const [expiry, id] = (turn?.username ?? '').split(':');
          expect(Number(expiry)).toBeGreaterThanOrEqual(before + SESSION_TURN_TTL_SECONDS);
          expect(Number(expiry)).toBeLessThanOrEqual(after + SESSION_TURN_TTL_SECONDS);
          expect(id).toMatch(/^[0-9a-f]{16}$/);
          const expected = createHmac('sha1', SESSION_TURN_SECRET)
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
        const client = await TestClient.ready(target().second, nextAddress());
        client.send({ type: 'claim', nameplate: '999999' });
        await client.expectError('NO_SUCH_NAMEPLATE');
        client.send({ type: 'allocate' });
        expect((await client.expect('allocated')).nameplate).toMatch(NAMEPLATE_PATTERN);
        client.close();
      });

      it('refuses a third party claiming an already claimed nameplate with MAILBOX_FULL', async () => {
        const { first, second } = target();
        const ip = nextAddress();
        const { a, b, nameplate } = await pairByNameplate(first, ip, second);
        const intruders = [await TestClient.ready(first, ip), await TestClient.ready(second, ip)];
        for (const intruder of intruders) {
          intruder.send({ type: 'claim', nameplate });
          await intruder.expectError('MAILBOX_FULL');
        }
        await a.expectSilence();
        a.send({ type: 'relay', body: 'still-private' });
        expect(await b.expect('relay')).toEqual({ type: 'relay', body: 'still-private' });
        for (const intruder of intruders) await intruder.expectSilence(50);
        for (const client of [a, b, ...intruders]) client.close();
      });

      it("burns the nameplate on a 'scary' release: the peer is told and a later claim fails", async () => {
        const { first, second } = target();
        const ip = nextAddress();
        const { a, b, nameplate } = await pairByNameplate(first, ip, second);
        b.send({ type: 'release', mood: 'scary' });
        expect(await a.expect('peer')).toEqual({ type: 'peer', event: 'left', mood: 'scary' });
        for (const url of [first, second]) {
          const guesser = await TestClient.ready(url, ip);
          guesser.send({ type: 'claim', nameplate });
          await guesser.expectError('NO_SUCH_NAMEPLATE');
          guesser.close();
        }
        // The survivor is out of the closed mailbox too.
        a.send({ type: 'relay', body: 'anyone' });
        await a.expectError('NOT_IN_MAILBOX');
        for (const client of [a, b]) client.close();
      });

      it('tells the peer of a side that disconnects that it left, without a mood', async () => {
        const { first, second } = target();
        const { a, b } = await pairByNameplate(first, nextAddress(), second);
        b.close();
        expect(await a.expect('peer')).toEqual({ type: 'peer', event: 'left' });
        a.close();
      });

      it('answers NO_PEER before the claimer arrives and NOT_IN_MAILBOX outside a mailbox', async () => {
        const client = await TestClient.ready(target().second, nextAddress());
        client.send({ type: 'relay', body: 'x' });
        await client.expectError('NOT_IN_MAILBOX');
        client.send({ type: 'allocate' });
        await client.expect('allocated');
        client.send({ type: 'relay', body: 'x' });
        await client.expectError('NO_PEER');
        client.close();
      });

      it('keeps a connection in at most one mailbox, and lets it allocate again after release', async () => {
        const client = await TestClient.ready(target().first, nextAddress());
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
        const { first, second } = target();
        const ip = nextAddress();
        const a = await TestClient.ready(first, ip);
        const b = await TestClient.ready(second, ip);
        a.send({ type: 'join', mailbox: MAILBOX_ID });
        expect(await a.expect('joined')).toEqual({ type: 'joined', peerPresent: false });
        b.send({ type: 'join', mailbox: MAILBOX_ID });
        expect(await b.expect('joined')).toEqual({ type: 'joined', peerPresent: true });
        expect((await b.expect('paired')).iceServers).toHaveLength(2);
        expect((await a.expect('paired')).iceServers).toHaveLength(2);
        a.send({ type: 'relay', body: 'hi-b' });
        expect(await b.expect('relay')).toEqual({ type: 'relay', body: 'hi-b' });

        const third = await TestClient.ready(first, ip);
        third.send({ type: 'join', mailbox: MAILBOX_ID });
        await third.expectError('MAILBOX_FULL');

        // b goes offline, then comes back on a new connection (to the other process).
        b.close();
        expect(await a.expect('peer')).toEqual({ type: 'peer', event: 'left' });
        const bAgain = await TestClient.ready(first, ip);
        bAgain.send({ type: 'join', mailbox: MAILBOX_ID });
        expect(await bAgain.expect('joined')).toEqual({ type: 'joined', peerPresent: true });
        await bAgain.expect('paired');
        await a.expect('paired');
        bAgain.send({ type: 'relay', body: 'back-again' });
        expect(await a.expect('relay')).toEqual({ type: 'relay', body: 'back-again' });
        for (const client of [a, bAgain, third]) client.close();
      });
    });

    // Last: it reads what every test above logged, too.
    describe('logging', () => {
      it('logs a full session as JSON lines without its nameplate, relay bodies or code', async () => {
        const { first, second, logs } = target();
        const { a, b, nameplate } = await pairByNameplate(first, nextAddress(), second);
        // What a user reads aloud; the words never reach the server, the nameplate does.
        const code = `${nameplate}-guitar-eclipse`;
        const body = 'c2VjcmV0LXJlbGF5LWJvZHk';
        a.send({ type: 'relay', body });
        await b.expect('relay');
        b.send({ type: 'relay', body: body + 'Zz' });
        await a.expect('relay');
        a.send({ type: 'release', mood: 'happy' });
        await b.expect('peer');
        a.close();
        b.close();
        await Promise.all([a.closedWithin(), b.closedWithin()]);
        await new Promise((resolve) => setTimeout(resolve, 100)); // let the processes log the closes

        const lines = logs()
          .split('\n')
          .filter((line) => line.startsWith('{'))
          .map((line) => JSON.parse(line) as Record<string, unknown>);
        const events = new Set(lines.map((line) => line.event));
        for (const event of ['conn.open', 'conn.close']) expect(events).toContain(event);
        for (const line of lines) {
          expect(typeof line.level).toBe('string');
          expect(typeof line.event).toBe('string');
          for (const [field, value] of Object.entries(line)) {
            expect(['nameplate', 'body', 'mailbox', 'code']).not.toContain(field);
            // Numbers (counts, pids) may equal a short nameplate by chance; a logged nameplate
            // would be the string the server handles.
            if (typeof value === 'string') {
              expect(value, `${field} in ${JSON.stringify(line)}`).not.toBe(nameplate);
              expect(value).not.toContain(body);
              expect(value).not.toContain(code);
              expect(value).not.toContain('guitar');
              expect(value).not.toMatch(/127\.0\.0\.\d/);
            }
          }
        }
        const raw = logs();
        expect(raw).not.toContain(body);
        expect(raw).not.toContain(`"${nameplate}"`);
        expect(raw).not.toContain(MAILBOX_ID);
      });
    });
  });
}
