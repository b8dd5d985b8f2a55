/**
 * Speed and ETA for the progress display: an exponentially weighted average of the rate, so
 * the number neither jumps with every sample nor lags for long after a change.
 */
export class RateMeter {
  private rate = 0;
  private lastBytes = 0;
  private lastAt: number | undefined;

  /** `halfLifeMs`: how fast old samples fade. */
  constructor(private readonly halfLifeMs = 2_000) {}

  /** Feeds the running total of bytes at time `at` (ms). */
  sample(totalBytes: number, at: number): void {
    if (this.lastAt === undefined) {
      this.lastAt = at;
      this.lastBytes = totalBytes;
      return;
    }
    const elapsed = at - this.lastAt;
    if (elapsed <= 0) return;
    const instant = ((totalBytes - this.lastBytes) * 1000) / elapsed;
    const weight = 1 - Math.pow(0.5, elapsed / this.halfLifeMs);
    this.rate = this.rate === 0 ? instant : this.rate + weight * (instant - this.rate);
    this.lastAt = at;
    this.lastBytes = totalBytes;
  }

  /** Bytes per second. */
  get bytesPerSecond(): number {
    return Math.max(0, this.rate);
  }

  /** Seconds left for `remainingBytes`, or undefined while the rate is unknown. */
  etaSeconds(remainingBytes: number): number | undefined {
    if (remainingBytes <= 0) return 0;
    return this.rate > 0 ? remainingBytes / this.rate : undefined;
  }
}

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

/** 1536 → "1.5 KB" (decimal units, as file managers show sizes). */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(value < 10 ? 1 : 0)} ${UNITS[unit]}`;
}

/** 3725 → "1:02:05", 65 → "1:05". */
export function formatDuration(seconds: number): string {
  const total = Math.max(0, Math.round(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}
