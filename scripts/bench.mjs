// `npm run bench` runs every benchmark (bench/*.bench.ts); `npm run bench -- NAME` runs
// bench/NAME.bench.ts. Each runs inside a fresh loopback-only network namespace, like the
// e2e tests, after building the test extension. Results: bench/results/NAME.json.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

const names = process.argv.slice(2);
const all = readdirSync('bench')
  .filter((file) => file.endsWith('.bench.ts'))
  .map((file) => file.slice(0, -'.bench.ts'.length))
  .sort();
const chosen = names.length > 0 ? names : all;
for (const name of chosen) {
  if (!existsSync(`bench/${name}.bench.ts`)) {
    console.error(`no benchmark named ${name} (have: ${all.join(', ')})`);
    process.exit(2);
  }
}

if (process.env.PEERBEAM_SKIP_BUILD !== '1') {
  const built = spawnSync(process.execPath, ['scripts/build.mjs', '--test'], { stdio: 'inherit' });
  if (built.status !== 0) process.exit(built.status ?? 1);
}

const isRoot = process.getuid?.() === 0;
const unshareArgs = isRoot ? ['-n'] : ['--user', '--map-root-user', '--net'];
let failed = 0;
for (const name of chosen) {
  console.log(`\n== bench: ${name}`);
  const inner = `ip link set lo up && exec node --import tsx bench/${name}.bench.ts`;
  const { status } = spawnSync('unshare', [...unshareArgs, 'sh', '-c', inner], {
    stdio: 'inherit',
    env: { ...process.env, PEERBEAM_IN_NETNS: '1' },
  });
  if (status !== 0) failed++;
}
process.exit(failed > 0 ? 1 : 0);
