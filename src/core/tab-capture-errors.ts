/**
 * Why a tab cannot be shared, each cause its own code (errors.ts), so the popup says the right
 * thing instead of guessing from a catch-all. Pure: the service worker passes the active tab
 * and chrome.tabCapture's failures here, the host document its getUserMedia failures.
 */
import { PeerbeamError } from './errors.js';
import { isBrowserPage } from './tab-links.js';

/** The id of the active tab if it may be shared; NO_TAB or TAB_NOT_SHAREABLE otherwise. */
export function requireShareableTab(tab: { id?: number; url?: string } | undefined): number {
  if (tab?.id === undefined) throw new PeerbeamError('NO_TAB', 'there is no tab to share');
  if (tab.url && isBrowserPage(tab.url)) {
    throw new PeerbeamError('TAB_NOT_SHAREABLE', 'browser pages cannot be shared');
  }
  return tab.id;
}

/**
 * Chromium's getMediaStreamId fails with a bare message (tab_capture_api.cc), getUserMedia
 * with a DOMException whose name says the cause. The platform's text stays the message.
 */
const STREAM_ID_FAILURES: [RegExp, 'TAB_ALREADY_CAPTURED' | 'TAB_CAPTURE_DENIED' | 'TAB_GONE'][] = [
  [/active stream/i, 'TAB_ALREADY_CAPTURED'],
  [/not been invoked|activeTab|permission/i, 'TAB_CAPTURE_DENIED'],
  [/invalid tab|finding tab|no tab|could not find/i, 'TAB_GONE'],
];

const MEDIA_FAILURES: Record<string, 'TAB_CAPTURE_DENIED' | 'TAB_GONE'> = {
  NotAllowedError: 'TAB_CAPTURE_DENIED',
  SecurityError: 'TAB_CAPTURE_DENIED',
  NotFoundError: 'TAB_GONE',
};

export function tabCaptureError(error: unknown): PeerbeamError {
  if (error instanceof PeerbeamError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const name = error instanceof Error ? error.name : '';
  const byName = MEDIA_FAILURES[name];
  if (byName) return new PeerbeamError(byName, message);
  const byMessage = STREAM_ID_FAILURES.find(([pattern]) => pattern.test(message))?.[1];
  return new PeerbeamError(byMessage ?? 'TAB_CAPTURE_FAILED', message);
}
