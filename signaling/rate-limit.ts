/**
 * Token buckets (src/core/token-bucket.ts, shared with the clients): `capacity` tokens at
 * most, refilled continuously at `refillPerSecond`. Pure apart from the injected clock, so
 * tests drive time by hand.
 */
import { refilled, takeToken, type Bucket, type RatePolicy } from '../src/core/token-bucket.js';

export type Clock = () => number;

export class TokenBucket {
  private readonly policy: RatePolicy;
  private bucket: Bucket;

  constructor(
    readonly capacity: number,
    readonly refillPerSecond: number,
    private readonly now: Clock,
  ) {
    this.policy = { burst: capacity, refillMs: 1000 / refillPerSecond };
    this.bucket = refilled(undefined, this.policy, now());
  }

  /** Takes one token if there is one. */
  take(): boolean {
    const { allowed, bucket } = takeToken(this.bucket, this.policy, this.now());
    this.bucket = bucket;
    return allowed;
  }

  isFull(): boolean {
    this.bucket = refilled(this.bucket, this.policy, this.now());
    return this.bucket.tokens >= this.capacity;
  }
}

/**
 * A per-key limit as the server uses it: in memory (one process) or in Redis (shared by every
 * process, see redis-store.ts), so the guessing budget of an address does not grow with the
 * number of processes.
 */
export interface RateLimiter {
  take(key: string): boolean | Promise<boolean>;
  /** Forgets idle keys; a Redis limiter lets its keys expire instead. */
  prune(): void;
}

/** One token bucket per key, created full on first use. */
export class KeyedTokenBuckets implements RateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly capacity: number,
    private readonly refillPerSecond: number,
    private readonly now: Clock,
  ) {}

  take(key: string): boolean {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(this.capacity, this.refillPerSecond, this.now);
      this.buckets.set(key, bucket);
    }
    return bucket.take();
  }

  /** Forgets keys whose bucket has refilled: they behave exactly like new ones. */
  prune(): void {
    for (const [key, bucket] of this.buckets) if (bucket.isFull()) this.buckets.delete(key);
  }

  get size(): number {
    return this.buckets.size;
  }
}

/** `perMinute` events per key: a burst of `perMinute`, then one every 60/perMinute seconds. */
export class KeyedRateLimit extends KeyedTokenBuckets {
  constructor(perMinute: number, now: Clock) {
    super(perMinute, perMinute / 60, now);
  }
}
