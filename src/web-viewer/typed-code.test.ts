import { describe, expect, it } from 'vitest';
import { formatDigitCode } from '../core/code-digits.js';
import { codeStillUsable, readTypedCode } from './typed-code.js';

describe('the /watch page reads a typed code before anything is spent', () => {
  it('takes the word form as typed, normalised', () => {
    expect(readTypedCode(' 7 Apple RIVER ')).toEqual({ ok: true, code: '7-apple-river' });
  });

  it('takes the same code in digits and opens the session with its words', () => {
    const digits = formatDigitCode({ nameplate: '7', words: ['apple', 'river'] });
    expect(readTypedCode(digits)).toEqual({ ok: true, code: '7-apple-river' });
  });

  it('reports a wrong digit and a misspelt word as code errors', () => {
    const digits = formatDigitCode({ nameplate: '7', words: ['apple', 'river'] });
    const wrong = digits.slice(0, -1) + String((Number(digits.at(-1)) + 1) % 10);
    expect(readTypedCode(wrong)).toMatchObject({ ok: false, error: { code: 'WRONG_DIGIT' } });
    expect(readTypedCode('7-aplpe-river')).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_WORD', word: 'aplpe' },
    });
  });
});

describe('a used code is not put back into the field', () => {
  it.each(['ended', 'CODE_MISMATCH', 'CODE_IN_USE', 'PEER_LEFT', 'CONNECTION_FAILED'] as const)(
    'after %s the field is emptied',
    (how) => expect(codeStillUsable(how)).toBe(false),
  );

  it.each(['CODE_INVALID', 'NO_SUCH_CODE', 'SIGNALING_UNREACHABLE'] as const)(
    'after %s the code stays to correct or retry',
    (how) => expect(codeStillUsable(how)).toBe(true),
  );
});
