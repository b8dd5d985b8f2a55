import browser from 'webextension-polyfill';
import { validateDeviceName, validateSignalingUrl } from '../core/settings-validation.js';
import type { Settings } from './session-view.js';

declare const __DEFAULT_SIGNALING_URL__: string;

const OS_NAMES: Record<string, string> = {
  mac: 'macOS',
  win: 'Windows',
  linux: 'Linux',
  cros: 'ChromeOS',
  android: 'Android',
  openbsd: 'OpenBSD',
  fuchsia: 'Fuchsia',
};

async function defaults(): Promise<Settings> {
  const { os } = await browser.runtime.getPlatformInfo();
  return {
    signalingUrl: __DEFAULT_SIGNALING_URL__,
    deviceName: `Chromium · ${OS_NAMES[os] ?? os}`,
  };
}

/** Settings live in chrome.storage.local: the service worker keeps nothing in memory. */
export async function loadSettings(): Promise<Settings> {
  const stored = await browser.storage.local.get('settings');
  const value = stored.settings as Partial<Settings> | undefined;
  return { ...(await defaults()), ...value };
}

export async function saveSettings(patch: Partial<Settings>): Promise<Settings> {
  const next = { ...(await loadSettings()), ...patch };
  if (patch.signalingUrl !== undefined)
    next.signalingUrl = validateSignalingUrl(patch.signalingUrl);
  if (patch.deviceName !== undefined) next.deviceName = validateDeviceName(patch.deviceName);
  await browser.storage.local.set({ settings: next });
  return next;
}
