/**
 * A clock moved by hand and the one timer a FramePacer sets (src/core/frame-pacer.ts), for
 * tests outside src/core (whose own tests may import nothing of ours, so frame-pacer.test.ts
 * keeps its copy).
 */
import type { PacerTimers } from '../../src/core/frame-pacer.js';

export function manualTimers(start = 0) {
  let now = start;
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
  return { timers, fireNext, at: () => now };
}
