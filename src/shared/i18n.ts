import browser from 'webextension-polyfill';
import type en from '../../_locales/en/messages.json';
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
