/**
 * The Firefox host of the engine (src/engine/). Firefox has no offscreen documents: its MV3
 * background is an event page with a DOM, so this one page hosts the engine (every signaling
 * socket and RTCPeerConnection) and does what the Chromium service worker does (menus,
 * notifications, downloads, settings in storage). Pages reach the engine over their port
 * (../engine/page-ports.ts) and ask this page for settings over runtime messages. Its own
 * calls are direct: Firefox never delivers a runtime message to the page that sent it.
 *
 * Firefox stops the page when idle however much it has open; while the engine has work (a
 * session, a file being saved, a paired device to stay reachable for), keep-awake.ts keeps it.
 * Listeners are registered at top level, so an event that wakes the page finds them.
 *
 * A tab share starts with the popup's click: Firefox has no tabCapture, so the engine's capture
 * opens the capture page, where the person picks in Firefox's own picker (captures.ts).
 */
import browser from 'webextension-polyfill';
import { Engine } from '../engine/engine.js';
import { HostIdleWatch, storedWork } from '../engine/host-lifecycle.js';
import { pageHandlers } from '../engine/page-handlers.js';
import { PagePorts } from '../engine/page-ports.js';
import { onBlobDownloadEnded } from '../background/downloads.js';
import { registerLinkSenders } from '../background/link-menus.js';
import { onLinkNotification } from '../background/link-notifications.js';
import { takeBatch } from '../offscreen/file-batches.js';
import { registerPageMethods } from '../shared/messaging.js';
import { loadSettings, saveSettings } from '../shared/settings.js';
import { KeepAwake } from './keep-awake.js';
import { CAPTURE_DESK, Captures } from './captures.js';
import { firefoxPlatform } from './platform-firefox.js';
import { hostIdleGraceMs } from '../shared/host-grace.js';
import { linkWake } from './wake-alarm.js';
import { resumeWake } from './transfer-records.js';

// Awake from the start: until the engine knows its devices, it cannot tell whether it may sleep.
const keepAwake = new KeepAwake();
keepAwake.awake();
const watch: HostIdleWatch = new HostIdleWatch({
  graceMs: hostIdleGraceMs,
  stored: storedWork,
  // Nothing to do for the grace: stop keeping the page awake, and Firefox lets it sleep.
  idle: (epoch) => {
    if (watch.stillIdle(epoch)) keepAwake.sleep();
  },
});
/** Something happened: stay awake, and the grace starts again. */
const activity = () => {
  keepAwake.awake();
  watch.touch();
};
const hold = (reason: string) => {
  keepAwake.awake();
  return watch.hold(reason);
};

const CAPTURE_PAGE = 'src/capture/capture.html';
const captures = new Captures({
  hold,
  // A small window of its own: the person then picks the window that shows their tab.
  openPage: async (id) => {
    await browser.windows.create({
      url: `${browser.runtime.getURL(CAPTURE_PAGE)}#${encodeURIComponent(id)}`,
      type: 'popup',
      width: 480,
      height: 360,
    });
  },
});
// The capture page finds it through runtime.getBackgroundPage() (module bindings are not on it).
(globalThis as Record<string, unknown>)[CAPTURE_DESK] = captures;

/** Paired devices or queued links: a stopped page must wake to stay reachable (wake-alarm.ts). */
const storedWorkChanged = () => {
  void watch.refresh();
  storedWork()
    .then((work) => linkWake.wakeWhile(work.pairedDevices > 0 || work.queuedLinks > 0))
    .catch((error: unknown) => console.warn('peerbeam: cannot set the wake alarm', error));
};
linkWake.onWake(() => activity());
// A transfer the page was stopped under: the engine takes it up again as it starts.
resumeWake.onWake(() => activity());

const platform = firefoxPlatform(
  { hold, storedWorkChanged },
  (event, params) => pages.broadcast(event, params),
  (request) => captures.request(request),
);
const engine = new Engine(platform);
const ready = engine.start();
void ready.finally(storedWorkChanged);

// Pages open a port each; an open page keeps the engine awake (it shows what the engine does).
const pages = new PagePorts({
  handlers: pageHandlers(engine, {
    takeBatch,
    tabShareStarted: (view) => platform.showBadge(view),
  }),
  ready,
  opened: () => hold('a page is open'),
  activity,
});
browser.runtime.onConnect.addListener((port) => pages.accept(port));

// Every request from a page is activity: the send page, which asks before it posts its files,
// finds the engine still awake.
browser.runtime.onMessage.addListener(() => {
  activity();
  return undefined;
});

/** What pages ask of "the background" (src/shared/protocol-map.ts). */
registerPageMethods({
  ensureReady: () => activity(),
  getSettings: loadSettings,
  async setSettings(patch) {
    const settings = await saveSettings(patch);
    engine.configure({ settings });
    return settings;
  },
  // The capture waits for the person's pick in the capture page; this names it.
  captureTab: () => ({ streamId: crypto.randomUUID(), tabId: browser.tabs.TAB_ID_NONE }),
  tabSharing: () => ({ asksWhatToShare: true, sharesSound: false }),
});

// Wakes the page when Firefox starts, so paired devices can reach this one at once.
browser.runtime.onStartup.addListener(() => undefined);

onBlobDownloadEnded((url) => void platform.downloadEnded(url));

const sendLink = async (deviceId: string, url: string, title: string) => {
  activity();
  await ready;
  return engine.sendLink({ deviceId, url, title });
};

registerLinkSenders(sendLink);

// Firefox notifications have no buttons: a click opens the link (the popup lists it too).
browser.notifications.onClicked.addListener((id) => void onLinkNotification(id, true));
browser.notifications.onClosed.addListener((id) => void browser.storage.session.remove(id));
