import { describe, expect, it } from 'vitest';
import { DeviceRateLimiter } from './device-rate-limit.js';

const policy = { burst: 3, refillMs: 1_000 };

describe('a paired device is limited in how often it may ask', () => {
  it('keeps a bucket per device: one device flooding does not limit another', () => {
    const limiter = new DeviceRateLimiter(policy);
    for (let i = 0; i < 3; i++) expect(limiter.allow('mallory', 0)).toBe(true);
    expect(limiter.allow('mallory', 0)).toBe(false);
    expect(limiter.allow('alice', 0)).toBe(true);
    limiter.forget('mallory');
    expect(limiter.allow('mallory', 0)).toBe(true);
  });
});
