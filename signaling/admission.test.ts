import { describe, expect, it } from 'vitest';
import { CloseCode, PROTOCOL_VERSION } from '../src/core/protocol.js';
import {
  Admission,
  AddressCounts,
  SERVER_FULL,
  checkFrame,
  refuseConnection,
  turnPlan,
  type AdmissionBudgets,
  type AdmissionConfig,
} from './admission.js';
import { KeyedRateLimit, KeyedTokenBuckets } from './rate-limit.js';

const LIMITS: AdmissionConfig = {
  maxConnections: 100,
  maxConnectionsPerIp: 2,
  maxFrameBytes: 64,
  frameBurst: 3,
  frameRate: 1,
  frameBurstPerIp: 5,
  frameRatePerIp: 1,
  maxMailboxesPerIp: 1,
  turnGrantsPerHour: 2,
  turn: { urls: ['turn:turn.example:3478'], secret: 's', ttlSeconds: 600 },
};

/** A clock that only moves when told to, so no budget refills during a test. */
const stoppedClock = () => 1_000_000;

function budgets(perMinute = 2): AdmissionBudgets {
  return {
    allocations: new KeyedRateLimit(perMinute, stoppedClock),
    claims: new KeyedRateLimit(perMinute, stoppedClock),
    joins: new KeyedRateLimit(perMinute, stoppedClock),
    turnGrants: new KeyedTokenBuckets(LIMITS.turnGrantsPerHour, 0, stoppedClock),
  };
}

const admission = (config: Partial<AdmissionConfig> = {}, perMinute = 2) =>
  new Admission({ ...LIMITS, ...config }, budgets(perMinute), stoppedClock);

const text = (value: unknown) => Buffer.from(JSON.stringify(value));
const HELLO = text({ type: 'hello', v: PROTOCOL_VERSION });

describe('connection admission', () => {
  it('refuses with 1013 past MAX_CONNECTIONS, before looking at the address', () => {
    expect(refuseConnection(100, 5, LIMITS)).toEqual({
      reason: 'server_full',
      code: SERVER_FULL,
      text: 'server full: try again later',
    });
  });

  it('refuses with 4007 past MAX_CONNECTIONS_PER_IP', () => {
    expect(refuseConnection(3, 2, LIMITS)).toMatchObject({
      reason: 'ip_connections',
      code: CloseCode.TOO_MANY_CONNECTIONS,
    });
    expect(refuseConnection(3, 1, LIMITS)).toBeNull();
  });

  it('counts the connections of an address, and frees a place when one closes', () => {
    const limits = admission();
    expect(limits.admitConnection('198.51.100.1', 0)).toBeNull();
    expect(limits.admitConnection('198.51.100.1', 1)).toBeNull();
    expect(limits.admitConnection('198.51.100.1', 2)?.reason).toBe('ip_connections');
    expect(limits.admitConnection('198.51.100.2', 2)).toBeNull();
    limits.connectionClosed('198.51.100.1');
    expect(limits.admitConnection('198.51.100.1', 3)).toBeNull();
  });
});

describe('frame checks', () => {
  const plenty = { connection: () => true, address: () => true };

  it('decodes a frame that passes every check', () => {
    expect(checkFrame(HELLO, false, 64, plenty)).toEqual({
      ok: true,
      frame: { type: 'hello', v: PROTOCOL_VERSION },
    });
  });

  it('refuses an oversized frame with 4002 before spending any frame budget', () => {
    let spent = 0;
    const counting = { connection: () => (spent++, true), address: () => (spent++, true) };
    expect(checkFrame(Buffer.alloc(65, 'a'), false, 64, counting)).toEqual({
      ok: false,
      reason: 'frame_too_large',
      code: CloseCode.FRAME_TOO_LARGE,
    });
    expect(spent).toBe(0);
  });

  it("closes with 4003 on the connection's rate first, then on its address's", () => {
    const address = { used: false };
    const tokens = { connection: () => false, address: () => (address.used = true) };
    expect(checkFrame(HELLO, false, 64, tokens)).toMatchObject({ reason: 'frame_rate' });
    expect(address.used).toBe(false);
    expect(checkFrame(HELLO, false, 64, { connection: () => true, address: () => false })).toEqual({
      ok: false,
      reason: 'ip_frame_rate',
      code: CloseCode.RATE_LIMITED,
    });
  });

  it('closes with 4001 on binary, non-JSON or unknown frames, after the rate checks', () => {
    const invalid = { ok: false, reason: 'invalid_frame', code: CloseCode.INVALID_FRAME };
    expect(checkFrame(HELLO, true, 64, plenty)).toEqual(invalid);
    expect(checkFrame(Buffer.from('{"type":'), false, 64, plenty)).toEqual(invalid);
    expect(checkFrame(text({ type: 'hello', v: 2, extra: 1 }), false, 64, plenty)).toEqual(invalid);
    expect(checkFrame(text({ type: 'claim', nameplate: '0' }), false, 64, plenty)).toEqual(invalid);
    const limited = { connection: () => false, address: () => true };
    expect(checkFrame(Buffer.from('not json'), true, 64, limited)).toMatchObject({
      reason: 'frame_rate',
    });
  });

  it('spends the per-connection burst, then the per-address one across connections', () => {
    const limits = admission();
    const first = limits.frameBudget();
    const second = limits.frameBudget();
    const check = (budget: typeof first) => limits.checkFrame(HELLO, false, budget, '203.0.113.9');
    expect([check(first), check(first), check(first), check(first)].map((c) => c.ok)).toEqual([
      true,
      true,
      true,
      false,
    ]);
    // The refused fourth spent nothing of the address's burst of 5: the second connection gets
    // the two left.
    expect([check(second).ok, check(second).ok]).toEqual([true, true]);
    expect(check(second)).toMatchObject({ ok: false, reason: 'ip_frame_rate' });
  });
});

