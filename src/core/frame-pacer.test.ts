import { describe, expect, it } from 'vitest';
import { FramePacer, type PacerTimers } from './frame-pacer.js';

/** A clock moved by hand, and the timers it would fire. */
function manualTimers() {
  let now = 0;
  let pending: { at: number; run: () => void } | undefined;
  const timers: PacerTimers = {
    now: () => now,
    setTimeout: (run, ms) => (pending = { at: now + ms, run }),
    clearTimeout: (handle) => {
      if (handle === pending) pending = undefined;
    },
  };
  /** Advances to the next timer and runs it; false when none is set. */
  const fireNext = () => {
    const timer = pending;
    if (!timer) return false;
    pending = undefined;
    now = timer.at;
    timer.run();
    return true;
  };
  /** The clock is set (a wall clock corrected), timers keep their delays. */
  const setClock = (to: number) => {
    if (pending) pending = { at: to + (pending.at - now), run: pending.run };
    now = to;
  };
  return { timers, fireNext, setClock, at: () => now };
}

const POLICY = { burst: 3, refillMs: 100 };

describe('frames to the signaling service are paced', () => {
  it('a burst within the pace goes at once, in order', () => {
    const { timers } = manualTimers();
    const sent: number[] = [];
    const pacer = new FramePacer<number>((n) => sent.push(n), POLICY, timers);
    [1, 2, 3].forEach((n) => pacer.push(n));
    expect(sent).toEqual([1, 2, 3]);
    expect(pacer.backlog).toBe(0);
  });

  it('frames past the burst wait one refill each and keep their order', () => {
    const { timers, fireNext, at } = manualTimers();
    const sent: { n: number; at: number }[] = [];
    const pacer = new FramePacer<number>((n) => sent.push({ n, at: at() }), POLICY, timers);
    for (let n = 1; n <= 6; n++) pacer.push(n);
    expect(sent.map(({ n }) => n)).toEqual([1, 2, 3]);
    expect(pacer.backlog).toBe(3);
    for (let i = 0; i < 10 && fireNext(); i++);
    expect(sent).toEqual([
      { n: 1, at: 0 },
      { n: 2, at: 0 },
      { n: 3, at: 0 },
      { n: 4, at: 100 },
      { n: 5, at: 200 },
      { n: 6, at: 300 },
    ]);
  });

  it('a frame pushed while others wait queues behind them', () => {
    const { timers, fireNext } = manualTimers();
    const sent: number[] = [];
    const pacer = new FramePacer<number>((n) => sent.push(n), POLICY, timers);
    for (let n = 1; n <= 4; n++) pacer.push(n);
    pacer.push(5);
    expect(sent).toEqual([1, 2, 3]);
    for (let i = 0; i < 10 && fireNext(); i++);
    expect(sent).toEqual([1, 2, 3, 4, 5]);
  });

  it('a clock that steps back mid-burst does not hold the waiting frames back', () => {
    const { timers, fireNext, setClock, at } = manualTimers();
    setClock(3_600_000);
    const sent: number[] = [];
    const pacer = new FramePacer<number>((n) => sent.push(n), POLICY, timers);
    for (let n = 1; n <= 6; n++) pacer.push(n);
    expect(sent).toEqual([1, 2, 3]);
    setClock(0); // corrected back an hour
    for (let i = 0; i < 10 && fireNext(); i++);
    expect(sent).toEqual([1, 2, 3, 4, 5, 6]);
    // The refill under way when the clock stepped is lost, then the pace goes on.
    expect(at()).toBe(400);
  });

  it('closing flushes what waits (a last release still goes); clear forgets it', () => {
    const { timers, fireNext } = manualTimers();
    const sent: number[] = [];
    const pacer = new FramePacer<number>((n) => sent.push(n), POLICY, timers);
    for (let n = 1; n <= 5; n++) pacer.push(n);
    pacer.flush();
    expect(sent).toEqual([1, 2, 3, 4, 5]);
    expect(fireNext()).toBe(false);

    const dropped = new FramePacer<number>(() => undefined, POLICY, timers);
    for (let n = 1; n <= 5; n++) dropped.push(n);
    dropped.clear();
    expect(dropped.backlog).toBe(0);
    expect(fireNext()).toBe(false);
  });
});
