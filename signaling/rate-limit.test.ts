import { describe, expect, it } from 'vitest';
import { KeyedRateLimit, KeyedTokenBuckets, TokenBucket } from './rate-limit.js';

function clock() {
  const state = { now: 0 };
  return { state, now: () => state.now };
}

describe('TokenBucket', () => {
  it('allows a burst of `capacity`, then refuses', () => {
    const { now } = clock();
    const bucket = new TokenBucket(3, 1, now);
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([
      true,
      true,
      true,
      false,
    ]);
  });

  it('refills at `refillPerSecond`, including fractions of a token', () => {
    const { state, now } = clock();
    const bucket = new TokenBucket(2, 4, now);
    bucket.take();
    bucket.take();
    state.now += 125; // half a token
    expect(bucket.take()).toBe(false);
    state.now += 125;
    expect(bucket.take()).toBe(true);
    expect(bucket.take()).toBe(false);
  });

  it('never holds more than its capacity, however long it idles', () => {
    const { state, now } = clock();
    const bucket = new TokenBucket(2, 100, now);
    state.now += 3_600_000;
    expect([bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, false]);
  });

  it('neither refills nor drains when the clock steps backwards', () => {
    const { state, now } = clock();
    state.now = 10_000;
    const bucket = new TokenBucket(1, 1, now);
    bucket.take();
    state.now = 0;
    expect(bucket.take()).toBe(false);
    state.now = 1000;
    expect(bucket.take()).toBe(true);
  });
});

describe('KeyedRateLimit', () => {
  it('gives each key its own per-minute budget', () => {
    const { now } = clock();
    const limit = new KeyedRateLimit(2, now);
    expect([limit.take('a'), limit.take('a'), limit.take('a')]).toEqual([true, true, false]);
    expect(limit.take('b')).toBe(true);
  });

  it('refills one event every 60/perMinute seconds', () => {
    const { state, now } = clock();
    const limit = new KeyedRateLimit(30, now);
    for (let i = 0; i < 30; i++) limit.take('a');
    expect(limit.take('a')).toBe(false);
    state.now += 2000;
    expect(limit.take('a')).toBe(true);
    expect(limit.take('a')).toBe(false);
  });

  it('prunes only keys whose bucket has refilled', () => {
    const { state, now } = clock();
    const limit = new KeyedRateLimit(60, now);
    limit.take('old');
    state.now += 1000;
    limit.take('new');
    limit.prune();
    expect(limit.size).toBe(1);
    state.now += 1000;
    limit.prune();
    expect(limit.size).toBe(0);
  });
});

describe('KeyedTokenBuckets', () => {
  it('gives each key a bucket of `capacity` refilled at `refillPerSecond`', () => {
    const { state, now } = clock();
    const limit = new KeyedTokenBuckets(2, 10, now);
    expect([limit.take('a'), limit.take('a'), limit.take('a'), limit.take('b')]).toEqual([
      true,
      true,
      false,
      true,
    ]);
    state.now += 100;
    expect([limit.take('a'), limit.take('a')]).toEqual([true, false]);
  });
});
