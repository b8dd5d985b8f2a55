import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import testKey from '../fixtures/test-extension-key.json' with { type: 'json' };

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const TEST_DIST = `${ROOT}dist-test`;
export const EXTENSION_ID = testKey.id;

/** The real binary: /usr/bin/chromium is a wrapper script that adds flags of its own. */
export const CHROMIUM =
  ['/usr/lib/chromium/chromium', '/usr/bin/chromium'].find((path) => existsSync(path)) ??
  '/usr/bin/chromium';

export function assertIsolatedNetwork(): void {
  if (process.env.PEERBEAM_IN_NETNS !== '1') {
    throw new Error(
      'e2e tests run only inside their loopback-only network namespace: use `npm run test:e2e`',
    );
  }
  if (!existsSync(`${TEST_DIST}/manifest.json`)) {
    throw new Error('dist-test/ is missing: `npm run test:e2e` builds it');
  }
}
