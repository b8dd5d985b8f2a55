// Runs the end-to-end suite: builds the test extension, then runs vitest's e2e project inside
// a fresh network namespace that has only loopback, so no test traffic can leave the machine.
import { spawnSync } from 'node:child_process';

const extraArgs = process.argv.slice(2);
const run = (command, args, env = {}) =>
  spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } }).status ?? 1;

if (process.env.PEERBEAM_SKIP_BUILD !== '1') {
  const status = run(process.execPath, ['scripts/build.mjs', '--test']);
  if (status !== 0) process.exit(status);
}

// The arguments travel as the shell's own positional parameters: a test name with a quote in it
// ("the sender's service worker…") must reach vitest as it is.
const inner = 'ip link set lo up && exec npx vitest run --project e2e "$@"';
const isRoot = process.getuid?.() === 0;
// As root: a plain network namespace. Otherwise a user namespace that maps us to root in it.
const unshareArgs = isRoot ? ['-n'] : ['--user', '--map-root-user', '--net'];
const status = run('unshare', [...unshareArgs, 'sh', '-c', inner, 'sh', ...extraArgs], {
  PEERBEAM_IN_NETNS: '1',
});
process.exit(status);
