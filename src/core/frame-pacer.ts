/**
 * Paces frames to the signaling service so a burst never trips its frame limit (a client
 * over FRAME_BURST is closed with 4003, which drops every session on that connection). A
 * token bucket well inside the server's defaults: frames within it go at once, the rest
 * wait their turn, in order. Pure apart from the injected clock and timer.
 */
import { msUntilToken, takeToken, type Bucket, type RatePolicy } from './token-bucket.js';

/**
 * Half the server's default limits (FRAME_BURST 60, FRAME_RATE 20/s in signaling/config.ts):
 * a session's handshake (a dozen frames) never waits; a burst of 100 links takes 7 s.
 */
export const CLIENT_FRAME_PACE: RatePolicy = { burst: 30, refillMs: 100 };

export interface PacerTimers {
  now(): number;
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: PacerTimers = {
  now: () => Date.now(),
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export class FramePacer<T> {
  private readonly waiting: T[] = [];
  private bucket: Bucket | undefined;
  private timer: unknown;

  constructor(
    private readonly deliver: (item: T) => void,
    private readonly policy: RatePolicy = CLIENT_FRAME_PACE,
    private readonly timers: PacerTimers = realTimers,
  ) {}

  /** Frames queued behind the pace. */
  get backlog(): number {
    return this.waiting.length;
  }

  push(item: T): void {
    this.waiting.push(item);
    if (this.timer === undefined) this.drain();
  }

  /** Delivers everything still waiting, now (the connection is closing: last words go). */
  flush(): void {
    this.cancelTimer();
    for (const item of this.waiting.splice(0)) this.deliver(item);
  }

  /** Forgets everything still waiting (the connection is gone). */
  clear(): void {
    this.cancelTimer();
    this.waiting.length = 0;
  }

  private drain(): void {
    this.timer = undefined;
    while (this.waiting.length > 0) {
      const { allowed, bucket } = takeToken(this.bucket, this.policy, this.timers.now());
      this.bucket = bucket;
      if (!allowed) {
        this.timer = this.timers.setTimeout(() => this.drain(), msUntilToken(bucket, this.policy));
        return;
      }
      this.deliver(this.waiting.shift()!);
    }
  }

  private cancelTimer(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
