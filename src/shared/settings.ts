import browser from 'webextension-polyfill';
import { suggestDeviceName } from '../core/device-names.js';
import { validateDeviceName, validateSignalingUrl } from '../core/settings-validation.js';
import type { Settings } from './session-view.js';

declare const __DEFAULT_SIGNALING_URL__: string;

let naming: Promise<string> | undefined;

/**
 * The first time a name is needed, a distinct one is made ("Amber Badger", in the browser's
 * language) and stored at once: every later read, in every context, sees the same name.
 */
function firstRunName(): Promise<string> {
  naming ??= (async () => {
    const deviceName = suggestDeviceName(browser.i18n.getUILanguage());
    const stored = await browser.storage.local.get('settings');
    const value = stored.settings as Partial<Settings> | undefined;
    if (value?.deviceName) return value.deviceName;
    await browser.storage.local.set({ settings: { ...value, deviceName } });
    return deviceName;
  })().finally(() => (naming = undefined));
  return naming;
}

/** Settings live in chrome.storage.local: the service worker keeps nothing in memory. */
export async function loadSettings(): Promise<Settings> {
  const stored = await browser.storage.local.get('settings');
  const value = stored.settings as Partial<Settings> | undefined;
  return {
    signalingUrl: __DEFAULT_SIGNALING_URL__,
    ...value,
    deviceName: value?.deviceName || (await firstRunName()),
  };
}

export async function saveSettings(patch: Partial<Settings>): Promise<Settings> {
  const next = { ...(await loadSettings()), ...patch };
  if (patch.signalingUrl !== undefined)
    next.signalingUrl = validateSignalingUrl(patch.signalingUrl);
  if (patch.deviceName !== undefined) next.deviceName = validateDeviceName(patch.deviceName);
  await browser.storage.local.set({ settings: next });
  return next;
}
