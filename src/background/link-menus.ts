/**
 * Right-click → "Send link to ▸ <device>" / "Send page to ▸ <device>", one entry per paired
 * device, rebuilt whenever the device list changes; plus "Pair a new device…". The listener is
 * a thin wrapper over `handleMenuClick`, which the keyboard shortcut shares.
 */
import browser, { type Menus, type Tabs } from 'webextension-polyfill';
import { toErrorData } from '../core/errors.js';
import { describeError, t } from '../shared/i18n.js';
import type { DeviceView } from '../shared/session-view.js';

export const MENU_LINK = 'send-link';
export const MENU_PAGE = 'send-page';
const PAIR_NEW = 'pair-new';

type SendLink = (deviceId: string, url: string, title: string) => Promise<unknown>;

/** Item ids look like "send-link:<deviceId>": the device travels in the id, no state kept. */
export function parseMenuItem(
  id: string | number,
): { kind: 'link' | 'page'; deviceId: string } | 'pair' | undefined {
  const [root, rest] = String(id).split(/:(.*)/s);
  if (rest === PAIR_NEW) return 'pair';
  if ((root === MENU_LINK || root === MENU_PAGE) && rest) {
    return { kind: root === MENU_LINK ? 'link' : 'page', deviceId: rest };
  }
  return undefined;
}

export async function rebuildMenus(devices: DeviceView[]): Promise<void> {
  await browser.contextMenus.removeAll();
  const usable = devices.filter((device) => !device.unpairPending);
  for (const [root, contexts, title] of [
    [MENU_LINK, ['link'], t('menuSendLink')],
    [MENU_PAGE, ['page'], t('menuSendPage')],
  ] as const) {
    browser.contextMenus.create({ id: root, title, contexts: [...contexts] });
    for (const device of usable) {
      browser.contextMenus.create({
        id: `${root}:${device.id}`,
        parentId: root,
        title: device.name,
        contexts: [...contexts],
      });
    }
    browser.contextMenus.create({
      id: `${root}:${PAIR_NEW}`,
      parentId: root,
      title: t('menuPairNew'),
      contexts: [...contexts],
    });
  }
}

export async function handleMenuClick(
  info: Menus.OnClickData,
  tab: Tabs.Tab | undefined,
  sendLink: SendLink,
): Promise<void> {
  const item = parseMenuItem(info.menuItemId);
  if (!item) return;
  if (item === 'pair') {
    await browser.tabs.create({ url: browser.runtime.getURL('src/popup/popup.html') });
    return;
  }
  const url = item.kind === 'link' ? info.linkUrl : (tab?.url ?? info.pageUrl);
  const title = item.kind === 'link' ? (info.selectionText ?? '') : (tab?.title ?? '');
  await sendAndReport(item.deviceId, url ?? '', title, sendLink);
}

/** Sends, remembers the device for the shortcut, and explains a refusal in a notification. */
export async function sendAndReport(
  deviceId: string,
  url: string,
  title: string,
  sendLink: SendLink,
): Promise<void> {
  try {
    await sendLink(deviceId, url, title);
    await browser.storage.local.set({ lastLinkDevice: deviceId });
  } catch (error) {
    await browser.notifications.create(`refused:${crypto.randomUUID()}`, {
      type: 'basic',
      iconUrl: browser.runtime.getURL('icons/icon-128.png'),
      title: t('linkRefusedTitle'),
      message: describeError(toErrorData(error)),
    });
  }
}

export async function lastLinkDevice(): Promise<string | undefined> {
  const { lastLinkDevice: id } = await browser.storage.local.get('lastLinkDevice');
  return typeof id === 'string' ? id : undefined;
}

/**
 * The right-click entries and the keyboard shortcut (this page, to the device a link was last
 * sent to) send through `sendLink`. Call at top level: these events wake the background.
 */
export function registerLinkSenders(sendLink: SendLink): void {
  browser.contextMenus.onClicked.addListener(
    (info, tab) => void handleMenuClick(info, tab, sendLink),
  );
  browser.commands.onCommand.addListener((command, tab) => {
    if (command !== 'send-page-to-last-device') return;
    void (async () => {
      const deviceId = await lastLinkDevice();
      const active = tab ?? (await browser.tabs.query({ active: true, currentWindow: true }))[0];
      if (deviceId && active?.url)
        await sendAndReport(deviceId, active.url, active.title ?? '', sendLink);
    })();
  });
}
