import browser from 'webextension-polyfill';
import type en from '../../_locales/en/messages.json';
import type { CodeError } from '../core/code.js';
import { codeErrorText } from '../core/code-error-text.js';
import type { ErrorData } from '../core/errors.js';

export type MessageKey = keyof typeof en;

/** User-facing text, always through chrome.i18n (English and Simplified Chinese). */
export function t(key: MessageKey, ...substitutions: string[]): string {
  return browser.i18n.getMessage(key, substitutions) || key;
}

/** The sentence a person sees for an error: its code decides, its detail may fill in. */
export function describeError(error: ErrorData): string {
  return t(`error_${error.code}`, error.message);
}

/** Why a typed code is not one, in the reader's language (the core's own text is English). */
export function describeCodeError(error: CodeError): string {
  return codeErrorText((key, ...substitutions) => t(key as MessageKey, ...substitutions), error);
}

/** "1 file" / "6 files": chrome.i18n has no plural rules, so one and other are two keys. */
export function fileCount(count: number): string {
  return count === 1 ? t('popup_filesOne') : t('popup_filesOther', String(count));
}

/**
 * Every page says which language it is in (screen readers pick their voice from it): the tag
 * of the translation chrome.i18n chose for the text. getUILanguage() and @@ui_locale can
 * name another language than the one the messages came from (seen: "en-US" beside Chinese
 * text when the locale comes from LANGUAGE on Linux).
 */
export function setPageLanguage(): void {
  document.documentElement.lang = t('popup_htmlLang') || browser.i18n.getUILanguage();
}
