import { describe, expect, it } from 'vitest';
import { RateMeter, formatBytes, formatDuration, splitDone } from './progress.js';

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

  it('shows no speed and no ETA before enough data: no early "277 MB/s · 0:00 left"', () => {
    const meter = new RateMeter();
    // The first burst fills the send buffer at memory speed, then the real rate (10 MB/s).
    meter.sample(0, 0);
    meter.sample(27_700_000, 100);
    expect(meter.etaSeconds(100_000_000)).toBeUndefined();
    expect(meter.bytesPerSecond).toBe(0);
    for (let t = 200; t <= 3_000; t += 100) meter.sample(27_700_000 + (t - 100) * 10_000, t);
    expect(meter.etaSeconds(100_000_000)).toBeDefined();
  });

  it('smooths the speed: one fast sample does not make the number jump', () => {
    const meter = new RateMeter();
    let bytes = 0;
    for (let t = 0; t <= 6_000; t += 250) meter.sample((bytes += 2_500_000), t); // 10 MB/s
    const before = meter.bytesPerSecond;
    meter.sample((bytes += 25_000_000), 6_250); // one 100 MB/s burst
    expect(meter.bytesPerSecond).toBeLessThan(before * 1.5);
  });

  it('sizes never wrap: the number and its unit are joined by a non-breaking space', () => {
    expect(formatBytes(2_300_000)).toBe('2.3\u00a0MB');
  });

  it('per-file and total progress come from one count, files in order', () => {
    expect(splitDone([100, 50, 200], 0)).toEqual([0, 0, 0]);
    expect(splitDone([100, 50, 200], 120)).toEqual([100, 20, 0]);
    expect(splitDone([100, 0, 200], 100)).toEqual([100, 0, 0]);
    expect(splitDone([100, 50, 200], 350)).toEqual([100, 50, 200]);
    const parts = splitDone([34_000_000, 147_000_000], 70_000_000);
    expect(parts.reduce((a, b) => a + b, 0)).toBe(70_000_000);
  });

  it('formats sizes and durations for people', () => {
    expect(formatBytes(0)).toBe('0\u00a0B');
    expect(formatBytes(1536)).toBe('1.5\u00a0KB');
    expect(formatBytes(268_435_456)).toBe('268\u00a0MB');
    expect(formatDuration(65)).toBe('1:05');
    expect(formatDuration(3725)).toBe('1:02:05');
  });
});
