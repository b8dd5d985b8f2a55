import browser from 'webextension-polyfill';
import { validateSignalingUrl } from '../core/signaling-url.js';
import type { Settings } from './session-view.js';

declare const __DEFAULT_SIGNALING_URL__: string;

const DEFAULTS: Settings = { signalingUrl: __DEFAULT_SIGNALING_URL__ };

/** Settings live in chrome.storage.local: the service worker keeps nothing in memory. */
export async function loadSettings(): Promise<Settings> {
  const stored = await browser.storage.local.get('settings');
  const value = stored.settings as Partial<Settings> | undefined;
  return { ...DEFAULTS, ...value };
}

export async function saveSettings(patch: Partial<Settings>): Promise<Settings> {
  const next = { ...(await loadSettings()), ...patch };
  if (patch.signalingUrl !== undefined)
    next.signalingUrl = validateSignalingUrl(patch.signalingUrl);
  await browser.storage.local.set({ settings: next });
  return next;
}
