/**
 * The /watch page's words: the extension's own `_locales` tables, bundled at build time (so
 * the server serves no extra file), read the way chrome.i18n reads them, in the first of the
 * person's languages that Peerbeam has.
 */
import en from '../../_locales/en/messages.json';
import zhCN from '../../_locales/zh_CN/messages.json';
import type { CodeError } from '../core/code.js';
import type { DigitCodeError } from '../core/code-digits.js';
import { codeErrorText } from '../core/code-error-text.js';
import type { ErrorData } from '../core/errors.js';
import {
  languageTag,
  pickLocale,
  translator,
  type LocaleMessages,
} from '../core/locale-messages.js';
import type { SessionStep } from '../core/session-step.js';
import { playerTextsFrom, type PlayerTexts } from '../viewer/player.js';

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

export const hasKey = (key: string): key is MessageKey => key in en;

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
  const translate = (key: string, ...substitutions: string[]) =>
    t(key as MessageKey, ...substitutions);
  return t('error_CODE_INVALID', codeErrorText(translate, error));
}

export function stepText({ t }: WebTexts, step: SessionStep): string {
  if (step === 'waiting-for-peer') return t('watchStepWaiting');
  const key = `step_${step.replace(/-/g, '_')}`;
  return hasKey(key) ? t(key) : t('viewerConnecting');
}

export function playerTexts({ t }: WebTexts): PlayerTexts {
  return playerTextsFrom(t);
}
