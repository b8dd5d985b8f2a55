/**
 * The engine's platform in Firefox's background event page (../shared/extension-platform.ts).
 * The page hosts the engine and does the Chromium service worker's jobs too, so everything is
 * a direct call: downloads, notifications (without buttons: Firefox has none), settings in
 * storage, the viewer tab, the badge, the menus. A tab is captured through the capture page
 * (captures.ts): Firefox has no tabCapture. A running transfer is kept in storage.session, so
 * one the page was stopped under resumes when it starts again (transfer-records.ts).
 */
import type { TabCaptureRequest } from '../engine/platform.js';
import { saveDownload } from '../background/downloads.js';
import { rebuildMenus } from '../background/link-menus.js';
import { showLink } from '../background/link-notifications.js';
import { notifyTransferEnded } from '../background/notifications.js';
import { openTabViewer, showTabShareBadge } from '../background/tab-share.js';
import {
  extensionPlatform,
  type Broadcast,
  type ExtensionPlatform,
  type HostWorkWatch,
} from '../shared/extension-platform.js';
import { loadSettings } from '../shared/settings.js';
import { transferRecords } from './transfer-records.js';

export function firefoxPlatform(
  watch: HostWorkWatch,
  broadcast: Broadcast,
  captureTab: (request: TabCaptureRequest) => Promise<MediaStream>,
): ExtensionPlatform {
  const platform = extensionPlatform(
    {
      loadSettings,
      saveDownload,
      setBadge: showTabShareBadge,
      openTabViewer: async (viewerId) => {
        await openTabViewer(viewerId);
      },
      captureTab,
      transferEnded: notifyTransferEnded,
      devicesChanged: rebuildMenus,
      showLink: (link) => showLink(link, { buttons: false }),
    },
    watch,
    broadcast,
  );
  return Object.assign(platform, { transfers: transferRecords });
}
