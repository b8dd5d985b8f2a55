/**
 * Speed and ETA for the progress display: an exponentially weighted average of the rate, so
 * the number neither jumps with every sample nor lags for long after a change.
 *
 * Nothing is shown until the rate is known: the first instants fill the send buffer at memory
 * speed ("277 MB/s · 0:00 left"), so samples in the first `settleMs` only move the starting
 * point, and the first rate is the plain average over the next `windowMs`.
 */
export class RateMeter {
  private rate: number | undefined;
  private firstAt: number | undefined;
  private fromAt = 0;
  private fromBytes = 0;
  private lastBytes = 0;
  private lastAt = 0;

  /** `halfLifeMs`: how fast old samples fade. */
  constructor(
    private readonly halfLifeMs = 4_000,
    private readonly settleMs = 500,
    private readonly windowMs = 1_000,
  ) {}

  /** Feeds the running total of bytes at time `at` (ms). */
  sample(totalBytes: number, at: number): void {
    if (this.firstAt === undefined || at - this.firstAt < this.settleMs) {
      this.firstAt ??= at;
      this.fromAt = this.lastAt = at;
      this.fromBytes = this.lastBytes = totalBytes;
      return;
    }
    const elapsed = at - this.lastAt;
    if (elapsed <= 0) return;
    if (this.rate === undefined) {
      if (at - this.fromAt >= this.windowMs) {
        this.rate = ((totalBytes - this.fromBytes) * 1000) / (at - this.fromAt);
      }
    } else {
      const instant = ((totalBytes - this.lastBytes) * 1000) / elapsed;
      const weight = 1 - Math.pow(0.5, elapsed / this.halfLifeMs);
      this.rate += weight * (instant - this.rate);
    }
    this.lastAt = at;
    this.lastBytes = totalBytes;
  }

  /** Bytes per second; 0 while there is not enough data to know. */
  get bytesPerSecond(): number {
    return Math.max(0, this.rate ?? 0);
  }

  /** Seconds left for `remainingBytes`, or undefined while the rate is unknown. */
  etaSeconds(remainingBytes: number): number | undefined {
    if (remainingBytes <= 0) return 0;
    return this.rate !== undefined && this.rate > 0 ? remainingBytes / this.rate : undefined;
  }
}

/**
 * Per-file progress from the one total count (files go in order, each after the one before):
 * the rows and the total can never disagree ("35 MB of 147 MB" beside "34 MB of 147 MB").
 */
export function splitDone(sizes: readonly number[], doneBytes: number): number[] {
  let left = Math.max(0, doneBytes);
  return sizes.map((size) => {
    const part = Math.min(size, left);
    left -= part;
    return part;
  });
}

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

/**
 * 1536 → "1.5 KB" (decimal units, as file managers show sizes). A non-breaking space joins
 * number and unit, so a narrow column never shows "2.3 / MB".
 */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(value < 10 ? 1 : 0)}\u00a0${UNITS[unit]}`;
}

/** 3725 → "1:02:05", 65 → "1:05". */
export function formatDuration(seconds: number): string {
  const total = Math.max(0, Math.round(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}
