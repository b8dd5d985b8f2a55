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
import { ensureOffscreenDocument } from './offscreen-document.js';
import { captureActiveTab, openTabViewer, showTabShareBadge, watchTabs } from './tab-share.js';

/** Forwards a popup request to the offscreen document, creating it first if needed. */
function forward<M extends MethodName<'offscreen'>>(method: M) {
  return async (...params: Params<'offscreen', M>) => {
    await ensureOffscreenDocument();
    return call('offscreen', method, ...params);
  };
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
  ensureReady: ensureOffscreenDocument,
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
    await forward('configure')({ settings });
    return settings;
  },
  async startTabShare({ quality }) {
    const [tab, settings] = await Promise.all([captureActiveTab(), loadSettings()]);
    return forward('startTabShare')({ ...tab, quality, settings });
  },
  stopTabShare: forward('stopTabShare'),
  getTabShare: forward('getTabShare'),
  resumeTabShareCodes: forward('resumeTabShareCodes'),
  dismissTabShareWarning: forward('dismissTabShareWarning'),
  setTabShareBadge: showTabShareBadge,
  openTabViewer: ({ viewerId }) => openTabViewer(viewerId),
});

// Links to paired devices live in the offscreen document: start it with the browser, so this
// device can be reached (and receive links) without opening the popup first.
browser.runtime.onStartup.addListener(() => void ensureOffscreenDocument());
browser.runtime.onInstalled.addListener(() => void ensureOffscreenDocument());

onBlobDownloadEnded((url) => void forward('downloadEnded')({ url }));

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
watchTabs((params) => call('offscreen', 'tabGone', params));
