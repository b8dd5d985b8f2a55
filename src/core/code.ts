/**
 * Pairing codes: `<nameplate>-<word>-<word>`, e.g. `7-apple-river`. The signaling server
 * allocates the nameplate (public, names the mailbox); the two words are the password the PAKE
 * protects. Reading is forgiving (case, spaces or hyphens, 4-letter prefixes) and a typo is
 * reported with suggestions before it can spend the one guess a nameplate allows.
 */
import { NAMEPLATE_PATTERN } from './protocol.js';
import { secureRandom, takeRandom, type RandomBytes } from './bytes.js';
import {
  BITS_PER_WORD,
  MIN_PREFIX_LETTERS,
  matchWord,
  wordAt,
  wordsStartingWith,
} from './words.js';

export const CODE_WORD_COUNT = 2;
/** 2 words × 11 bits: one online guess in 4 million, and the nameplate burns after a miss. */
export const passwordEntropyBits = CODE_WORD_COUNT * BITS_PER_WORD;

export type CodeWords = readonly [string, string];

export interface PairingCode {
  nameplate: string;
  words: CodeWords;
}

export type CodeErrorCode =
  'EMPTY' | 'BAD_NAMEPLATE' | 'WRONG_WORD_COUNT' | 'UNKNOWN_WORD' | 'AMBIGUOUS_WORD';

export interface CodeError {
  code: CodeErrorCode;
  message: string;
  /** The offending word, as typed (lower-cased). */
  word?: string;
  /** Words the person may have meant, best first. */
  suggestions?: string[];
  /** How many words were typed (WRONG_WORD_COUNT). */
  count?: number;
}

export type ParseCodeResult = { ok: true; code: PairingCode } | { ok: false; error: CodeError };

/** Whitespace, hyphens, and the dashes phones substitute for them. */
const SEPARATORS = /[\s\-\u2010-\u2015\u2212]+/u;

export function generatePassword(random: RandomBytes = secureRandom): CodeWords {
  const bytes = takeRandom(random, 2 * CODE_WORD_COUNT);
  // 2048 divides 65536, so masking 16 random bits to 11 keeps every word equally likely.
  const pick = (i: number): string =>
    wordAt((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)) & 0x7ff);
  return [pick(0), pick(2)];
}

export const formatCode = ({ nameplate, words }: PairingCode): string =>
  [nameplate, ...words].join('-');

/** The password string both sides feed to the PAKE: lower-case words joined by '-'. */
export function normalizePassword(password: string | readonly string[]): string {
  const text = typeof password === 'string' ? password : password.join(' ');
  return tokens(text).join('-');
}

export function parseCode(input: string): ParseCodeResult {
  const [nameplate, ...typedWords] = tokens(input);
  if (nameplate === undefined) {
    return fail({ code: 'EMPTY', message: 'Enter the code shown on the other device.' });
  }
  if (!NAMEPLATE_PATTERN.test(nameplate)) {
    return fail({
      code: 'BAD_NAMEPLATE',
      message: `A code starts with its number (1 to 999999), like 7-apple-river; “${nameplate}” is not one.`,
      word: nameplate,
    });
  }
  if (typedWords.length !== CODE_WORD_COUNT) {
    return fail({
      code: 'WRONG_WORD_COUNT',
      message: `A code has ${CODE_WORD_COUNT} words after the number; this one has ${typedWords.length}.`,
      count: typedWords.length,
    });
  }
  const words: string[] = [];
  for (const typed of typedWords) {
    const match = matchWord(typed);
    if (match.kind === 'ambiguous') {
      return fail({
        code: 'AMBIGUOUS_WORD',
        message: `“${typed}” is too short: type at least ${MIN_PREFIX_LETTERS} letters (${match.candidates.join(', ')}…).`,
        word: typed,
        suggestions: match.candidates,
      });
    }
    if (match.kind === 'unknown') {
      const hint =
        match.suggestions.length > 0 ? ` Did you mean ${match.suggestions.join(' or ')}?` : '';
      return fail({
        code: 'UNKNOWN_WORD',
        message: `“${typed}” is not a code word.${hint}`,
        word: typed,
        suggestions: match.suggestions,
      });
    }
    words.push(match.word);
  }
  const [first, second] = words;
  if (first === undefined || second === undefined) throw new Error('unreachable: word count');
  return { ok: true, code: { nameplate, words: [first, second] } };
}

/**
 * Candidate words for autocompletion. Accepts the word being typed or the whole code so far
 * (then completes its last word); after a trailing separator there is nothing to complete.
 */
export function completeWord(prefix: string, limit = 5): string[] {
  const parts = prefix.normalize('NFKC').toLowerCase().split(SEPARATORS);
  const last = parts[parts.length - 1] ?? '';
  return wordsStartingWith(last, limit);
}

function tokens(text: string): string[] {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .split(SEPARATORS)
    .filter((token) => token !== '');
}

const fail = (error: CodeError): ParseCodeResult => ({ ok: false, error });

/**
 * Whole-code suggestions while the receiver types: what was typed, with its last word
 * completed ("7-app" → "7-apple", …). Nothing until a nameplate and a word have begun.
 */
export function codeCompletions(input: string, limit = 5): string[] {
  const typed = tokens(input);
  const last = typed[typed.length - 1] ?? '';
  if (typed.length < 2 || typed.length > CODE_WORD_COUNT + 1 || !/^[a-z]+$/.test(last)) return [];
  const head = typed.slice(0, -1).join('-');
  return completeWord(last, limit)
    .filter((word) => word !== last)
    .map((word) => `${head}-${word}`);
}

/**
 * A typo worth saying before the code is used: an unknown word that the person is no longer
 * typing (a later word follows it, or nothing completes it). Undefined while all is well.
 */
export function typoIn(input: string): { word: string; suggestions: string[] } | undefined {
  const parsed = parseCode(input);
  if (parsed.ok || parsed.error.code !== 'UNKNOWN_WORD') return undefined;
  const typed = tokens(input);
  const last = typed[typed.length - 1] ?? '';
  const word = parsed.error.word ?? '';
  const stillTyping = word === last && completeWord(last, 1).length > 0;
  return stillTyping ? undefined : { word, suggestions: parsed.error.suggestions ?? [] };
}
