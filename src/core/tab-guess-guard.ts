/**
 * How many guesses a tab share gives away. Each code allows one guess, but a share offers code
 * after code for as long as it runs: a hostile signaling server (or anyone on a `ws://` path)
 * could claim every code with a guess, and a long share would fall in the end. So failed
 * guesses are bounded and shown (DESIGN.md "Every guess is bounded"):
 *
 *   - after a failed guess the next code waits, twice as long after each failure of the share (2 s, 4 s…, at most 60 s);
 *   - after GUESS_CAP failures the share offers no code until the sharer chooses to go on;
 *   - a claim still in its handshake counts against the cap, so parallel claims cannot
 *     outrun it; a handshake that succeeds gives its guess back;
 *   - the count of failed guesses is shown until the sharer dismisses it.
 *
 * A failed guess is any claim whose handshake did not finish: a wrong code, and also a claim
 * that left or stalled, because the sharer sends its key confirmation as soon as the peer's
 * share arrives, and a claimant holding it can check its guess offline and walk away.
 *
 * Pure policy: the offscreen document asks `next(now)` and applies the verdict.
 */

export const GUESS_CAP = 3;
const FIRST_DELAY_MS = 2_000;
const MAX_DELAY_MS = 60_000;

export type GuessVerdict =
  | { kind: 'offer' }
  /** Offer the next code after `ms`. */
  | { kind: 'wait'; ms: number }
  /** Claims still in their handshake fill the cap: ask again once one settles. */
  | { kind: 'held' }
  /** The cap is reached: no code until `resume()`. */
  | { kind: 'paused' };

export interface GuessState {
  /** Failed guesses since the sharer last dismissed the warning. */
  failed: number;
  paused: boolean;
}

export class TabGuessGuard {
  /** Failed guesses since the share started (or the sharer went on): against the cap. */
  private round = 0;
  /** Every failed guess of the share: the delay grows with it. */
  private total = 0;
  private unseen = 0;
  private inHandshake = 0;
  private readyAt = 0;

  constructor(readonly cap = GUESS_CAP) {}

  next(now: number): GuessVerdict {
    if (this.round >= this.cap) return { kind: 'paused' };
    if (this.round + this.inHandshake >= this.cap) return { kind: 'held' };
    if (now < this.readyAt) return { kind: 'wait', ms: this.readyAt - now };
    return { kind: 'offer' };
  }

  /** Someone claimed a code: its handshake starts. */
  claimStarted(): void {
    this.inHandshake++;
  }

  /** The handshake finished: the claimant knew the code. */
  claimVerified(): void {
    if (this.inHandshake > 0) this.inHandshake--;
  }

  /** The handshake failed, was left or stalled: a guess spent. */
  claimFailed(now: number): void {
    if (this.inHandshake === 0) return;
    this.inHandshake--;
    this.round++;
    this.total++;
    this.unseen++;
    this.readyAt = now + Math.min(FIRST_DELAY_MS * 2 ** (this.total - 1), MAX_DELAY_MS);
  }

  /** The sharer chose to go on: another `cap` guesses, the first code at once. */
  resume(now: number): void {
    if (this.round < this.cap) return;
    this.round = 0;
    this.readyAt = now;
  }

  /** The sharer has seen the warning. */
  dismiss(): void {
    this.unseen = 0;
  }

  snapshot(): GuessState {
    return { failed: this.unseen, paused: this.round >= this.cap };
  }
}
