/**
 * The public word list for codes: BIP39 English, 2048 words (11 bits each). Its words are
 * 3–8 lowercase letters and unique by their first 4 letters, so 4 letters always name at
 * most one word; that makes completion easy and lets a typo be caught before a guess is spent.
 */
import { wordlist } from '@scure/bip39/wordlists/english.js';

export const WORDS: readonly string[] = Object.freeze([...wordlist]);
export const BITS_PER_WORD = Math.log2(WORDS.length);
/** Shortest prefix accepted in place of a whole word. */
export const MIN_PREFIX_LETTERS = 4;

const INDEX = new Map(WORDS.map((word, index) => [word, index]));

export type WordMatch =
  | { kind: 'word'; word: string }
  | { kind: 'ambiguous'; candidates: string[] }
  | { kind: 'unknown'; suggestions: string[] };

export function wordAt(index: number): string {
  const word = WORDS[index];
  if (word === undefined) throw new RangeError(`no word at ${index}`);
  return word;
}

export const isWord = (text: string): boolean => INDEX.has(text);

/** Words that start with `prefix`, in list (alphabetical) order. */
export function wordsStartingWith(prefix: string, limit = Infinity): string[] {
  const found: string[] = [];
  if (prefix === '') return found;
  for (const word of WORDS) {
    if (found.length >= limit) break;
    if (word.startsWith(prefix)) found.push(word);
  }
  return found;
}

/**
 * Resolves one typed (already lower-cased) word: the word itself, or a prefix of at least
 * MIN_PREFIX_LETTERS that names exactly one word. Shorter prefixes are ambiguous even when
 * only one word fits, so the rule stays easy to explain.
 */
export function matchWord(typed: string, suggestionLimit = 3): WordMatch {
  if (INDEX.has(typed)) return { kind: 'word', word: typed };
  const starting = wordsStartingWith(typed, 2);
  if (typed.length >= MIN_PREFIX_LETTERS && starting.length === 1 && starting[0] !== undefined) {
    return { kind: 'word', word: starting[0] };
  }
  if (starting.length > 0) {
    return { kind: 'ambiguous', candidates: wordsStartingWith(typed, suggestionLimit) };
  }
  return { kind: 'unknown', suggestions: closestWords(typed, suggestionLimit) };
}

const MAX_SUGGESTION_DISTANCE = 2;

/** Nearest words by edit distance (typos, swapped letters), closest and longest-shared first. */
export function closestWords(typed: string, limit = 3): string[] {
  const scored: { word: string; distance: number; shared: number }[] = [];
  for (const word of WORDS) {
    const distance = editDistance(typed, word, MAX_SUGGESTION_DISTANCE);
    if (distance <= MAX_SUGGESTION_DISTANCE) {
      scored.push({ word, distance, shared: sharedPrefixLength(typed, word) });
    }
  }
  scored.sort((a, b) => a.distance - b.distance || b.shared - a.shared);
  return scored.slice(0, limit).map((entry) => entry.word);
}

function sharedPrefixLength(a: string, b: string): number {
  let n = 0;
  while (n < a.length && a[n] === b[n]) n++;
  return n;
}

/**
 * Optimal-string-alignment distance (insert, delete, substitute, swap two neighbours);
 * returns `bound + 1` as soon as the answer must exceed `bound`.
 */
export function editDistance(a: string, b: string, bound: number): number {
  if (Math.abs(a.length - b.length) > bound) return bound + 1;
  let beforePrevious: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, (beforePrevious[j - 2] ?? 0) + 1);
      }
      current.push(value);
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin > bound) return bound + 1;
    beforePrevious = previous;
    previous = current;
  }
  return Math.min(previous[b.length] ?? bound + 1, bound + 1);
}
