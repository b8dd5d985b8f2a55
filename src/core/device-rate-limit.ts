/**
 * How often a paired device may ask this one for something (a session, a link): a token
 * bucket per device. A burst of `burst` requests goes through at once, then one more per
 * `refillMs`. Pure: the caller passes the clock.
 */
export interface RatePolicy {
  /** Requests allowed at once after a quiet spell. */
  burst: number;
  /** One more request is allowed every this many milliseconds. */
  refillMs: number;
}

export interface Bucket {
  tokens: number;
  /** When `tokens` was last brought up to date. */
  at: number;
}

export function takeToken(
  bucket: Bucket | undefined,
  policy: RatePolicy,
  now: number,
): { allowed: boolean; bucket: Bucket } {
  const start = bucket ?? { tokens: policy.burst, at: now };
  // A clock that went back refills nothing (and does not move `at` back).
  const elapsed = Math.max(0, now - start.at);
  const tokens = Math.min(policy.burst, start.tokens + elapsed / policy.refillMs);
  const at = Math.max(start.at, now);
  if (tokens < 1) return { allowed: false, bucket: { tokens, at } };
  return { allowed: true, bucket: { tokens: tokens - 1, at } };
}

/** How long until `bucket` holds a whole token again (0 if it does now). */
export function msUntilToken(bucket: Bucket, policy: RatePolicy): number {
  return Math.max(0, Math.ceil((1 - bucket.tokens) * policy.refillMs));
}

/** One bucket per paired device; as many entries as there are paired devices. */
export class DeviceRateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly policy: RatePolicy) {}

  allow(deviceId: string, now: number = Date.now()): boolean {
    const { allowed, bucket } = takeToken(this.buckets.get(deviceId), this.policy, now);
    this.buckets.set(deviceId, bucket);
    return allowed;
  }

  /** The device was unpaired. */
  forget(deviceId: string): void {
    this.buckets.delete(deviceId);
  }
}
