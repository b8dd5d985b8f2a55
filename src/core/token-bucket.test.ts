import { describe, expect, it } from 'vitest';
import { msUntilToken, takeToken } from './token-bucket.js';

const policy = { burst: 3, refillMs: 1_000 };

describe('a token bucket allows a burst, then one per refill', () => {
  it('allows a burst, then refuses until a token has refilled', () => {
    let bucket;
    const results: boolean[] = [];
    for (let i = 0; i < 5; i++) {
      const taken = takeToken(bucket, policy, 0);
      bucket = taken.bucket;
      results.push(taken.allowed);
    }
    expect(results).toEqual([true, true, true, false, false]);
    expect(takeToken(bucket, policy, 999).allowed).toBe(false);
    expect(takeToken(bucket, policy, 1_000).allowed).toBe(true);
  });

  it('refills at most up to the burst, however long the device was quiet', () => {
    let bucket = takeToken(undefined, policy, 0).bucket;
    let allowed = 0;
    for (let i = 0; i < 10; i++) {
      const taken = takeToken(bucket, policy, 1_000_000);
      bucket = taken.bucket;
      if (taken.allowed) allowed++;
    }
    expect(allowed).toBe(3);
  });

  it('a clock that goes back refills nothing for the step, then refills from the new time', () => {
    let bucket = takeToken(undefined, policy, 10_000).bucket;
    bucket = takeToken(bucket, policy, 10_000).bucket;
    bucket = takeToken(bucket, policy, 10_000).bucket;
    ({ bucket } = takeToken(bucket, policy, 0));
    expect(takeToken(bucket, policy, 0).allowed).toBe(false);
    expect(takeToken(bucket, policy, 999).allowed).toBe(false);
    // Not frozen until the clock is back at 10 s: one refill after the step, a token.
    expect(takeToken(bucket, policy, 1_000).allowed).toBe(true);
  });

  it('a sustained flood gets one request per refill period through', () => {
    let bucket;
    let allowed = 0;
    // 100 requests a second for 10 s.
    for (let at = 0; at < 10_000; at += 10) {
      const taken = takeToken(bucket, policy, at);
      bucket = taken.bucket;
      if (taken.allowed) allowed++;
    }
    expect(allowed).toBe(3 + 9);
  });
});

describe('how long until the next token', () => {
  const policy = { burst: 2, refillMs: 100 };

  it('is 0 while a token is left, and one refill once the bucket is empty', () => {
    let { bucket } = takeToken(undefined, policy, 0);
    expect(msUntilToken(bucket, policy)).toBe(0);
    ({ bucket } = takeToken(bucket, policy, 0));
    expect(msUntilToken(bucket, policy)).toBe(100);
    ({ bucket } = takeToken(bucket, policy, 40));
    expect(msUntilToken(bucket, policy)).toBe(60);
  });
});
