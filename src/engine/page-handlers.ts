/**
 * What a page may ask the engine (page-protocol.ts), answered the same way by every extension
 * host (Chromium's offscreen document, Firefox's event page). What differs between hosts comes
 * in as `PageHandlerHost`: where the send page's files wait, and what a started tab share
 * shows outside the page (the toolbar badge).
 */
import { PeerbeamError } from '../core/errors.js';
import type { TabShareView } from '../core/tab-share-view.js';
import type { Engine, OutgoingFile } from './engine.js';
import type { PageHandlers } from './page-protocol.js';

export interface PageHandlerHost {
  /** The files the send page posted under `batchId` (they cannot travel through the port). */
  takeBatch(batchId: string): Promise<OutgoingFile[]>;
  /** A tab share started (Chromium: its badge shows at once). */
  tabShareStarted(view: TabShareView): void;
}

export function pageHandlers(engine: Engine, host: PageHandlerHost): PageHandlers {
  const viewerOf = new WeakMap<object, string>();
  const viewerIdOf = (page: object): string => {
    const viewerId = viewerOf.get(page);
    if (viewerId === undefined) throw new PeerbeamError('NO_SESSION', 'this page watches nothing');
    return viewerId;
  };

  return {
    startSend: () => engine.startSend(),
    startReceive: (_page, params) => engine.startReceive(params),
    startSendFiles: async (_page, { batchId, deviceId }) =>
      engine.startSendFiles({
        files: await host.takeBatch(batchId),
        ...(deviceId ? { deviceId } : {}),
      }),
    getSession: () => engine.getSession(),
    acceptFiles: () => engine.acceptFiles(),
    declineFiles: () => engine.declineFiles(),
    cancelTransfer: () => engine.cancelTransfer(),
    sendText: (_page, params) => engine.sendText(params),
    closeSession: () => engine.closeSession(),
    rememberPeer: () => engine.rememberPeer(),
    listDevices: () => engine.listDevices(),
    connectDevice: (_page, params) => engine.connectDevice(params),
    unpairDevice: (_page, params) => engine.unpairDevice(params),
    listLinks: () => engine.listLinks(),
    setAutoOpenLinks: (_page, params) => engine.setAutoOpenLinks(params),
    startTabShare: async (_page, params) => {
      const view = await engine.startTabShare(params);
      host.tabShareStarted(view);
      return view;
    },
    stopTabShare: () => engine.stopTabShare(),
    getTabShare: () => engine.getTabShare(),
    resumeTabShareCodes: () => engine.resumeTabShareCodes(),
    dismissTabShareWarning: () => engine.dismissTabShareWarning(),
    setTabShareQuality: (_page, params) => engine.setTabShareQuality(params),
    removeTabViewer: (_page, params) => engine.removeTabViewer(params),
    setTabShareLink: (_page, params) => engine.setTabShareLink(params),
    renewTabShareLink: () => engine.renewTabShareLink(),
    // A viewer page's port is its watch: its id is remembered here, its closing leaves.
    watchTab: (page, { viewerId }) => {
      const watch = engine.watchTab(
        { viewerId },
        {
          signal: (signal) => page.send('viewerSignal', signal),
          ended: (reason) => page.send('viewerEnded', reason),
        },
      );
      viewerOf.set(page, viewerId);
      page.onClose(() => engine.viewerLeft({ viewerId }));
      return watch;
    },
    viewerSignal: (page, { signal }) => engine.viewerSignal({ viewerId: viewerIdOf(page), signal }),
    viewerState: (page, { state }) => engine.viewerState({ viewerId: viewerIdOf(page), state }),
  };
}
