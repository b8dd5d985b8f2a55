/**
 * The service worker's part of a tab share: what only it may call. It turns the popup's click
 * into a tab capture stream id, shows the badge while a tab is shared, opens viewer pages, and
 * tells the offscreen document when a tab closes or goes to a browser page. It keeps no state:
 * the share lives in the offscreen document, the badge in the browser.
 */
import { PeerbeamError } from '../core/errors.js';
import { requireShareableTab, tabCaptureError } from '../core/tab-capture-errors.js';
import { isBrowserPage } from '../core/tab-links.js';
import { t } from '../shared/i18n.js';

const OFFSCREEN_URL = 'src/offscreen/offscreen.html';
const VIEWER_PATH = 'src/viewer/viewer.html';
const BADGE_COLOR = '#d93025';

/**
 * A stream id for the active tab. Called while handling the popup's click: opening the popup
 * granted activeTab for that tab, which getMediaStreamId requires.
 */
export async function captureActiveTab(): Promise<{
  streamId: string;
  tabId: number;
  title?: string;
}> {
  const [tab] = await chrome.tabs.query({ active: true, lastFocusedWindow: true });
  const tabId = requireShareableTab(tab);
  let streamId: string;
  try {
    streamId = await chrome.tabCapture.getMediaStreamId({ targetTabId: tabId });
  } catch (error) {
    throw tabCaptureError(error);
  }
  return { streamId, tabId, ...(tab?.title ? { title: tab.title } : {}) };
}

/** The toolbar badge: the number of viewers (or "LIVE") while a tab is shared. */
export async function showTabShareBadge({
  live,
  viewers,
}: {
  live: boolean;
  viewers: number;
}): Promise<void> {
  const text = live ? (viewers > 0 ? String(viewers) : t('badgeLive')) : '';
  await Promise.all([
    chrome.action.setBadgeBackgroundColor({ color: BADGE_COLOR }),
    chrome.action.setBadgeText({ text }),
    chrome.action.setTitle({ title: live ? t('actionTitleSharing') : t('actionTitle') }),
  ]);
}

export async function openTabViewer(viewerId: string): Promise<{ tabId: number }> {
  const tab = await chrome.tabs.create({
    url: `${chrome.runtime.getURL(VIEWER_PATH)}#${encodeURIComponent(viewerId)}`,
  });
  if (tab.id === undefined) throw new PeerbeamError('INTERNAL', 'the viewer tab has no id');
  return { tabId: tab.id };
}

/**
 * Reports tabs that close, or navigate to a browser page (which must not be shared), to
 * `tabGone`. Registered at top level: these events wake a stopped service worker. Nothing is
 * reported while no offscreen document runs (then nothing is shared or watched).
 *
 * A page's new URL is visible here only with the optional "tabs" permission (measured: without
 * it onUpdated reports only status changes, and the capture goes on across a navigation to
 * chrome://version). The popup asks for it, with the reason, while a tab is shared.
 */
export function watchTabs(
  tabGone: (params: { tabId: number; reason: 'closed' | 'navigated' }) => Promise<unknown>,
): void {
  const report = async (tabId: number, reason: 'closed' | 'navigated') => {
    const contexts = await chrome.runtime.getContexts({
      contextTypes: [chrome.runtime.ContextType.OFFSCREEN_DOCUMENT],
      documentUrls: [chrome.runtime.getURL(OFFSCREEN_URL)],
    });
    if (contexts.length > 0) await tabGone({ tabId, reason });
  };
  chrome.tabs.onRemoved.addListener((tabId) => {
    report(tabId, 'closed').catch(() => undefined);
  });
  chrome.tabs.onUpdated.addListener((tabId, change) => {
    if (change.url && isBrowserPage(change.url)) {
      report(tabId, 'navigated').catch(() => undefined);
    }
  });
}
