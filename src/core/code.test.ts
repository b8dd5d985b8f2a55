import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  completeWord,
  formatCode,
  generatePassword,
  normalizePassword,
  parseCode,
  passwordEntropyBits,
  type CodeError,
  type PairingCode,
  codeCompletions,
  typoIn,
} from './code.js';
import { WORDS } from './words.js';

const errorOf = (input: string): CodeError => {
  const result = parseCode(input);
  if (result.ok) throw new Error(`expected ${input} to be rejected`);
  return result.error;
};

const arbitraryCode: fc.Arbitrary<PairingCode> = fc.record({
  nameplate: fc.integer({ min: 1, max: 999_999 }).map(String),
  words: fc.tuple(fc.constantFrom(...WORDS), fc.constantFrom(...WORDS)),
});

describe('generating a password', () => {
  it('has at least 20 bits of entropy', () => {
    expect(passwordEntropyBits).toBe(22);
    expect(passwordEntropyBits).toBeGreaterThanOrEqual(20);
  });

  it('turns 11 bits of randomness into each word', () => {
    const random = () => Uint8Array.of(0xf8, 0x00, 0x07, 0xff);
    expect(generatePassword(random)).toEqual([WORDS[0], WORDS[2047]]);
  });

  it('draws words from the list with the default random source', () => {
    const words = generatePassword();
    expect(words).toHaveLength(2);
    for (const word of words) expect(WORDS).toContain(word);
  });

  it('refuses a random source that returns the wrong length', () => {
    expect(() => generatePassword(() => new Uint8Array(3))).toThrow(RangeError);
  });
});

describe('reading a code is forgiving', () => {
  it('formats as nameplate-word-word', () => {
    expect(formatCode({ nameplate: '7', words: ['apple', 'river'] })).toBe('7-apple-river');
  });

  it('round-trips random codes typed with random case, spacing and separators', () => {
    const separator = fc.constantFrom('-', ' ', '  ', ' - ', '\t', '--', '\u2013', ' \u2014 ');
    fc.assert(
      fc.property(
        arbitraryCode,
        fc.tuple(separator, separator),
        fc.array(fc.boolean(), { minLength: 20, maxLength: 20 }),
        fc.constantFrom('', ' ', '  \n'),
        (code, [first, second], upper, padding) => {
          const typed = [code.nameplate, first, code.words[0], second, code.words[1]].join('');
          const cased = [...typed].map((char, i) => (upper[i % 20] ? char.toUpperCase() : char));
          expect(parseCode(padding + cased.join('') + padding)).toEqual({ ok: true, code });
          expect(parseCode(formatCode(code))).toEqual({ ok: true, code });
        },
      ),
      { numRuns: 200 },
    );
  });

  it('expands words typed by a unique prefix of 4 or more letters', () => {
    expect(parseCode('42 aban RIVE')).toEqual({
      ok: true,
      code: { nameplate: '42', words: ['abandon', 'river'] },
    });
  });

  it('normalises the password the same way whichever form it comes in', () => {
    expect(normalizePassword(' Apple  RIVER ')).toBe('apple-river');
    expect(normalizePassword(['apple', 'river'])).toBe('apple-river');
  });
});

describe('a bad code is reported before a guess is spent', () => {
  it('rejects an empty code', () => {
    expect(errorOf('').code).toBe('EMPTY');
    expect(errorOf('  - ').code).toBe('EMPTY');
  });

  it.each([
    '0-apple-river',
    '007-apple-river',
    '1234567-apple-river',
    'apple-river',
    'x7-apple-river',
  ])('rejects a bad nameplate: %s', (input) => {
    expect(errorOf(input).code).toBe('BAD_NAMEPLATE');
  });

  it.each(['7', '7-apple', '7-apple-river-stone'])('rejects a wrong word count: %s', (input) => {
    expect(errorOf(input).code).toBe('WRONG_WORD_COUNT');
  });

  it('names an unknown word and suggests what was meant', () => {
    const error = errorOf('7-apple-rivre');
    expect(error).toMatchObject({ code: 'UNKNOWN_WORD', word: 'rivre' });
    expect(error.suggestions).toContain('river');
    expect(error.message).toContain('rivre');
    expect(error.message).toContain('river');
  });

  it('names an unknown word even when nothing is close', () => {
    expect(errorOf('7-zzzzzzz-river')).toMatchObject({ code: 'UNKNOWN_WORD', suggestions: [] });
  });

  it('asks for more letters when a prefix is too short, listing candidates', () => {
    const error = errorOf('7-ri-apple');
    expect(error).toMatchObject({ code: 'AMBIGUOUS_WORD', word: 'ri' });
    expect(error.suggestions).toEqual(['rib', 'ribbon', 'rice']);
  });
});

describe('completing a word', () => {
  it('lists words that start with what was typed', () => {
    expect(completeWord('riv', 5)).toEqual(['rival', 'river']);
    expect(completeWord('RI', 3)).toEqual(['rib', 'ribbon', 'rice']);
  });

  it('completes the last word of a partly typed code', () => {
    expect(completeWord('7-apple-riv')).toEqual(['rival', 'river']);
    expect(completeWord('7-apple-')).toEqual([]);
    expect(completeWord('')).toEqual([]);
  });
});

describe('the popup helps while the code is typed', () => {
  it('completes the last word into whole codes', () => {
    const suggestions = codeCompletions('7-abando');
    expect(suggestions).toContain('7-abandon');
    expect(codeCompletions('7 abandon zo')).toContain('7-abandon-zoo');
  });

  it('suggests nothing before a word has begun, or after the last word', () => {
    expect(codeCompletions('7')).toEqual([]);
    expect(codeCompletions('7-')).toEqual([]);
    expect(codeCompletions('7-abandon-zoo-x')).toEqual([]);
  });

  it('points out a typo once the person moved past the word, not while typing it', () => {
    expect(typoIn('7-aband')).toBeUndefined();
    expect(typoIn('7-abandonx-zoo')?.word).toBe('abandonx');
    expect(typoIn('7-abandon-zooqq')).toEqual({
      word: 'zooqq',
      suggestions: expect.arrayContaining(['zoo']) as string[],
    });
    expect(typoIn('7-abandon-zoo')).toBeUndefined();
  });
});
