import { describe, expect, it } from 'vitest';
import { closestWords, editDistance, matchWord, MIN_PREFIX_LETTERS, WORDS } from './words.js';

describe('the code word list', () => {
  it('has 2048 distinct lowercase words, 11 bits each', () => {
    expect(WORDS).toHaveLength(2048);
    expect(new Set(WORDS).size).toBe(2048);
    for (const word of WORDS) expect(word).toMatch(/^[a-z]{3,8}$/);
  });

  it('names every word by its first 4 letters, so a 4-letter prefix is never ambiguous', () => {
    const prefixes = new Set(WORDS.map((word) => word.slice(0, MIN_PREFIX_LETTERS)));
    expect(prefixes.size).toBe(WORDS.length);
  });
});

describe('matching a typed word', () => {
  it('accepts whole words, including 3-letter words that prefix longer ones', () => {
    expect(matchWord('river')).toEqual({ kind: 'word', word: 'river' });
    expect(matchWord('act')).toEqual({ kind: 'word', word: 'act' });
  });

  it('expands a unique prefix of at least 4 letters', () => {
    expect(matchWord('rive')).toEqual({ kind: 'word', word: 'river' });
    expect(matchWord('aban')).toEqual({ kind: 'word', word: 'abandon' });
  });

  it('calls a shorter prefix ambiguous and lists candidates', () => {
    expect(matchWord('ab')).toEqual({
      kind: 'ambiguous',
      candidates: ['abandon', 'ability', 'able'],
    });
  });

  it('suggests the nearest words for a typo', () => {
    const match = matchWord('rivr');
    expect(match.kind).toBe('unknown');
    if (match.kind === 'unknown') expect(match.suggestions[0]).toBe('river');
    expect(closestWords('appel')).toContain('apple');
    expect(closestWords('qqqqqqqq')).toEqual([]);
  });

  it('measures edit distance with swaps as one edit', () => {
    expect(editDistance('river', 'river', 2)).toBe(0);
    expect(editDistance('rievr', 'river', 2)).toBe(1);
    expect(editDistance('rvr', 'river', 2)).toBe(2);
    expect(editDistance('x', 'river', 2)).toBe(3);
  });
});
