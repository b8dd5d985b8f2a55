import { describe, expect, it } from 'vitest';
import { requireShareableTab, tabCaptureError } from './tab-capture-errors.js';

const codeOf = (ask: () => unknown): string | undefined => {
  try {
    ask();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
};

describe('a tab to share', () => {
  it('no active tab at all → NO_TAB', () => {
    expect(codeOf(() => requireShareableTab(undefined))).toBe('NO_TAB');
    expect(codeOf(() => requireShareableTab({ url: 'https://example.com/' }))).toBe('NO_TAB');
  });

  it('a browser page cannot be shared → TAB_NOT_SHAREABLE', () => {
    expect(codeOf(() => requireShareableTab({ id: 3, url: 'chrome://settings/' }))).toBe(
      'TAB_NOT_SHAREABLE',
    );
  });

  it('a web page is shared by its id', () => {
    expect(requireShareableTab({ id: 3, url: 'https://example.com/' })).toBe(3);
  });
});

describe('each platform failure of a tab capture has its own code', () => {
  it.each([
    // chrome.tabCapture.getMediaStreamId, in the service worker
    ['Cannot capture a tab with an active stream.', 'TAB_ALREADY_CAPTURED'],
    [
      'Extension has not been invoked for the current page (see activeTab permission). Chrome pages cannot be captured.',
      'TAB_CAPTURE_DENIED',
    ],
    ['Invalid tab specified.', 'TAB_GONE'],
    ['Error finding tab to capture.', 'TAB_GONE'],
    ['Something else entirely', 'TAB_CAPTURE_FAILED'],
  ])('getMediaStreamId: %j → %s', (message, code) => {
    const error = tabCaptureError(new Error(message));
    expect(error.code).toBe(code);
    expect(error.message).toBe(message);
  });

  it.each([
    // getUserMedia with the stream id, in the host document
    ['NotAllowedError', 'TAB_CAPTURE_DENIED'],
    ['NotFoundError', 'TAB_GONE'],
    ['AbortError', 'TAB_CAPTURE_FAILED'],
    ['NotReadableError', 'TAB_CAPTURE_FAILED'],
  ])('getUserMedia: a %s → %s', (name, code) => {
    const error = tabCaptureError(new DOMException('Error starting tab capture', name));
    expect(error.code).toBe(code);
  });

  it('what is not an Error still gets a code and its text', () => {
    expect(tabCaptureError('odd').toData()).toEqual({ code: 'TAB_CAPTURE_FAILED', message: 'odd' });
  });
});
