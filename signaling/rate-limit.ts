/**
 * Token buckets: `capacity` tokens at most, refilled continuously at `refillPerSecond`. Pure
 * apart from the injected clock, so tests drive time by hand.
 */
export type Clock = () => number;

export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly capacity: number,
    readonly refillPerSecond: number,
    private readonly now: Clock,
  ) {
    this.tokens = capacity;
    this.last = now();
  }

  /** Takes one token if there is one. */
  take(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  isFull(): boolean {
    this.refill();
    return this.tokens >= this.capacity;
  }

  private refill(): void {
    const now = this.now();
    // A clock that steps backwards must not drain the bucket.
    const elapsedMs = Math.max(0, now - this.last);
    this.tokens = Math.min(this.capacity, this.tokens + (elapsedMs * this.refillPerSecond) / 1000);
    this.last = now;
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
