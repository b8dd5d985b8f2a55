import { describe, expect, it } from 'vitest';
import { GUESS_CAP, TabGuessGuard } from './tab-guess-guard.js';

/** One claim that ends without a finished handshake: a guess the claimant may have checked. */
function failOne(guard: TabGuessGuard, now: number): void {
  guard.claimStarted();
  guard.claimFailed(now);
}

describe('a tab share bounds and shows failed guesses at its codes', () => {
  it('allows three failed guesses, then stops offering codes until the sharer goes on', () => {
    expect(GUESS_CAP).toBe(3);
    const guard = new TabGuessGuard();
    let now = 0;
    for (let guess = 1; guess <= GUESS_CAP; guess++) {
      const verdict = guard.next(now);
      if (verdict.kind === 'wait') now += verdict.ms;
      expect(guard.next(now)).toEqual({ kind: 'offer' });
      failOne(guard, now);
    }
    expect(guard.next(now)).toEqual({ kind: 'paused' });
    expect(guard.next(now + 3_600_000)).toEqual({ kind: 'paused' });
    expect(guard.snapshot()).toEqual({ failed: 3, paused: true });

    guard.resume(now + 3_600_000);
    expect(guard.next(now + 3_600_000)).toEqual({ kind: 'offer' });
    expect(guard.snapshot()).toEqual({ failed: 3, paused: false });
  });

  it.each([
    // failures so far → wait before the next code
    [1, 2_000],
    [2, 4_000],
  ])('after %i failed guesses the next code waits %i ms', (failures, wait) => {
    const guard = new TabGuessGuard();
    for (let i = 0; i < failures; i++) failOne(guard, 10_000);
    expect(guard.next(10_000)).toEqual({ kind: 'wait', ms: wait });
    expect(guard.next(10_000 + wait - 1)).toEqual({ kind: 'wait', ms: 1 });
    expect(guard.next(10_000 + wait)).toEqual({ kind: 'offer' });
  });

  it('the delay keeps growing after the sharer goes on, up to a ceiling', () => {
    const guard = new TabGuessGuard();
    const waits: number[] = [];
    let now = 0;
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < GUESS_CAP; i++) {
        failOne(guard, now);
        const verdict = guard.next(now);
        if (verdict.kind === 'wait') {
          waits.push(verdict.ms);
          now += verdict.ms;
        }
      }
      expect(guard.next(now).kind).toBe('paused');
      guard.resume(now);
    }
    // The last failure of each round pauses instead of waiting.
    expect(waits).toEqual([2_000, 4_000, 16_000, 32_000, 60_000, 60_000]);
  });

  it('the code right after going on is offered at once', () => {
    const guard = new TabGuessGuard();
    for (let i = 0; i < GUESS_CAP; i++) failOne(guard, 0);
    guard.resume(1);
    expect(guard.next(1)).toEqual({ kind: 'offer' });
  });

  it('going on before the cap is reached gives no extra guesses', () => {
    const guard = new TabGuessGuard();
    for (let i = 0; i < GUESS_CAP - 1; i++) failOne(guard, 0);
    guard.resume(0);
    failOne(guard, 0);
    expect(guard.next(100_000)).toEqual({ kind: 'paused' });
  });

  it('claims still in their handshake count against the cap, so parallel claims cannot exceed it', () => {
    const guard = new TabGuessGuard();
    for (let i = 0; i < GUESS_CAP; i++) {
      expect(guard.next(0)).toEqual({ kind: 'offer' });
      guard.claimStarted();
    }
    expect(guard.next(0)).toEqual({ kind: 'held' });
    guard.claimVerified();
    expect(guard.next(0)).toEqual({ kind: 'offer' });
  });

  it('a claim whose handshake succeeds is no failed guess', () => {
    const guard = new TabGuessGuard();
    for (let i = 0; i < 10; i++) {
      guard.claimStarted();
      guard.claimVerified();
    }
    expect(guard.next(0)).toEqual({ kind: 'offer' });
    expect(guard.snapshot()).toEqual({ failed: 0, paused: false });
  });

  it('the warning stays until the sharer dismisses it, whatever codes come after', () => {
    const guard = new TabGuessGuard();
    failOne(guard, 0);
    guard.claimStarted();
    guard.claimVerified();
    expect(guard.snapshot()).toEqual({ failed: 1, paused: false });
    guard.dismiss();
    expect(guard.snapshot()).toEqual({ failed: 0, paused: false });
    failOne(guard, 5_000);
    expect(guard.snapshot()).toEqual({ failed: 1, paused: false });
  });

  it('dismissing the warning neither resumes a paused share nor resets the cap', () => {
    const guard = new TabGuessGuard();
    for (let i = 0; i < GUESS_CAP - 1; i++) failOne(guard, 0);
    guard.dismiss();
    failOne(guard, 0);
    expect(guard.next(100_000)).toEqual({ kind: 'paused' });
    guard.dismiss();
    expect(guard.next(100_000)).toEqual({ kind: 'paused' });
    expect(guard.snapshot()).toEqual({ failed: 0, paused: true });
  });

  it('ignores settling more claims than were started', () => {
    const guard = new TabGuessGuard();
    guard.claimVerified();
    guard.claimFailed(0);
    expect(guard.snapshot()).toEqual({ failed: 0, paused: false });
    expect(guard.next(0)).toEqual({ kind: 'offer' });
  });
});
