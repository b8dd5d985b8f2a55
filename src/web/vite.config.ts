/**
 * Builds the no-install web peer into dist-web/, which the signaling service serves at `/`
 * (and `/watch`, one of its screens: signaling/web-viewer.ts). `node scripts/build.mjs` runs it
 * after the extension. No inline script or style: the page's CSP allows only 'self'.
 *
 * The page shares the extension's UI components (src/popup, src/send). Those reach the engine
 * and their strings through a few host modules; here each is swapped for the web page's own
 * (HOST_MODULES): direct calls to the engine in this page instead of a runtime port, the
 * `_locales` tables bundled instead of chrome.i18n. Nothing of the extension API may end up in
 * the page: importing webextension-polyfill fails the build.
 */
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import { defineConfig, type Plugin } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '../..');

/** Extension host module → the web page's module with the same exports. */
export const HOST_MODULES: Record<string, string> = {
  'src/shared/engine-client.ts': 'src/web/engine-client.ts',
  'src/shared/i18n.ts': 'src/web/i18n.ts',
  'src/popup/dismissed.ts': 'src/web/dismissed.ts',
  'src/popup/show-in-folder.ts': 'src/web/show-in-folder.ts',
};

function webHostModules(): Plugin {
  return {
    name: 'peerbeam-web-host-modules',
    enforce: 'pre',
    async resolveId(source, importer, options) {
      if (source === 'webextension-polyfill') {
        throw new Error(`${importer ?? '?'} imports webextension-polyfill into the web page`);
      }
      if (!importer || !source.startsWith('.')) return null;
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      if (!resolved) return null;
      const swap = HOST_MODULES[relative(repo, resolved.id).split('\\').join('/')];
      return swap ? join(repo, swap) : resolved;
    },
  };
}

export default defineConfig({
  root: here,
  base: '/',
  publicDir: false,
  plugins: [webHostModules(), preact()],
  build: {
    outDir: join(repo, 'dist-web'),
    emptyOutDir: true,
    target: 'es2022',
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
  worker: { format: 'es' },
});
