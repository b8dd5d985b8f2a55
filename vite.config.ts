import { defineConfig } from 'vite';
import { crx, type ManifestV3Export } from '@crxjs/vite-plugin';
import preact from '@preact/preset-vite';
import baseManifest from './manifest.json' with { type: 'json' };
import testKey from './test/fixtures/test-extension-key.json' with { type: 'json' };

/**
 * PEERBEAM_TEST_BUILD=1 builds into dist-test/ with a fixed manifest "key", so the e2e suite
 * knows the extension id up front. The store build (dist/) carries no key.
 *
 * The test build also holds its optional permissions from the start: an automated browser
 * cannot answer chrome.permissions.request's dialog (it stays pending in headless Chromium),
 * so this is the only way the e2e suite reaches the code behind them.
 */
const testBuild = process.env.PEERBEAM_TEST_BUILD === '1';
const manifest = (
  testBuild
    ? {
        ...baseManifest,
        key: testKey.key,
        permissions: [...baseManifest.permissions, ...baseManifest.optional_permissions],
        optional_permissions: [],
      }
    : baseManifest
) as ManifestV3Export;

export default defineConfig({
  plugins: [preact(), crx({ manifest })],
  build: {
    outDir: testBuild ? 'dist-test' : 'dist',
    emptyOutDir: true,
    target: 'chrome116',
    minify: !testBuild,
    sourcemap: testBuild,
    rollupOptions: {
      input: {
        offscreen: 'src/offscreen/offscreen.html',
        send: 'src/send/send.html',
        viewer: 'src/viewer/viewer.html',
      },
    },
  },
  define: {
    __DEFAULT_SIGNALING_URL__: JSON.stringify(
      process.env.PEERBEAM_SIGNALING_URL ?? 'ws://127.0.0.1:8787/ws',
    ),
  },
});
