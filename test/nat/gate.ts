/**
 * Whether the NAT suite can run here. It needs real root (network namespaces, iptables inside
 * them); elsewhere it skips with a reason, except in CI, which runs as root and must not skip.
 * Missing tools or a missing test build are errors, not reasons to skip.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { CHROMIUM, TEST_DIST } from '../harness/paths.js';

export interface Gate {
  run: boolean;
  /** Why the suite is skipped (empty when it runs). */
  reason: string;
}

const TOOLS = [
  'ip',
  'iptables',
  'iptables-restore',
  'turnserver',
  'turnutils_uclient',
  'turnutils_natdiscovery',
];

/** Root in the initial user namespace, not root mapped inside `unshare --user`. */
function isRealRoot(): boolean {
  if (process.getuid?.() !== 0) return false;
  try {
    return /^\s*0\s+0\s+4294967295\s*$/m.test(readFileSync('/proc/self/uid_map', 'utf8'));
  } catch {
    return false;
  }
}

export function natGate(): Gate {
  if (!isRealRoot()) {
    const reason =
      'they need real root (network namespaces and iptables): run `npm run test:nat` as root';
    if (process.env.CI && process.env.CI !== 'false') {
      throw new Error(`NAT traversal tests cannot run: ${reason}. CI must run them, not skip them`);
    }
    return { run: false, reason };
  }
  const missing = TOOLS.filter(
    (tool) => spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status !== 0,
  );
  if (!existsSync(CHROMIUM)) missing.push(CHROMIUM);
  if (missing.length > 0) {
    throw new Error(
      `NAT traversal tests need ${missing.join(', ')} (Debian: iproute2 iptables coturn chromium)`,
    );
  }
  if (!existsSync(`${TEST_DIST}/manifest.json`)) {
    throw new Error('dist-test/ is missing: `node scripts/build.mjs --test` builds it');
  }
  return { run: true, reason: '' };
}
