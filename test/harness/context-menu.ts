/**
 * "Send link to ▸ <device>" from Chromium's context menu, as a right-click would: runs the
 * menu's registered onClicked listener in the service worker with what Chromium passes, once
 * per link, all at once (a burst is one call with many links); and the notification that
 * follows.
 */
import type { PeerbeamBrowser } from './browser.js';
import { waitUntil } from './ports.js';

export async function rightClickSendLinks(
  browser: PeerbeamBrowser,
  deviceId: string,
  linkUrls: string[],
): Promise<void> {
  const worker = await browser.serviceWorker();
  await worker.evaluate(
    async ({ deviceId, linkUrls }) => {
      const menuItemId = `send-link:${deviceId}`;
      await chrome.contextMenus.update(menuItemId, {}); // rejects if the entry does not exist
      const [tab] = await chrome.tabs.query({});
      for (const linkUrl of linkUrls) {
        const info = {
          menuItemId,
          parentMenuItemId: 'send-link',
          linkUrl,
          pageUrl: 'http://127.0.0.1/page-with-the-link',
          editable: false,
          frameId: 0,
        } as chrome.contextMenus.OnClickData;
        (
          chrome.contextMenus.onClicked as unknown as {
            dispatch(info: chrome.contextMenus.OnClickData, tab?: chrome.tabs.Tab): void;
          }
        ).dispatch(info, tab);
      }
    },
    { deviceId, linkUrls },
  );
}

/** The id of a notification of one kind ("link:" or "refused:") in `browser`, bounded wait. */
export async function waitForNotification(
  browser: PeerbeamBrowser,
  prefix: string,
): Promise<string> {
  let found: string | undefined;
  await waitUntil(
    async () => {
      const worker = await browser.serviceWorker();
      const ids = await worker.evaluate(async () =>
        Object.keys(await chrome.notifications.getAll()),
      );
      found = ids.find((id) => id.startsWith(prefix));
      return found !== undefined;
    },
    30_000,
    `a ${prefix} notification in ${browser.name}`,
  );
  return found!;
}
