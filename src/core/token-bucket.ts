/**
 * Token buckets, as plain data: a burst of `burst` goes through at once, then one more every
 * `refillMs`. Pure: the caller passes the clock. Used by the paired-device limits
 * (device-rate-limit.ts), the client's frame pacer (frame-pacer.ts) and the signaling
 * server's own limits (signaling/rate-limit.ts).
 */
export interface RatePolicy {
  /** Tokens held at most: requests allowed at once after a quiet spell. */
  burst: number;
  /** One more token every this many milliseconds (Infinity: never refilled). */
  refillMs: number;
}

export interface Bucket {
  tokens: number;
  /** When `tokens` was last brought up to date. */
  at: number;
}

/**
 * `bucket` brought up to `now` (a missing one is full). A clock that steps back refills
 * nothing for the step, and refilling goes on from the new time: a wall clock corrected back
 * an hour must not freeze every bucket for that hour.
 */
export function refilled(bucket: Bucket | undefined, policy: RatePolicy, now: number): Bucket {
  if (!bucket) return { tokens: policy.burst, at: now };
  const elapsed = Math.max(0, now - bucket.at);
  return { tokens: Math.min(policy.burst, bucket.tokens + elapsed / policy.refillMs), at: now };
}

export function takeToken(
  bucket: Bucket | undefined,
  policy: RatePolicy,
  now: number,
): { allowed: boolean; bucket: Bucket } {
  const current = refilled(bucket, policy, now);
  if (current.tokens < 1) return { allowed: false, bucket: current };
  return { allowed: true, bucket: { tokens: current.tokens - 1, at: current.at } };
}

/** How long until `bucket` holds a whole token again (0 if it does now). */
export function msUntilToken(bucket: Bucket, policy: RatePolicy): number {
  return Math.max(0, Math.ceil((1 - bucket.tokens) * policy.refillMs));
}
