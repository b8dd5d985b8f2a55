// Runs every e2e test on its own, one vitest run per test (`-t` with its full name), to prove
// that no test relies on state an earlier test left. Builds the test extension once.
// Usage: node scripts/e2e-each.mjs [FILE_FILTER]   (e.g. test/files.e2e.ts)
import { spawnSync } from 'node:child_process';
import { relative } from 'node:path';

const fileFilter = process.argv[2] ?? '';
const listed = spawnSync('npx', ['vitest', 'list', '--project', 'e2e', '--json'], {
  encoding: 'utf8',
});
if (listed.status !== 0) {
  process.stderr.write(listed.stderr);
  process.exit(listed.status ?? 1);
}
const tests = JSON.parse(listed.stdout).filter(({ file }) => file.includes(fileFilter));

const built = spawnSync(process.execPath, ['scripts/build.mjs', '--test'], { stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);

// vitest's -t is a regular expression over "describe > test" names.
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const results = [];
for (const { name, file } of tests) {
  const path = relative(process.cwd(), file);
  const started = Date.now();
  const run = spawnSync(
    process.execPath,
    ['scripts/e2e.mjs', path, '-t', `^${escape(name.split(' > ').join(' '))}$`],
    { env: { ...process.env, PEERBEAM_SKIP_BUILD: '1', NO_COLOR: '1' }, encoding: 'utf8' },
  );
  // Exactly this one test ran and passed (a name that matched nothing would pass vacuously).
  const passed = run.status === 0 && /Tests\s+1 passed/.test(run.stdout);
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  results.push({ name, path, passed });
  console.log(`${passed ? 'pass' : 'FAIL'}  ${seconds.padStart(3)} s  ${path} › ${name}`);
  if (!passed) process.stdout.write(run.stdout.slice(-4000));
}
const failed = results.filter((result) => !result.passed).length;
console.log(`\n${results.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
