/**
 * The web page's stand-in for src/popup/dismissed.ts (swapped in at build): the page holds the
 * engine itself, so the session closed with Done is remembered for as long as the page lives.
 */
import type * as Extension from '../popup/dismissed.js';

let dismissed: unknown;

export const dismissedSession: typeof Extension.dismissedSession = async () => dismissed;

export const rememberDismissed: typeof Extension.rememberDismissed = (id) => {
  dismissed = id;
};
