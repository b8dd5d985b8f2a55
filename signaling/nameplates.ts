/**
 * Which nameplates are free. A nameplate is taken while its mailbox lives and for a quarantine
 * after, so a stale code read aloud late cannot land in somebody else's new mailbox.
 *
 * Nameplates are drawn at random (an observer cannot predict the next one) from the smallest
 * range that is less than half taken: short codes while traffic is low, and a random draw hits a
 * free nameplate at least half the time.
 */
import { randomInt as cryptoRandomInt } from 'node:crypto';

/** Upper bounds of the ranges 1..max, limited by NAMEPLATE_PATTERN (at most 6 digits). */
export const NAMEPLATE_RANGES = [999, 99_999, 999_999] as const;
/** Draws per range before moving on; at most half taken, all failing has odds of 2^-32. */
const DRAWS_PER_RANGE = 32;

export type RandomInt = (min: number, maxExclusive: number) => number;

export class NameplatePool {
  /** Nameplate → end of quarantine in ms; Infinity while its mailbox lives. */
  private readonly taken = new Map<number, number>();
  /** How many taken nameplates fall within each of NAMEPLATE_RANGES. */
  private readonly takenInRange: number[] = NAMEPLATE_RANGES.map(() => 0);

  constructor(private readonly randomInt: RandomInt = cryptoRandomInt) {}

  /** Takes a free nameplate, or null when every range is at least half taken. */
  take(): string | null {
    for (const [index, max] of NAMEPLATE_RANGES.entries()) {
      if ((this.takenInRange[index] ?? 0) >= max / 2) continue;
      for (let draw = 0; draw < DRAWS_PER_RANGE; draw++) {
        const candidate = this.randomInt(1, max + 1);
        if (!this.taken.has(candidate)) {
          this.mark(candidate, Infinity);
          return String(candidate);
        }
      }
    }
    return null;
  }

  /** The mailbox is closed: keep the nameplate out of allocation until `until` (ms). */
  quarantine(nameplate: string, until: number): void {
    const value = Number(nameplate);
    if (this.taken.has(value)) this.taken.set(value, until);
  }

  /** Frees nameplates whose quarantine has ended. */
  sweep(now: number): void {
    for (const [value, until] of this.taken) if (until <= now) this.unmark(value);
  }

  get size(): number {
    return this.taken.size;
  }

  get quarantined(): number {
    let count = 0;
    for (const until of this.taken.values()) if (until !== Infinity) count++;
    return count;
  }

  private mark(value: number, until: number): void {
    this.taken.set(value, until);
    this.countInRanges(value, +1);
  }

  private unmark(value: number): void {
    this.taken.delete(value);
    this.countInRanges(value, -1);
  }

  private countInRanges(value: number, delta: number): void {
    NAMEPLATE_RANGES.forEach((max, index) => {
      if (value <= max) this.takenInRange[index] = (this.takenInRange[index] ?? 0) + delta;
    });
  }
}
