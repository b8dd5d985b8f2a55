/**
 * A link from a paired device: a notification "Link from <device>: <title or host>" with Open
 * and Dismiss, or straight into a new tab when the person allowed that device. What a
 * notification opens is kept in storage.session, since the worker may be stopped meanwhile.
 */
import browser from 'webextension-polyfill';
import { checkLink, linkLabel } from '../core/links.js';
import { t } from '../shared/i18n.js';

const PREFIX = 'link:';

export async function showLink(link: {
  id: string;
  url: string;
  title: string;
  deviceName: string;
  autoOpen: boolean;
}): Promise<void> {
  const checked = checkLink(link.url, link.title);
  if (!checked.ok) return; // checked before, but nothing but http(s) ever reaches tabs.create
  if (link.autoOpen) {
    await browser.tabs.create({ url: checked.url });
    return;
  }
  const id = `${PREFIX}${link.id}`;
  await browser.storage.session.set({ [id]: checked.url });
  // chrome.* here: the polyfill's types lack notification buttons (Firefox has none).
  await chrome.notifications.create(id, {
    type: 'basic',
    iconUrl: browser.runtime.getURL('icons/icon-128.png'),
    title: t('linkFrom', link.deviceName),
    message: linkLabel(checked.url, checked.title),
    contextMessage: new URL(checked.url).host,
    buttons: [{ title: t('open') }, { title: t('dismiss') }],
    requireInteraction: true,
  });
}

export async function onLinkNotification(notificationId: string, open: boolean): Promise<void> {
  if (!notificationId.startsWith(PREFIX)) return;
  const stored = (await browser.storage.session.get(notificationId))[notificationId];
  await browser.storage.session.remove(notificationId);
  await browser.notifications.clear(notificationId);
  if (!open || typeof stored !== 'string') return;
  const checked = checkLink(stored);
  if (checked.ok) await browser.tabs.create({ url: checked.url });
}

export function registerLinkNotificationListeners(): void {
  browser.notifications.onButtonClicked.addListener(
    (id, index) => void onLinkNotification(id, index === 0),
  );
  browser.notifications.onClicked.addListener((id) => void onLinkNotification(id, true));
  browser.notifications.onClosed.addListener((id) => void browser.storage.session.remove(id));
}
