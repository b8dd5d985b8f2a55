/**
 * A link from a paired device: a notification "Link from <device>: <title or host>" with Open
 * and Dismiss, or straight into a new tab when the person allowed that device. What a
 * notification opens is kept in storage.session, since the worker may be stopped meanwhile.
 *
 * A peer must not be able to fill the screen: at most MAX_SHOWN link notifications are up at
 * once (the offscreen document already limits how many links each device may send); past
 * that, one notification per device counts the rest ("3 more links from X"), which wait in
 * the popup's list of links. None of them stays pinned (no requireInteraction): a link is not
 * urgent, and it stays in that list.
 */
import browser from 'webextension-polyfill';
import { checkLink, linkLabel } from '../core/links.js';
import { t } from '../shared/i18n.js';

const PREFIX = 'link:';
const MORE_PREFIX = 'links-more:';
const MAX_SHOWN = 3;

export interface LinkToShow {
  id: string;
  url: string;
  title: string;
  deviceName: string;
  autoOpen: boolean;
}

/** One at a time: links arrive in bursts, and each must see the count the last one left. */
let showing: Promise<void> = Promise.resolve();

/** Firefox's notifications take no buttons (they throw): there a click opens the link. */
export interface LinkNotificationStyle {
  buttons: boolean;
}

export function showLink(
  link: LinkToShow,
  style: LinkNotificationStyle = { buttons: true },
): Promise<void> {
  const next = showing.then(() => showOne(link, style));
  showing = next.catch(() => undefined);
  return next;
}

async function showOne(link: LinkToShow, style: LinkNotificationStyle): Promise<void> {
  const checked = checkLink(link.url, link.title);
  if (!checked.ok) return; // checked before, but nothing but http(s) ever reaches tabs.create
  if (link.autoOpen) {
    await browser.tabs.create({ url: checked.url });
    return;
  }
  const open = Object.keys(await browser.notifications.getAll());
  if (open.filter((id) => id.startsWith(PREFIX)).length >= MAX_SHOWN) {
    await countMore(link.deviceName);
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
    ...(style.buttons ? { buttons: [{ title: t('open') }, { title: t('dismiss') }] } : {}),
  });
}

/** One notification per device says how many more links arrived without one of their own. */
async function countMore(deviceName: string): Promise<void> {
  const id = `${MORE_PREFIX}${deviceName}`;
  const stored = (await browser.storage.session.get(id))[id];
  const count = (typeof stored === 'number' ? stored : 0) + 1;
  await browser.storage.session.set({ [id]: count });
  const options = {
    type: 'basic' as const,
    iconUrl: browser.runtime.getURL('icons/icon-128.png'),
    title: t('consentLinksMore', String(count), deviceName),
    message: t('consentLinksMoreBody'),
  };
  // update() answers false for a notification that is gone (closed): then make it anew.
  // chrome.* here: the polyfill has no notifications.update (nor has Firefox).
  const updated =
    typeof chrome.notifications.update === 'function'
      ? await chrome.notifications.update(id, options).catch(() => false)
      : false;
  if (!updated) await browser.notifications.create(id, options);
}

export async function onLinkNotification(notificationId: string, open: boolean): Promise<void> {
  if (notificationId.startsWith(MORE_PREFIX)) {
    await browser.storage.session.remove(notificationId);
    await browser.notifications.clear(notificationId);
    return;
  }
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
