/**
 * One manifest for both browsers: manifest.json holds what they share, and
 * manifest.<browser>.json what only that browser needs (Chromium: its service worker, the
 * offscreen and tabCapture permissions; Firefox: its event page and gecko settings). An
 * overlay's keys are added, its permissions come first, and keys keep one fixed order so the
 * built manifest reads the same whatever the overlay adds.
 */
import base from '../manifest.json' with { type: 'json' };
import chromium from '../manifest.chromium.json' with { type: 'json' };
import firefox from '../manifest.firefox.json' with { type: 'json' };

export type TargetBrowser = 'chromium' | 'firefox';

const KEY_ORDER = [
  'manifest_version',
  'name',
  'short_name',
  'description',
  'version',
  'default_locale',
  'minimum_chrome_version',
  'browser_specific_settings',
  'icons',
  'action',
  'background',
  'permissions',
  'optional_permissions',
  'content_security_policy',
  'commands',
];

type Manifest = typeof base & Record<string, unknown>;

export function browserManifest(browser: TargetBrowser): Manifest {
  const overlay: Record<string, unknown> = browser === 'chromium' ? chromium : firefox;
  const merged: Record<string, unknown> = { ...base, ...overlay };
  merged.permissions = [
    ...((overlay.permissions as string[] | undefined) ?? []),
    ...base.permissions,
  ];
  const rank = (key: string) => {
    const at = KEY_ORDER.indexOf(key);
    return at === -1 ? KEY_ORDER.length : at;
  };
  return Object.fromEntries(
    Object.entries(merged).sort(([a], [b]) => rank(a) - rank(b)),
  ) as Manifest;
}
