import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HostIdleWatch, type StoredWork } from './host-lifecycle.js';

const GRACE = 1_000;

function watchWith(stored: StoredWork | Error) {
  const idle: number[] = [];
  const watch = new HostIdleWatch({
    graceMs: GRACE,
    stored: () => (stored instanceof Error ? Promise.reject(stored) : Promise.resolve(stored)),
    idle: (epoch) => idle.push(epoch),
  });
  return { watch, idle };
}

const nothing: StoredWork = { pairedDevices: 0, queuedLinks: 0 };

describe('HostIdleWatch: the host goes only after a grace period with no work', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('an idle host asks to close after the grace, and the closer finds it still idle', async () => {
    const { watch, idle } = watchWith(nothing);
    await watch.refresh();
    vi.advanceTimersByTime(GRACE - 1);
    expect(idle).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(idle).toHaveLength(1);
    expect(watch.stillIdle(idle[0]!)).toBe(true);
  });

  it('a host with a session running never asks, and asks a grace after it ends', async () => {
    const { watch, idle } = watchWith(nothing);
    await watch.refresh();
    const release = watch.hold('session');
    vi.advanceTimersByTime(GRACE * 10);
    expect(idle).toEqual([]);
    release();
    release(); // twice is once
    vi.advanceTimersByTime(GRACE);
    expect(idle).toHaveLength(1);
  });

  it('a request after the host asked to close keeps it', async () => {
    const { watch, idle } = watchWith(nothing);
    await watch.refresh();
    vi.advanceTimersByTime(GRACE);
    watch.touch();
    expect(watch.stillIdle(idle[0]!)).toBe(false);
  });

  it('work taken after the host asked to close keeps it', async () => {
    const { watch, idle } = watchWith(nothing);
    await watch.refresh();
    vi.advanceTimersByTime(GRACE);
    watch.hold('tab share');
    expect(watch.stillIdle(idle[0]!)).toBe(false);
  });

  it('a paired device or a queued link keeps the host', async () => {
    for (const stored of [
      { pairedDevices: 1, queuedLinks: 0 },
      { pairedDevices: 0, queuedLinks: 1 },
    ]) {
      const { watch, idle } = watchWith(stored);
      await watch.refresh();
      vi.advanceTimersByTime(GRACE * 10);
      expect(idle).toEqual([]);
      expect(watch.decision().action).toBe('keep');
    }
  });

  it('a host that cannot read its stored devices stays (it may have paired ones)', async () => {
    const { watch, idle } = watchWith(new Error('IndexedDB is gone'));
    await watch.refresh();
    vi.advanceTimersByTime(GRACE * 10);
    expect(idle).toEqual([]);
    expect(watch.stillIdle(0)).toBe(false);
  });
});
