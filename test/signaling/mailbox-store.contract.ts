/**
 * The behaviour every `MailboxStore` must have, as one suite: `mailboxes.test.ts` runs it
 * against the in-memory store, and a Redis store runs the very same function.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NAMEPLATE_PATTERN } from '../../src/core/protocol.js';
import type { ConnectionId, MailboxEvent, MailboxStore } from '../../signaling/mailboxes.js';
import type { RandomInt } from '../../signaling/nameplates.js';
import type { Clock } from '../../signaling/rate-limit.js';

export interface StoreFactoryOptions {
  readonly mailboxTtlMs: number;
  readonly nameplateQuarantineMs: number;
  readonly now: Clock;
  readonly randomInt?: RandomInt;
}

export type StoreFactory = (options: StoreFactoryOptions) => MailboxStore | Promise<MailboxStore>;

const TTL_MS = 60_000;
const QUARANTINE_MS = 600_000;
const MAILBOX_ID = 'ab'.repeat(32);

/** Draws `values` in order, then 1, 2, 3, … */
function scriptedRandom(values: number[]): RandomInt {
  let fallback = 0;
  return () => values.shift() ?? ++fallback;
}

export function mailboxStoreContract(name: string, makeStore: StoreFactory): void {
  describe(`MailboxStore contract: ${name}`, () => {
    let time: number;
    let store: MailboxStore;
    let inbox: Map<ConnectionId, MailboxEvent[]>;
    /** Every store a test made, closed after it (a Redis store holds connections). */
    const made: MailboxStore[] = [];

    const setup = async (randomInt?: RandomInt) => {
      time = 1_000_000;
      inbox = new Map();
      store = await makeStore({
        mailboxTtlMs: TTL_MS,
        nameplateQuarantineMs: QUARANTINE_MS,
        now: () => time,
        randomInt,
      });
      made.push(store);
    };
    const connect = async (...conns: ConnectionId[]) => {
      for (const conn of conns) {
        inbox.set(conn, []);
        await store.connect(conn, (event) => inbox.get(conn)?.push(event));
      }
    };
    /** Events `conn` received since the last call. */
    const heard = (conn: ConnectionId) => inbox.get(conn)?.splice(0) ?? [];
    const allocate = async (conn: ConnectionId) => {
      const result = await store.allocate(conn);
      if (!result.ok) throw new Error(`allocate failed: ${result.code}`);
      return result.nameplate;
    };

    beforeEach(() => setup());
    afterEach(async () => {
      await Promise.all(made.splice(0).map((each) => each.close()));
    });

    describe('nameplates', () => {
      it('allocates a nameplate matching NAMEPLATE_PATTERN with the allocator waiting alone', async () => {
        await connect('a');
        expect(await allocate('a')).toMatch(NAMEPLATE_PATTERN);
        expect(await store.stats()).toMatchObject({ connections: 1, mailboxes: 1, waiting: 1 });
        expect(heard('a')).toEqual([]);
      });

      it('pairs the claimer with the allocator and tells the allocator', async () => {
        await connect('a', 'b');
        const nameplate = await allocate('a');
        expect(await store.claim('b', nameplate)).toEqual({ ok: true });
        expect(heard('a')).toEqual([{ type: 'paired' }]);
        expect(heard('b')).toEqual([]);
        expect(await store.stats()).toMatchObject({ mailboxes: 1, waiting: 0 });
      });

      it('answers NO_SUCH_NAMEPLATE for a nameplate nobody allocated', async () => {
        await connect('b');
        expect(await store.claim('b', '4242')).toEqual({ ok: false, code: 'NO_SUCH_NAMEPLATE' });
      });

      it('lets a nameplate be claimed once: a later claim gets MAILBOX_FULL', async () => {
        await connect('a', 'b', 'c');
        const nameplate = await allocate('a');
        await store.claim('b', nameplate);
        expect(await store.claim('c', nameplate)).toEqual({ ok: false, code: 'MAILBOX_FULL' });
        expect(heard('a')).toEqual([{ type: 'paired' }]);
      });

      it('closes the mailbox for good when a side releases: peer told, nameplate gone', async () => {
        await connect('a', 'b', 'c');
        const nameplate = await allocate('a');
        await store.claim('b', nameplate);
        heard('a');
        await store.release('b', 'happy');
        expect(heard('a')).toEqual([{ type: 'peer-left', mood: 'happy' }]);
        expect(await store.relay('a', 'x')).toEqual({ ok: false, code: 'NOT_IN_MAILBOX' });
        expect(await store.claim('c', nameplate)).toEqual({ ok: false, code: 'NO_SUCH_NAMEPLATE' });
        expect(await store.stats()).toMatchObject({ mailboxes: 0, quarantinedNameplates: 1 });
      });

      it("burns the nameplate on a 'scary' release: peer told, a later claim finds nothing", async () => {
        await connect('a', 'b', 'c');
        const nameplate = await allocate('a');
        await store.claim('b', nameplate);
        heard('b');
        await store.release('a', 'scary');
        expect(heard('b')).toEqual([{ type: 'peer-left', mood: 'scary' }]);
        expect(await store.claim('c', nameplate)).toEqual({ ok: false, code: 'NO_SUCH_NAMEPLATE' });
      });

      it('closes an unclaimed mailbox when its allocator leaves', async () => {
        await connect('a', 'b');
        const nameplate = await allocate('a');
        await store.disconnect('a');
        expect(await store.claim('b', nameplate)).toEqual({ ok: false, code: 'NO_SUCH_NAMEPLATE' });
      });

      it('never hands out a nameplate whose mailbox is open', async () => {
        await setup(scriptedRandom([7, 7, 7, 8]));
        await connect('a', 'b');
        expect(await allocate('a')).toBe('7');
        expect(await allocate('b')).toBe('8');
      });

      it('keeps a used nameplate out of allocation until its quarantine ends', async () => {
        await setup(scriptedRandom([7, 7, 9, 7]));
        await connect('a', 'b', 'c');
        expect(await allocate('a')).toBe('7');
        await store.release('a', 'lonely');
        expect(await allocate('b')).toBe('9');
        time += QUARANTINE_MS;
        await store.sweep();
        expect(await allocate('c')).toBe('7');
      });

      it('hands out distinct nameplates to many allocators', async () => {
        const conns = Array.from({ length: 300 }, (_, i) => `c${i}`);
        await connect(...conns);
        const nameplates = await Promise.all(conns.map(allocate));
        expect(new Set(nameplates).size).toBe(conns.length);
        for (const nameplate of nameplates) expect(nameplate).toMatch(NAMEPLATE_PATTERN);
      });
    });

    describe('paired-device mailboxes', () => {
      it('creates on first join, pairs on the second, refuses a third with MAILBOX_FULL', async () => {
        await connect('a', 'b', 'c');
        expect(await store.join('a', MAILBOX_ID)).toEqual({ ok: true, peerPresent: false });
        expect(await store.join('b', MAILBOX_ID)).toEqual({ ok: true, peerPresent: true });
        expect(heard('a')).toEqual([{ type: 'paired' }]);
        expect(await store.join('c', MAILBOX_ID)).toEqual({ ok: false, code: 'MAILBOX_FULL' });
      });

      it('lets a side that left rejoin, and the staying side hears both events', async () => {
        await connect('a', 'b', 'b2');
        await store.join('a', MAILBOX_ID);
        await store.join('b', MAILBOX_ID);
        heard('a');
        await store.disconnect('b');
        expect(heard('a')).toEqual([{ type: 'peer-left', mood: undefined }]);
        expect(await store.relay('a', 'x')).toEqual({ ok: false, code: 'NO_PEER' });
        expect(await store.join('b2', MAILBOX_ID)).toEqual({ ok: true, peerPresent: true });
        expect(heard('a')).toEqual([{ type: 'paired' }]);
        expect(await store.relay('a', 'again')).toEqual({ ok: true });
        expect(heard('b2')).toEqual([{ type: 'relay', body: 'again' }]);
      });

      it('forgets a paired-device mailbox once both sides have left', async () => {
        await connect('a', 'b');
        await store.join('a', MAILBOX_ID);
        await store.join('b', MAILBOX_ID);
        await store.release('a', 'happy');
        await store.release('b', 'happy');
        expect(await store.stats()).toMatchObject({ mailboxes: 0 });
      });
    });

    describe('relay and membership', () => {
      it('hands the relay body to the other side unchanged, in order', async () => {
        await connect('a', 'b');
        await store.claim('b', await allocate('a'));
        heard('a');
        await store.relay('a', 'one');
        await store.relay('a', 'two');
        await store.relay('b', 'back');
        expect(heard('b')).toEqual([
          { type: 'relay', body: 'one' },
          { type: 'relay', body: 'two' },
        ]);
        expect(heard('a')).toEqual([{ type: 'relay', body: 'back' }]);
      });

      it('answers NOT_IN_MAILBOX outside a mailbox and NO_PEER before the peer arrives', async () => {
        await connect('a');
        expect(await store.relay('a', 'x')).toEqual({ ok: false, code: 'NOT_IN_MAILBOX' });
        await allocate('a');
        expect(await store.relay('a', 'x')).toEqual({ ok: false, code: 'NO_PEER' });
      });

      it('keeps a connection in at most one mailbox (ALREADY_IN_MAILBOX)', async () => {
        await connect('a', 'b');
        const nameplate = await allocate('a');
        const already = { ok: false, code: 'ALREADY_IN_MAILBOX' };
        expect(await store.allocate('a')).toEqual(already);
        expect(await store.claim('a', nameplate)).toEqual(already);
        expect(await store.join('a', MAILBOX_ID)).toEqual(already);
      });

      it('lets a connection open a new mailbox after releasing the old one', async () => {
        await connect('a');
        await allocate('a');
        await store.release('a', 'lonely');
        expect(await allocate('a')).toMatch(NAMEPLATE_PATTERN);
      });

      it('treats release outside a mailbox and a second disconnect as no-ops', async () => {
        await connect('a');
        await store.release('a', 'happy');
        await store.disconnect('a');
        await store.disconnect('a');
        expect(await store.stats()).toMatchObject({ connections: 0, mailboxes: 0 });
      });

      it('tells the peer of a disconnected side that it left, without a mood', async () => {
        await connect('a', 'b');
        await store.claim('b', await allocate('a'));
        heard('a');
        await store.disconnect('b');
        expect(heard('a')).toEqual([{ type: 'peer-left', mood: undefined }]);
      });
    });

    describe('expiry', () => {
      it('expires a mailbox idle for the TTL: members hear it and are out', async () => {
        await connect('a', 'b', 'c');
        const nameplate = await allocate('a');
        await store.claim('b', nameplate);
        heard('a');
        time += TTL_MS - 1;
        await store.sweep();
        expect(heard('a')).toEqual([]);
        time += 1;
        await store.sweep();
        expect(heard('a')).toEqual([{ type: 'expired' }]);
        expect(heard('b')).toEqual([{ type: 'expired' }]);
        expect(await store.relay('a', 'x')).toEqual({ ok: false, code: 'NOT_IN_MAILBOX' });
        expect(await store.claim('c', nameplate)).toEqual({ ok: false, code: 'NO_SUCH_NAMEPLATE' });
        expect(await store.stats()).toMatchObject({ mailboxes: 0 });
      });

      it('counts a relay as activity that postpones expiry', async () => {
        await connect('a', 'b');
        await store.join('a', MAILBOX_ID);
        await store.join('b', MAILBOX_ID);
        heard('a');
        time += TTL_MS - 1;
        await store.relay('b', 'still here');
        time += TTL_MS - 1;
        await store.sweep();
        expect(heard('a')).toEqual([{ type: 'relay', body: 'still here' }]);
        expect(await store.relay('a', 'and me')).toEqual({ ok: true });
      });
    });
  });
}
