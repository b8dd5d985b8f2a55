/**
 * Why a typed code is not one, in the reader's language: the core's own texts are English, so
 * every page (the extension's through chrome.i18n, /watch through its bundled tables) turns a
 * CodeError into a sentence with its own translate function and the same message keys.
 */
import type { CodeError } from './code.js';
import type { DigitCodeError } from './code-digits.js';

export type Translate = (key: string, ...substitutions: string[]) => string;

export function codeErrorText(t: Translate, error: CodeError | DigitCodeError): string {
  const word = error.word ?? '';
  const count = String(error.count ?? 0);
  switch (error.code) {
    case 'EMPTY':
      return t('codeError_EMPTY');
    case 'BAD_NAMEPLATE':
      return t('codeError_BAD_NAMEPLATE', word);
    case 'WRONG_WORD_COUNT':
      return t('codeError_WRONG_WORD_COUNT', count);
    case 'AMBIGUOUS_WORD':
      return t('codeError_AMBIGUOUS_WORD', word, (error.suggestions ?? []).join(', '));
    case 'UNKNOWN_WORD':
      return error.suggestions?.length
        ? t('codeTypo', word, error.suggestions.join(', '))
        : t('codeError_UNKNOWN_WORD', word);
    case 'WRONG_DIGIT_COUNT':
      return t('watchDigitError_WRONG_DIGIT_COUNT', count);
    case 'WRONG_DIGIT':
      return t('watchDigitError_WRONG_DIGIT');
  }
}
