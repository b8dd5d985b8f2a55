/**
 * The engine's platform in Chromium's offscreen document (../shared/extension-platform.ts):
 * what the document cannot do itself goes to the service worker (downloads, settings in
 * chrome.storage, the viewer tab, the badge, menus, notifications); the tab is captured here,
 * from the service worker's stream id. Chromium never stops the document while it exists; the
 * host closes it when there is no work (../engine/host-lifecycle.ts).
 */
import { tabCaptureError } from '../core/tab-capture-errors.js';
import { tabCaptureConstraints } from '../core/tab-quality.js';
import {
  extensionPlatform,
  type Broadcast,
  type ExtensionPlatform,
  type HostWorkWatch,
} from '../shared/extension-platform.js';
import { call } from '../shared/messaging.js';

export function chromiumPlatform(watch: HostWorkWatch, broadcast: Broadcast): ExtensionPlatform {
  return extensionPlatform(
    {
      loadSettings: () => call('background', 'getSettings'),
      saveDownload: (url, filename) => call('background', 'saveDownload', { url, filename }),
      setBadge: (badge) => call('background', 'setTabShareBadge', badge),
      openTabViewer: (viewerId) => call('background', 'openTabViewer', { viewerId }),
      captureTab: ({ streamId, quality }) =>
        navigator.mediaDevices
          .getUserMedia(tabCaptureConstraints(streamId, quality) as MediaStreamConstraints)
          .catch((error: unknown) => {
            throw tabCaptureError(error);
          }),
      transferEnded: (view) => call('background', 'transferEnded', view),
      devicesChanged: (devices) => call('background', 'devicesChanged', devices),
      showLink: (link) => call('background', 'showLink', link),
    },
    watch,
    broadcast,
  );
}
