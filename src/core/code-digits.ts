/**
 * The same pairing code in digits, for people who would rather read out numbers than English
 * words (issue #17: a Chinese speaker spelling "abandon-river"): `7-apple-river` ⇄
 * `7-0175-5743`. The two words' 22 bits become one 7-digit number (first word × 2048 + second
 * word) plus a Luhn check digit, shown as two groups of four after the nameplate. Same
 * nameplate, same words, so the same PAKE password: nothing changes on the wire.
 *
 * The check digit catches any single wrong digit and most swapped neighbours before the code
 * is used, as the word form catches typos, so a slip does not spend the code's one guess.
 */
import type { PairingCode } from './code.js';
import { NAMEPLATE_PATTERN } from './protocol.js';
import { WORDS, wordAt } from './words.js';

const WORD_COUNT = WORDS.length;
const VALUE_DIGITS = 7; // 2048² − 1 = 4 194 303
export const CODE_DIGITS = VALUE_DIGITS + 1;

export type DigitCodeErrorCode = 'BAD_NAMEPLATE' | 'WRONG_DIGIT_COUNT' | 'WRONG_DIGIT';

export interface DigitCodeError {
  code: DigitCodeErrorCode;
  message: string;
  /** The offending nameplate (BAD_NAMEPLATE) */
  word?: string;
  /** How many digits followed the nameplate (WRONG_DIGIT_COUNT). */
  count?: number;
}

export type ParseDigitCodeResult =
  { ok: true; code: PairingCode } | { ok: false; error: DigitCodeError };

/** Whitespace, hyphens and dashes, and the commas and full stops a phone keyboard offers. */
const SEPARATORS = /[\s\-\u2010-\u2015\u2212,.\u3001\u3002\uff0c]+/u;

const INDEX = new Map(WORDS.map((word, index) => [word, index]));

function indexOfWord(word: string): number {
  const index = INDEX.get(word);
  if (index === undefined) throw new RangeError(`not a code word: ${word}`);
  return index;
}

/** Luhn check digit of a string of digits (the digit that makes the whole sum ≡ 0 mod 10). */
export function luhnDigit(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    // Doubling starts at the rightmost digit, the one next to the check digit.
    const digit = Number(digits[digits.length - 1 - i]);
    const weighted = i % 2 === 0 ? digit * 2 : digit;
    sum += weighted > 9 ? weighted - 9 : weighted;
  }
  return (10 - (sum % 10)) % 10;
}

/** The code's words as 8 digits: value (7 digits, zero-padded) then its check digit. */
export function digitsForWords(words: readonly [string, string]): string {
  const value = indexOfWord(words[0]) * WORD_COUNT + indexOfWord(words[1]);
  const digits = String(value).padStart(VALUE_DIGITS, '0');
  return `${digits}${luhnDigit(digits)}`;
}

/** `7-0175-5743`: the nameplate, then the digits in two groups of four. */
export function formatDigitCode({ nameplate, words }: PairingCode): string {
  const digits = digitsForWords(words);
  return `${nameplate}-${digits.slice(0, 4)}-${digits.slice(4)}`;
}

/** Whether the typed text is meant as a digit code: only digits and separators. */
export function looksLikeDigitCode(input: string): boolean {
  const tokens = tokensOf(input);
  return tokens.length >= 2 && tokens.every((token) => /^[0-9]+$/.test(token));
}

/**
 * Reads a digit code, forgivingly: full-width digits, any separators, the digits in any
 * grouping after the nameplate (`7 01755743`, `７－０１７５－５７４３`).
 */
export function parseDigitCode(input: string): ParseDigitCodeResult {
  const [nameplate = '', ...rest] = tokensOf(input);
  if (!NAMEPLATE_PATTERN.test(nameplate)) {
    return fail({
      code: 'BAD_NAMEPLATE',
      message: `A code starts with its number (1 to 999999); “${nameplate}” is not one.`,
      word: nameplate,
    });
  }
  const digits = rest.join('');
  if (!/^[0-9]*$/.test(digits) || digits.length !== CODE_DIGITS) {
    return fail({
      code: 'WRONG_DIGIT_COUNT',
      message: `A code has ${CODE_DIGITS} digits after its number; this one has ${digits.replace(/[^0-9]/g, '').length}.`,
      count: digits.replace(/[^0-9]/g, '').length,
    });
  }
  const body = digits.slice(0, VALUE_DIGITS);
  const value = Number(body);
  if (luhnDigit(body) !== Number(digits[VALUE_DIGITS]) || value >= WORD_COUNT * WORD_COUNT) {
    return fail({ code: 'WRONG_DIGIT', message: 'A digit of this code is wrong.' });
  }
  return {
    ok: true,
    code: {
      nameplate,
      words: [wordAt(Math.floor(value / WORD_COUNT)), wordAt(value % WORD_COUNT)],
    },
  };
}

function tokensOf(input: string): string[] {
  return input
    .normalize('NFKC')
    .split(SEPARATORS)
    .filter((token) => token !== '');
}

const fail = (error: DigitCodeError): ParseDigitCodeResult => ({ ok: false, error });
