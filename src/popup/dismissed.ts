import browser from 'webextension-polyfill';

/**
 * The session the person last closed with Done (popup or send page): a reopened popup shows
 * a finished transfer again until then, never after. storage.session: gone with the browser.
 */
const KEY = 'popupDismissedSession';

export async function dismissedSession(): Promise<unknown> {
  const stored = await browser.storage.session.get(KEY).catch(() => ({}));
  return (stored as Record<string, unknown>)[KEY];
}

export function rememberDismissed(id: string): void {
  void browser.storage.session.set({ [KEY]: id }).catch(() => undefined);
}
