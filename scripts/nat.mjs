// Runs the NAT traversal suite (test/nat/): browsers behind simulated NATs in network
// namespaces. It needs real root; elsewhere it skips with a reason, except in CI (CI=true),
// where a skip would hide the suite, so it fails. The suite runs in the root namespace but
// creates only its own namespaces (named after this run) and touches no root route or iptables
// rule; afterwards this script sweeps any namespace of the run that was left behind.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const extraArgs = process.argv.slice(2);

function isRealRoot() {
  if (process.getuid?.() !== 0) return false;
  try {
    return /^\s*0\s+0\s+4294967295\s*$/m.test(readFileSync('/proc/self/uid_map', 'utf8'));
  } catch {
    return false;
  }
}

if (!isRealRoot()) {
  const reason = 'NAT traversal tests need real root (network namespaces and iptables)';
  if (process.env.CI && process.env.CI !== 'false') {
    console.error(`nat: ${reason}, and CI must run them, not skip them`);
    process.exit(1);
  }
  console.log(`nat: skipped: ${reason}; run \`npm run test:nat\` as root`);
  process.exit(0);
}

if (process.env.PEERBEAM_SKIP_BUILD !== '1') {
  const built = spawnSync(process.execPath, ['scripts/build.mjs', '--test'], { stdio: 'inherit' });
  if (built.status !== 0) process.exit(built.status ?? 1);
}

const runId = `pbnat-${randomBytes(3).toString('hex')}`;
const child = spawn('npx', ['vitest', 'run', '--project', 'nat', ...extraArgs], {
  stdio: 'inherit',
  env: { ...process.env, PEERBEAM_NAT_RUN: runId },
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => child.kill(signal));
}
const code = await new Promise((resolve) => child.once('exit', (status) => resolve(status)));

/** Deletes this run's namespaces, after killing what still runs in them (only ours can). */
function sweep() {
  const names = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .split('\n')
    .map((line) => line.split(' ')[0])
    .filter((name) => name?.startsWith(`${runId}-`));
  for (const name of names) {
    const pids = execFileSync('ip', ['netns', 'pids', name], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean);
    for (const pid of pids) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // Exited meanwhile.
      }
    }
    spawnSync('ip', ['netns', 'del', name], { stdio: 'ignore' });
    rmSync(`/etc/netns/${name}`, { recursive: true, force: true });
    console.error(`nat: removed leftover namespace ${name} (${pids.length} processes killed)`);
  }
  // Browser profiles and coturn directories of a test process that died before its cleanup.
  for (const entry of readdirSync(tmpdir())) {
    if (entry.includes(`${runId}-`))
      rmSync(join(tmpdir(), entry), { recursive: true, force: true });
  }
  return names.length;
}

const leftovers = sweep();
process.exit(leftovers > 0 ? 1 : (code ?? 1));
