/**
 * The web page's stand-in for src/shared/i18n.ts (swapped in at build: vite.config.ts): the same
 * functions over the extension's own `_locales` tables (../web-viewer/texts.ts), so the shared
 * components speak the person's language without chrome.i18n. Where the extension's sentence
 * would mislead on a web page (it points at Downloads › Peerbeam, or at Settings), a
 * `web_<key>` (or, for errors, the /watch page's `watchError_<CODE>`) is said instead.
 */
import type { CodeError } from '../core/code.js';
import type { ErrorData } from '../core/errors.js';
import type * as Extension from '../shared/i18n.js';
import {
  describeCodeError as webCodeError,
  describeError as webError,
  hasKey,
  webTexts,
  type WebTexts,
} from '../web-viewer/texts.js';
import { savingFolder } from './saving-place.js';
import { stagesInMemory } from './staging.js';

export type MessageKey = Extension.MessageKey;

/** `t` over `texts`, saying the web page's own `web_<key>` where there is one. */
export function webTranslator(texts: WebTexts): typeof Extension.t {
  return (key, ...substitutions) => {
    const own = `web_${key}`;
    return texts.t(hasKey(own) ? own : key, ...substitutions);
  };
}

export const texts = webTexts(navigator.languages);

const translate = webTranslator(texts);

export const t: typeof Extension.t = (key, ...substitutions) => {
  // The finish says where the files went: a picked folder, or the downloads.
  const folder = key === 'popup_finishWhere' ? savingFolder() : undefined;
  return folder ? texts.t('web_finishWhereFolder', folder) : translate(key, ...substitutions);
};

export const describeError: typeof Extension.describeError = (error: ErrorData) => {
  // Files waiting in memory: the limit is this browser's, and the way out another browser.
  const own =
    error.code === 'NO_ROOM' && stagesInMemory()
      ? 'web_error_NO_ROOM_IN_MEMORY'
      : `web_error_${error.code}`;
  return hasKey(own) ? texts.t(own, error.message) : webError(texts, error);
};

export const describeCodeError: typeof Extension.describeCodeError = (error: CodeError) =>
  webCodeError(texts, error);

export const fileCount: typeof Extension.fileCount = (count) =>
  count === 1 ? t('popup_filesOne') : t('popup_filesOther', String(count));

export const setPageLanguage: typeof Extension.setPageLanguage = () => {
  document.documentElement.lang = texts.lang;
};