describe('mailbox entry budgets', () => {
  it('refuses a connection outside any mailbox at MAX_MAILBOXES_PER_IP, spending no budget', async () => {
    const limits = admission({ maxMailboxesPerIp: 1 }, 1);
    limits.mailboxEntered('192.0.2.1');
    expect(await limits.admitEntry('allocate', '192.0.2.1', false)).toBe('ip_mailboxes');
    limits.mailboxLeft('192.0.2.1');
    expect(await limits.admitEntry('allocate', '192.0.2.1', false)).toBeNull();
  });

  it('leaves a connection already in a mailbox to the store, which answers ALREADY_IN_MAILBOX', async () => {
    const limits = admission({ maxMailboxesPerIp: 1 });
    limits.mailboxEntered('192.0.2.1');
    expect(await limits.admitEntry('claim', '192.0.2.1', true)).toBeNull();
  });

  it('gives allocations, claims and joins each their own budget per address, named in the rejection', async () => {
    const limits = admission({ maxMailboxesPerIp: 100 }, 2);
    for (const [frame, reason] of [
      ['allocate', 'allocation_rate'],
      ['claim', 'claim_rate'],
      ['join', 'join_rate'],
    ] as const) {
      expect(await limits.admitEntry(frame, '192.0.2.7', false)).toBeNull();
      expect(await limits.admitEntry(frame, '192.0.2.7', false)).toBeNull();
      expect(await limits.admitEntry(frame, '192.0.2.7', false)).toBe(reason);
      expect(await limits.admitEntry(frame, '192.0.2.8', false)).toBeNull();
    }
  });
});

describe('TURN budget', () => {
  it.each([
    ['no TURN configured', false, 'nameplate', 5, 'no-turn'],
    ['a session paired by nameplate', true, 'nameplate', 0, 'grant'],
    ['a paired-device session', true, 'device', 5, 'budget'],
    ['a paired-device session with TURN_GRANTS_PER_HOUR=0', true, 'device', 0, 'withhold'],
    ['a session in no mailbox the server knows', true, null, 5, 'budget'],
  ] as const)('plans %s as %s', (_what, turn, mailbox, perHour, plan) => {
    expect(turnPlan(turn, mailbox, perHour)).toBe(plan);
  });

  it('grants code sessions without spending the budget; paired devices spend it, then get STUN only', () => {
    const limits = admission();
    const key = '2001:db8:1:2::/64';
    for (let i = 0; i < 5; i++) expect(limits.turnGrant(key, 'nameplate')).toBe(true);
    expect([1, 2, 3].map(() => limits.turnGrant(key, 'device'))).toEqual([true, true, false]);
    expect(limits.turnGrant('2001:db8:9:9::/64', 'device')).toBe(true);
  });

  it('says no TURN at all where none is configured', () => {
    expect(admission({ turn: null }).turnGrant('192.0.2.1', 'device')).toBeNull();
  });
});

describe('address counts', () => {
  it('forgets an address whose count is back to zero', () => {
    const counts = new AddressCounts();
    counts.increment('a');
    counts.increment('a');
    counts.decrement('a');
    expect(counts.get('a')).toBe(1);
    counts.decrement('a');
    expect([counts.get('a'), counts.size]).toEqual([0, 0]);
  });
});
