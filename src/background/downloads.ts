/**
 * Received files go to Downloads through chrome.downloads, from a blob URL of their OPFS copy
 * made in the offscreen document. When a download ends, the offscreen document may drop its
 * copy; the download item itself carries the blob URL, so no state is kept here.
 */
import browser from 'webextension-polyfill';
import { PeerbeamError } from '../core/errors.js';

export async function saveDownload(url: string, filename: string): Promise<void> {
  if (!url.startsWith('blob:')) throw new PeerbeamError('BAD_REQUEST', 'only blob URLs are saved');
  try {
    await browser.downloads.download({ url, filename, conflictAction: 'uniquify', saveAs: false });
  } catch (error) {
    throw new PeerbeamError('SAVE_FAILED', error instanceof Error ? error.message : String(error));
  }
}

/** Calls `ended(url)` whenever one of our blob downloads completes or is interrupted. */
export function onBlobDownloadEnded(ended: (url: string) => void): void {
  browser.downloads.onChanged.addListener((delta) => {
    const state = delta.state?.current;
    if (state !== 'complete' && state !== 'interrupted') return;
    void browser.downloads.search({ id: delta.id }).then(([item]) => {
      if (item?.url.startsWith(`blob:${location.origin}`)) ended(item.url);
    });
  });
}
