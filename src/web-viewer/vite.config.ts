/**
 * Builds the no-install web viewer into dist-web/, which the signaling service serves at
 * /watch (signaling/web-viewer.ts). `node scripts/build.mjs` runs it after the extension.
 * Plain TypeScript and CSS, no inline script or style: the page's CSP allows only 'self'.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/watch/',
  publicDir: false,
  build: {
    outDir: fileURLToPath(new URL('../../dist-web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
});
