import { describe, expect, it } from 'vitest';
import { NAMEPLATE_PATTERN } from '../src/core/protocol.js';
import { NameplatePool } from './nameplates.js';

describe('NameplatePool', () => {
  it('draws from 1..999 while that range is less than half taken', () => {
    const pool = new NameplatePool();
    const taken = Array.from({ length: 499 }, () => pool.take());
    for (const nameplate of taken) {
      expect(nameplate).toMatch(NAMEPLATE_PATTERN);
      expect(Number(nameplate)).toBeLessThanOrEqual(999);
    }
    expect(new Set(taken).size).toBe(499);
  });

  it('grows to 1..99999 once 1..999 is half taken', () => {
    const ranges: number[] = [];
    let next = 0;
    const pool = new NameplatePool((_min, maxExclusive) => {
      ranges.push(maxExclusive);
      return ++next; // never drawn before, so always free
    });
    for (let i = 0; i < 500; i++) pool.take();
    ranges.length = 0;
    pool.take();
    expect(ranges).toEqual([100_000]);
  });

  it('gives up (null) when no draw finds a free nameplate', () => {
    const pool = new NameplatePool(() => 1);
    expect(pool.take()).toBe('1');
    expect(pool.take()).toBeNull();
  });

  it('frees a quarantined nameplate only once its quarantine has ended', () => {
    const pool = new NameplatePool(() => 5);
    pool.take();
    pool.quarantine('5', 1000);
    pool.sweep(999);
    expect(pool.take()).toBeNull();
    expect(pool.quarantined).toBe(1);
    pool.sweep(1000);
    expect(pool.take()).toBe('5');
  });
});
