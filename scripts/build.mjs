// Builds the extension into dist/ and writes the store-ready zip into release/.
// `node scripts/build.mjs --test` builds dist-test/ instead (fixed manifest key, source maps).
// Both also build the web viewer into dist-web/.
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import JSZip from 'jszip';
import { build } from 'vite';

const testBuild = process.argv.includes('--test');
if (testBuild) process.env.PEERBEAM_TEST_BUILD = '1';

// The test build closes an idle offscreen document after a short grace (the e2e suite reads
// the same file); the store build keeps src/core/host-idle.ts's HOST_IDLE_GRACE_MS.
const testDefines = testBuild
  ? {
      __PEERBEAM_TEST_HOST_IDLE_GRACE_MS__: JSON.parse(
        readFileSync('test/fixtures/test-host-idle.json', 'utf8'),
      ).graceMs.toString(),
    }
  : {};
await build({ logLevel: 'warn', define: testDefines });
// The no-install tab viewer the signaling service serves at /watch (dist-web/).
await build({ configFile: 'src/web-viewer/vite.config.ts', logLevel: 'warn' });
const outDir = testBuild ? 'dist-test' : 'dist';

function* files(dir) {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else yield path;
  }
}

if (!testBuild) {
  const { version } = JSON.parse(readFileSync(join(outDir, 'manifest.json'), 'utf8'));
  const zip = new JSZip();
  // A fixed date keeps the zip byte-identical for identical builds.
  const date = new Date('2026-01-01T00:00:00Z');
  for (const path of files(outDir)) {
    if (path.endsWith('.map') || relative(outDir, path) === '.vite/manifest.json') continue;
    zip.file(relative(outDir, path), readFileSync(path), { date });
  }
  mkdirSync('release', { recursive: true });
  const target = join('release', `peerbeam-${version}.zip`);
  writeFileSync(target, await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
  console.log(`built ${outDir}/ and ${target}`);
} else {
  console.log(`built ${outDir}/`);
}
