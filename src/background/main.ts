/**
 * Service worker: routes events, keeps no state that matters in variables (it is stopped after
 * ~30 s idle). Listeners are registered at top level so a message that wakes the worker finds
 * them in place.
 */
import browser from 'webextension-polyfill';
import { call, registerMethods } from '../shared/messaging.js';
import { loadSettings, saveSettings } from '../shared/settings.js';
import { onBlobDownloadEnded, saveDownload } from './downloads.js';
import { notifyTransferEnded } from './notifications.js';
import { rebuildMenus, registerLinkSenders } from './link-menus.js';
import { registerLinkNotificationListeners, showLink } from './link-notifications.js';
import { decideHost } from '../core/host-idle.js';
import { storedWork } from '../engine/host-lifecycle.js';
import {
  closeIdleOffscreenDocument,
  ifOffscreenDocument,
  withOffscreenDocument,
} from './offscreen-document.js';
import { captureActiveTab, openTabViewer, showTabShareBadge, watchTabs } from './tab-share.js';

/** Makes sure the engine's host runs (and restarts its idle grace). */
const wakeHost = () => withOffscreenDocument(() => call('offscreen', 'ping'));

/**
 * What only the service worker may do. Pages talk to the engine over their own port
 * (src/shared/engine-client.ts); they come here only to wake its host, for settings, and for
 * the tab-capture stream id. The host comes here for downloads, notifications, the menus, the
 * viewer tab, the badge, and to be closed when idle.
 */
registerMethods('background', {
  // A request, not just a look: it restarts the document's grace, so the port that follows
  // (and the files the send page posts) find it.
  ensureReady: async () => {
    await wakeHost();
  },
  getSettings: loadSettings,
  async setSettings(patch) {
    const settings = await saveSettings(patch);
    // A document that starts later reads the settings itself.
    await ifOffscreenDocument(() => call('offscreen', 'configure', { settings }));
    return settings;
  },
  captureTab: captureActiveTab,
  tabSharing: () => ({ asksWhatToShare: false, sharesSound: true }),
  saveDownload: ({ url, filename }) => saveDownload(url, filename),
  transferEnded: notifyTransferEnded,
  devicesChanged: rebuildMenus,
  showLink,
  setTabShareBadge: showTabShareBadge,
  openTabViewer: async ({ viewerId }) => {
    await openTabViewer(viewerId);
  },
  hostIdle: ({ epoch }) => closeIdleOffscreenDocument(epoch),
});

// Links to paired devices live in the offscreen document: with paired devices (or links
// queued for them) start it with the browser, so this device can be reached (and receive
// links) without opening the popup first. With none, nothing runs until there is work.
async function startHostIfNeeded(): Promise<void> {
  const work = { holds: [], ...(await storedWork()) };
  if (decideHost(work).action === 'keep') await wakeHost();
}
browser.runtime.onStartup.addListener(() => void startHostIfNeeded());
browser.runtime.onInstalled.addListener(() => void startHostIfNeeded());

// A download that ended frees the document's copy; without a document there is none.
onBlobDownloadEnded(
  (url) => void ifOffscreenDocument(() => call('offscreen', 'downloadEnded', { url })),
);

const sendLink = (deviceId: string, url: string, title: string) =>
  withOffscreenDocument(() => call('offscreen', 'sendLink', { deviceId, url, title }));

registerLinkSenders(sendLink);
registerLinkNotificationListeners();

// A shared tab that closes or leaves for a browser page stops its share. (A viewer tab that
// closes closes its port: the engine sees that itself.)
watchTabs((params) => ifOffscreenDocument(() => call('offscreen', 'tabGone', params)));
