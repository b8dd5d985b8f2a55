// Builds the extension for Chromium into dist/ and for Firefox into dist-firefox/, and writes
// their store-ready zips into release/ (peerbeam-<version>.zip for the Chrome Web Store,
// peerbeam-firefox-<version>.zip for addons.mozilla.org).
// `node scripts/build.mjs --test` builds dist-test/ and dist-firefox-test/ instead (fixed
// manifest key, source maps). Both also build the no-install web page into dist-web/.
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import JSZip from 'jszip';
import { build } from 'vite';

const testBuild = process.argv.includes('--test');
if (testBuild) process.env.PEERBEAM_TEST_BUILD = '1';

// The test build closes an idle engine host after a short grace (the e2e suite reads the
// same file); the store build keeps src/core/host-idle.ts's HOST_IDLE_GRACE_MS.
const testDefines = testBuild
  ? {
      __PEERBEAM_TEST_HOST_IDLE_GRACE_MS__: JSON.parse(
        readFileSync('test/fixtures/test-host-idle.json', 'utf8'),
      ).graceMs.toString(),
    }
  : {};

/** vite.config.ts reads the target browser from the environment, once per build. */
const targets = [
  { browser: 'chromium', outDir: 'dist', zipName: (version) => `peerbeam-${version}.zip` },
  {
    browser: 'firefox',
    outDir: 'dist-firefox',
    zipName: (version) => `peerbeam-firefox-${version}.zip`,
  },
];
for (const { browser } of targets) {
  process.env.PEERBEAM_BROWSER = browser;
  await build({ logLevel: 'warn', define: testDefines });
}
delete process.env.PEERBEAM_BROWSER;
// The no-install web peer the signaling service serves at / and /watch (dist-web/).
await build({ configFile: 'src/web/vite.config.ts', logLevel: 'warn' });

function* files(dir) {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else yield path;
  }
}

async function writeZip(outDir, zipName) {
  const { version } = JSON.parse(readFileSync(join(outDir, 'manifest.json'), 'utf8'));
  const zip = new JSZip();
  // A fixed date keeps the zip byte-identical for identical builds.
  const date = new Date('2026-01-01T00:00:00Z');
  for (const path of files(outDir)) {
    if (path.endsWith('.map') || relative(outDir, path) === '.vite/manifest.json') continue;
    zip.file(relative(outDir, path), readFileSync(path), { date });
  }
  mkdirSync('release', { recursive: true });
  const target = join('release', zipName(version));
  writeFileSync(target, await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
  return target;
}

if (!testBuild) {
  for (const { outDir, zipName } of targets) {
    console.log(`built ${outDir}/ and ${await writeZip(outDir, zipName)}`);
  }
} else {
  console.log(`built ${targets.map(({ outDir }) => `${outDir}-test/`).join(' and ')}`);
}
