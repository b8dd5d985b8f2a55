/**
 * Service worker: routes events, keeps no state that matters in variables (it is stopped after
 * ~30 s idle). Listeners are registered at top level so a message that wakes the worker finds
 * them in place.
 */
import browser from 'webextension-polyfill';
import { call, registerMethods } from '../shared/messaging.js';
import type { MethodName, Params } from '../shared/protocol-map.js';
import { loadSettings, saveSettings } from '../shared/settings.js';
import { onBlobDownloadEnded, saveDownload } from './downloads.js';
import { notifyTransferEnded } from './notifications.js';
import { handleMenuClick, lastLinkDevice, rebuildMenus, sendAndReport } from './link-menus.js';
import { registerLinkNotificationListeners, showLink } from './link-notifications.js';
import { decideHost } from '../core/host-idle.js';
import { storedWork } from '../engine/host-lifecycle.js';
import {
  closeIdleOffscreenDocument,
  ifOffscreenDocument,
  withOffscreenDocument,
} from './offscreen-document.js';
import { captureActiveTab, openTabViewer, showTabShareBadge, watchTabs } from './tab-share.js';

/**
 * Forwards a request to the offscreen document, creating it first if needed: every request
 * for the engine goes through here (the document exists only while there is work).
 */
function forward<M extends MethodName<'offscreen'>>(method: M) {
  return (...params: Params<'offscreen', M>) =>
    withOffscreenDocument(() => call('offscreen', method, ...params));
}

registerMethods('background', {
  async startSend() {
    const settings = await loadSettings();
    return forward('startSend')({ settings });
  },
  async startReceive({ code }) {
    const settings = await loadSettings();
    return forward('startReceive')({ code, settings });
  },
  async startSendFiles({ batchId, deviceId }) {
    const settings = await loadSettings();
    return forward('startSendFiles')({ batchId, settings, ...(deviceId ? { deviceId } : {}) });
  },
  // A request, not just a look: it restarts the document's grace, so the files that follow
  // find it.
  ensureReady: async () => {
    await forward('ping')();
  },
  acceptFiles: forward('acceptFiles'),
  declineFiles: forward('declineFiles'),
  cancelTransfer: forward('cancelTransfer'),
  saveDownload: ({ url, filename }) => saveDownload(url, filename),
  transferEnded: notifyTransferEnded,
  getSession: forward('getSession'),
  sendText: forward('sendText'),
  closeSession: forward('closeSession'),
  rememberPeer: forward('rememberPeer'),
  listDevices: forward('listDevices'),
  connectDevice: forward('connectDevice'),
  unpairDevice: forward('unpairDevice'),
  sendLink: forward('sendLink'),
  listLinks: forward('listLinks'),
  setAutoOpenLinks: forward('setAutoOpenLinks'),
  devicesChanged: rebuildMenus,
  showLink,
  getSettings: loadSettings,
  async setSettings(patch) {
    const settings = await saveSettings(patch);
    // A document that starts later reads the settings itself.
    await ifOffscreenDocument(() => call('offscreen', 'configure', { settings }));
    return settings;
  },
  // The document first: a tab-capture stream id is good for a few seconds only.
  startTabShare: ({ quality }) =>
    withOffscreenDocument(async () => {
      const [tab, settings] = await Promise.all([captureActiveTab(), loadSettings()]);
      return call('offscreen', 'startTabShare', { ...tab, quality, settings });
    }),
  stopTabShare: forward('stopTabShare'),
  getTabShare: forward('getTabShare'),
  resumeTabShareCodes: forward('resumeTabShareCodes'),
  dismissTabShareWarning: forward('dismissTabShareWarning'),
  setTabShareBadge: showTabShareBadge,
  openTabViewer: ({ viewerId }) => openTabViewer(viewerId),
  hostIdle: ({ epoch }) => closeIdleOffscreenDocument(epoch),
});

// Links to paired devices live in the offscreen document: with paired devices (or links
// queued for them) start it with the browser, so this device can be reached (and receive
// links) without opening the popup first. With none, nothing runs until there is work.
async function startHostIfNeeded(): Promise<void> {
  const work = { holds: [], ...(await storedWork()) };
  if (decideHost(work).action === 'keep') await forward('ping')();
}
browser.runtime.onStartup.addListener(() => void startHostIfNeeded());
browser.runtime.onInstalled.addListener(() => void startHostIfNeeded());

// A download that ended frees the document's copy; without a document there is none.
onBlobDownloadEnded(
  (url) => void ifOffscreenDocument(() => call('offscreen', 'downloadEnded', { url })),
);

const sendLink = (deviceId: string, url: string, title: string) =>
  forward('sendLink')({ deviceId, url, title });

browser.contextMenus.onClicked.addListener(
  (info, tab) => void handleMenuClick(info, tab, sendLink),
);
registerLinkNotificationListeners();

// The keyboard shortcut: this page to the device a link was last sent to.
browser.commands.onCommand.addListener((command, tab) => {
  if (command !== 'send-page-to-last-device') return;
  void (async () => {
    const deviceId = await lastLinkDevice();
    const active = tab ?? (await browser.tabs.query({ active: true, currentWindow: true }))[0];
    if (deviceId && active?.url)
      await sendAndReport(deviceId, active.url, active.title ?? '', sendLink);
  })();
});

// A shared tab that closes or leaves for a browser page stops its share; a closed viewer tab
// leaves the share it watched.
watchTabs((params) => ifOffscreenDocument(() => call('offscreen', 'tabGone', params)));
