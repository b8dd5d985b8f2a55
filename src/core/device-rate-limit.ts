/**
 * How often a paired device may ask this one for something (a session, a link): a token
 * bucket per device (token-bucket.ts).
 */
import { takeToken, type Bucket, type RatePolicy } from './token-bucket.js';

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
