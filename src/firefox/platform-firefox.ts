/**
 * The engine's platform in Firefox's background event page (../shared/extension-platform.ts).
 * The page hosts the engine and does the Chromium service worker's jobs too, so everything is
 * a direct call: downloads, notifications (without buttons: Firefox has none), settings in
 * storage, the viewer tab, the badge, the menus.
 */
import { PeerbeamError } from '../core/errors.js';
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

/** Firefox gives extensions no tabCapture; sharing a tab needs another way (issue #16). */
export function tabShareUnsupported(): PeerbeamError {
  return new PeerbeamError('TAB_SHARE_UNSUPPORTED', 'Firefox has no tabCapture');
}

export function firefoxPlatform(watch: HostWorkWatch, broadcast: Broadcast): ExtensionPlatform {
  return extensionPlatform(
    {
      loadSettings,
      saveDownload,
      setBadge: showTabShareBadge,
      openTabViewer: async (viewerId) => {
        await openTabViewer(viewerId);
      },
      captureTab: () => Promise.reject(tabShareUnsupported()),
      transferEnded: notifyTransferEnded,
      devicesChanged: rebuildMenus,
      showLink: (link) => showLink(link, { buttons: false }),
    },
    watch,
    broadcast,
  );
}
