import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatCode, normalizePassword, parseCode } from './code.js';
import {
  CODE_DIGITS,
  digitsForWords,
  formatDigitCode,
  looksLikeDigitCode,
  luhnDigit,
  parseDigitCode,
} from './code-digits.js';
import { createHandshake } from './pake.js';
import { WORDS } from './words.js';

const word = fc.constantFrom(...WORDS);
const nameplate = fc.integer({ min: 1, max: 999_999 }).map(String);
const first = WORDS[0]!;
const last = WORDS[WORDS.length - 1]!;

function words(input: string): readonly [string, string] {
  const parsed = parseDigitCode(input);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.code.words;
}

describe('a code read out in digits is the same code', () => {
  it('every word pair round-trips exactly through its digits (property)', () => {
    fc.assert(
      fc.property(nameplate, word, word, (plate, w1, w2) => {
        const digits = formatDigitCode({ nameplate: plate, words: [w1, w2] });
        expect(digits).toMatch(/^[1-9][0-9]*-[0-9]{4}-[0-9]{4}$/);
        const back = parseDigitCode(digits);
        expect(back).toEqual({ ok: true, code: { nameplate: plate, words: [w1, w2] } });
      }),
      { numRuns: 500 },
    );
  });

  it('covers the ends of the word list: the first and last pairs', () => {
    expect(digitsForWords([first, first])).toBe('00000000');
    expect(digitsForWords([last, last]).slice(0, 7)).toBe('4194303');
    expect(words(`7-${digitsForWords([last, first])}`)).toEqual([last, first]);
  });

  it('feeds the PAKE the very password the words give, so both sides agree on the key', () => {
    fc.assert(
      fc.property(nameplate, word, word, (plate, w1, w2) => {
        const spoken = parseDigitCode(formatDigitCode({ nameplate: plate, words: [w1, w2] }));
        if (!spoken.ok) throw new Error(spoken.error.message);
        expect(normalizePassword(spoken.code.words)).toBe(normalizePassword([w1, w2]));
        const a = createHandshake({ role: 'A', password: [w1, w2], context: plate, version: 1 });
        const b = createHandshake({
          role: 'B',
          password: spoken.code.words,
          context: spoken.code.nameplate,
          version: 1,
        });
        const fromA = a.receiveShare(b.share).confirmation;
        const fromB = b.receiveShare(a.share).confirmation;
        const keysA = a.receiveConfirmation(fromB);
        const keysB = b.receiveConfirmation(fromA);
        // receiveConfirmation throws CODE_MISMATCH when the passwords differ.
        expect(keysA.sessionKey).toEqual(keysB.sessionKey);
      }),
      { numRuns: 20 },
    );
  });

  it('the words it gives are a code the word parser reads back the same', () => {
    const spoken = parseDigitCode(formatDigitCode({ nameplate: '42', words: ['apple', 'river'] }));
    if (!spoken.ok) throw new Error(spoken.error.message);
    expect(parseCode(formatCode(spoken.code))).toEqual(spoken);
  });

  it('keeps the entropy of the words: 2048² different digit strings, no two pairs alike', () => {
    // Injective over a sample of pairs, and the value range is exactly 2048²: 22 bits.
    const seen = new Set<string>();
    for (let i = 0; i < WORDS.length; i += 7) {
      for (let j = 0; j < WORDS.length; j += 13) {
        seen.add(digitsForWords([WORDS[i]!, WORDS[j]!]));
      }
    }
    expect(seen.size).toBe(Math.ceil(WORDS.length / 7) * Math.ceil(WORDS.length / 13));
    expect(CODE_DIGITS).toBe(8);
  });
});

describe('digits are read forgivingly and a slip is caught before the guess is spent', () => {
  const code = formatDigitCode({ nameplate: '7', words: ['apple', 'river'] });
  const digits = code.split('-').slice(1).join('');

  it.each([
    ['spaces', `7 ${digits.slice(0, 4)} ${digits.slice(4)}`],
    ['one block', `7-${digits}`],
    [
      'full-width digits and dash',
      code.replace(/[0-9-]/g, (c) =>
        c === '-' ? '－' : String.fromCharCode(c.charCodeAt(0) + 0xfee0),
      ),
    ],
    ['Chinese commas', `7，${digits.slice(0, 4)}、${digits.slice(4)}`],
  ])('reads %s', (_, typed) => {
    expect(looksLikeDigitCode(typed)).toBe(true);
    expect(words(typed)).toEqual(['apple', 'river']);
  });

  it('every single wrong digit is caught (property)', () => {
    fc.assert(
      fc.property(
        word,
        word,
        fc.nat(CODE_DIGITS - 1),
        fc.integer({ min: 1, max: 9 }),
        (w1, w2, at, add) => {
          const right = digitsForWords([w1, w2]);
          const wrong =
            right.slice(0, at) + String((Number(right[at]) + add) % 10) + right.slice(at + 1);
          const parsed = parseDigitCode(`7-${wrong}`);
          expect(parsed.ok ? 'accepted' : parsed.error.code).toBe('WRONG_DIGIT');
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a missing or extra digit says how many there are', () => {
    const short = parseDigitCode(`7-${digits.slice(1)}`);
    expect(short.ok ? undefined : short.error).toMatchObject({
      code: 'WRONG_DIGIT_COUNT',
      count: 7,
    });
    const long = parseDigitCode(`7-${digits}1`);
    expect(long.ok ? undefined : long.error).toMatchObject({ code: 'WRONG_DIGIT_COUNT', count: 9 });
  });

  it('a bad nameplate is named', () => {
    const parsed = parseDigitCode(`0-${digits}`);
    expect(parsed.ok ? undefined : parsed.error).toMatchObject({
      code: 'BAD_NAMEPLATE',
      word: '0',
    });
  });

  it('a word code is not taken for a digit code', () => {
    expect(looksLikeDigitCode('7-apple-river')).toBe(false);
    expect(looksLikeDigitCode('7')).toBe(false);
    expect(looksLikeDigitCode('7-0159-apple')).toBe(false);
  });

  it('the Luhn digit makes the whole string check', () => {
    expect(luhnDigit('7992739871')).toBe(3);
  });
});
