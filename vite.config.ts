import { defineConfig } from 'vite';
import { crx, type ManifestV3Export } from '@crxjs/vite-plugin';
import preact from '@preact/preset-vite';
import { browserManifest, type TargetBrowser } from './scripts/manifest-overlay.js';
import testKey from './test/fixtures/test-extension-key.json' with { type: 'json' };

/**
 * PEERBEAM_BROWSER=firefox builds the Firefox extension (dist-firefox/): the same pages, with
 * the engine hosted in the background event page (src/firefox/) instead of an offscreen
 * document. The default is Chromium (dist/).
 *
 * PEERBEAM_TEST_BUILD=1 builds into dist-test/ (dist-firefox-test/) with a fixed manifest
 * "key" in Chromium, so the e2e suite knows the extension id up front (Firefox: the test
 * profile fixes the UUID). The store build carries no key.
 *
 * The test build also holds its optional permissions from the start: an automated browser
 * cannot answer chrome.permissions.request's dialog (it stays pending in headless Chromium),
 * so this is the only way the e2e suite reaches the code behind them.
 */
const testBuild = process.env.PEERBEAM_TEST_BUILD === '1';
const browser: TargetBrowser = process.env.PEERBEAM_BROWSER === 'firefox' ? 'firefox' : 'chromium';
const baseManifest = browserManifest(browser);
const manifest = (
  testBuild
    ? {
        ...baseManifest,
        ...(browser === 'chromium' ? { key: testKey.key } : {}),
        permissions: [...baseManifest.permissions, ...baseManifest.optional_permissions],
        optional_permissions: [],
      }
    : baseManifest
) as ManifestV3Export;

const outDir = `${browser === 'firefox' ? 'dist-firefox' : 'dist'}${testBuild ? '-test' : ''}`;

export default defineConfig({
  plugins: [preact(), crx({ manifest, browser: browser === 'firefox' ? 'firefox' : 'chrome' })],
  build: {
    outDir,
    emptyOutDir: true,
    target: browser === 'firefox' ? 'firefox140' : 'chrome116',
    minify: !testBuild,
    sourcemap: testBuild,
    rollupOptions: {
      input: {
        // Firefox has no offscreen documents: its event page hosts the engine. It has no
        // tabCapture either: its capture page asks for getDisplayMedia (src/firefox/captures.ts).
        ...(browser === 'chromium'
          ? { offscreen: 'src/offscreen/offscreen.html' }
          : { capture: 'src/capture/capture.html' }),
        send: 'src/send/send.html',
        viewer: 'src/viewer/viewer.html',
      },
    },
  },
  define: {
    // Firefox: how often a stopped background page wakes to stay reachable (src/firefox/wake-alarm.ts).
    __PEERBEAM_TEST_WAKE_MINUTES__: testBuild ? '0.05' : 'undefined',
    __DEFAULT_SIGNALING_URL__: JSON.stringify(
      process.env.PEERBEAM_SIGNALING_URL ?? 'ws://127.0.0.1:8787/ws',
    ),
  },
});
