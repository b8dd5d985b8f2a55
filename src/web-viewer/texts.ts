/**
 * The /watch page's words: the extension's own `_locales` tables, bundled at build time (so
 * the server serves no extra file), read the way chrome.i18n reads them, in the first of the
 * person's languages that Peerbeam has.
 */
import en from '../../_locales/en/messages.json';
import zhCN from '../../_locales/zh_CN/messages.json';
import type { CodeError } from '../core/code.js';
import type { DigitCodeError } from '../core/code-digits.js';
import type { ErrorData } from '../core/errors.js';
import {
  languageTag,
  pickLocale,
  translator,
  type LocaleMessages,
} from '../core/locale-messages.js';
import type { SessionStep } from '../core/session-step.js';
import type { PlayerTexts } from '../viewer/player.js';

export type MessageKey = keyof typeof en;

const TABLES: Record<string, LocaleMessages> = { en, zh_CN: zhCN };
const DEFAULT_LOCALE = 'en';

export interface WebTexts {
  /** The locale shown (`en`, `zh_CN`) and its tag for `lang` (`en`, `zh-CN`). */
  locale: string;
  lang: string;
  t: (key: MessageKey, ...substitutions: string[]) => string;
}

export function webTexts(languages: readonly string[]): WebTexts {
  const locale = pickLocale(languages, Object.keys(TABLES), DEFAULT_LOCALE);
  const t = translator(TABLES[locale] ?? en, en);
  return { locale, lang: languageTag(locale), t };
}

const hasKey = (key: string): key is MessageKey => key in en;

/** The sentence for an error: this page's own where the extension's would mislead. */
export function describeError({ t }: WebTexts, error: ErrorData): string {
  // The code was for files or a chat, not a tab: say so in this page's words.
  if (error.code === 'NOT_A_TAB') return t('watchNotATab');
  const own = `watchError_${error.code}`;
  if (hasKey(own)) return t(own);
  const shared = `error_${error.code}`;
  return hasKey(shared) ? t(shared, error.message) : t('error_INTERNAL');
}

/** Why a typed code is not one, in the page's language (the core's own text is English). */
export function describeCodeError({ t }: WebTexts, error: CodeError | DigitCodeError): string {
  const word = error.word ?? '';
  const count = String(error.count ?? 0);
  const detail = ((): string => {
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
  })();
  return t('error_CODE_INVALID', detail);
}

export function stepText({ t }: WebTexts, step: SessionStep): string {
  if (step === 'waiting-for-peer') return t('watchStepWaiting');
  const key = `step_${step.replace(/-/g, '_')}`;
  return hasKey(key) ? t(key) : t('viewerConnecting');
}

export function playerTexts({ t }: WebTexts): PlayerTexts {
  return {
    connecting: t('viewerConnecting'),
    watching: (name) => (name ? t('viewerWatching', name) : t('viewerWatchingUnnamed')),
    ended: t('viewerEnded'),
    failed: (detail) => t('viewerFailed', detail),
    fullscreen: t('viewerFullscreen'),
    exitFullscreen: t('viewerExitFullscreen'),
    volume: t('viewerVolume'),
    mute: t('viewerMute'),
    unmute: t('viewerUnmute'),
    clickToUnmute: t('viewerClickToUnmute'),
  };
}
