/**
 * What the /watch page does with a typed code: read it in words or in digits (the same code,
 * src/core/code-digits.ts) before anything is spent, and whether it is still worth showing
 * after an attempt. A code allows one guess: once the attempt reached the sharer, the code is
 * used up, and putting it back in the field only invites a second, failing try.
 */
import { formatCode, parseCode, type CodeError } from '../core/code.js';
import { looksLikeDigitCode, parseDigitCode, type DigitCodeError } from '../core/code-digits.js';
import type { ErrorCode } from '../core/errors.js';

export type TypedCode =
  { ok: true; code: string } | { ok: false; error: CodeError | DigitCodeError };

/** The code in its word form (what the session is opened with), or why it is not one. */
export function readTypedCode(input: string): TypedCode {
  const parsed = looksLikeDigitCode(input) ? parseDigitCode(input) : parseCode(input);
  return parsed.ok ? { ok: true, code: formatCode(parsed.code) } : parsed;
}

/**
 * Failures that leave the code unspent (nothing reached the sharer, or the number was wrong
 * and may just be mistyped): the field keeps it to correct or retry. After any other end —
 * the share ended, the code was used or did not match — the field is emptied.
 */
const UNSPENT: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'CODE_INVALID',
  'NO_SUCH_CODE',
  'SIGNALING_UNREACHABLE',
  'PROTOCOL_MISMATCH',
]);

export const codeStillUsable = (failure: ErrorCode | 'ended'): boolean =>
  failure !== 'ended' && UNSPENT.has(failure);
