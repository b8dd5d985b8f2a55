import { describe, expect, it } from 'vitest';
import { RateMeter, formatBytes, formatDuration } from './progress.js';

describe('progress maths', () => {
  it('converges on a steady rate and gives the ETA from it', () => {
    const meter = new RateMeter(1_000);
    for (let t = 0; t <= 10_000; t += 250) meter.sample(t * 10_000, t); // 10 MB/s
    expect(meter.bytesPerSecond).toBeCloseTo(10_000_000, -3);
    expect(meter.etaSeconds(50_000_000)).toBeCloseTo(5, 1);
    expect(meter.etaSeconds(0)).toBe(0);
  });

  it('has no ETA before it knows a rate', () => {
    const meter = new RateMeter();
    meter.sample(0, 0);
    expect(meter.etaSeconds(100)).toBeUndefined();
  });

  it('follows a slowdown', () => {
    const meter = new RateMeter(1_000);
    let bytes = 0;
    for (let t = 0; t <= 5_000; t += 100) meter.sample((bytes += 1_000_000), t);
    for (let t = 5_100; t <= 15_000; t += 100) meter.sample((bytes += 100_000), t);
    expect(meter.bytesPerSecond).toBeLessThan(1_100_000);
  });

  it('formats sizes and durations for people', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(268_435_456)).toBe('268 MB');
    expect(formatDuration(65)).toBe('1:05');
    expect(formatDuration(3725)).toBe('1:02:05');
  });
});
