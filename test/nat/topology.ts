/**
 * A small simulated internet in five network namespaces (../../../shared/NAT-TESTING.md):
 *
 *   host-a 10.0.1.2 -- 10.0.1.1 [nat-a] 203.0.113.2 --+
 *                                                      +-- [inet] 203.0.113.1 (+.3), 198.51.100.1
 *   host-b 10.0.2.2 -- 10.0.2.1 [nat-b] 198.51.100.2 --+
 *
 * Every veth pair is created inside the namespaces; nothing touches the root namespace's links,
 * routes or iptables. Names carry a per-run prefix, so a sweep can find anything left behind.
 * `destroy()` stops what runs inside, deletes every namespace, and reports leftovers.
 */
import { spawn, execFileSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { run, runOk, sleep, stopChild, type RunOptions, type RunResult } from './process.js';

export type NatMode = 'full-cone' | 'port-restricted' | 'symmetric';

/** The "internet" side: documentation ranges only (RFC 5737), never the host's 192.0.2.0/24. */
export const INET_IP = '203.0.113.1';
/** A second address on inet, so coturn can answer RFC 5780 NAT behaviour discovery. */
export const INET_ALT_IP = '203.0.113.3';
/** coturn's relay port range (scripts/coturn.mjs defaults). */
export const RELAY_PORTS = { min: 49160, max: 49260 } as const;

interface Side {
  hostIp: string;
  routerLanIp: string;
  routerWanIp: string;
  inetIp: string;
  inetIf: string;
}

const SIDES: Record<'a' | 'b', Side> = {
  a: {
    hostIp: '10.0.1.2',
    routerLanIp: '10.0.1.1',
    routerWanIp: '203.0.113.2',
    inetIp: INET_IP,
    inetIf: 'to-a',
  },
  b: {
    hostIp: '10.0.2.2',
    routerLanIp: '10.0.2.1',
    routerWanIp: '198.51.100.2',
    inetIp: '198.51.100.1',
    inetIf: 'to-b',
  },
};

/**
 * One run's prefix: the runner (scripts/nat.mjs) passes its own so it can sweep leftovers;
 * the PID keeps two test files of one run apart.
 */
export const RUN_PREFIX = process.env.PEERBEAM_NAT_RUN ?? `pbnat-${randomBytes(3).toString('hex')}`;
export const FILE_PREFIX = `${RUN_PREFIX}-${process.pid.toString(36)}`;
let topologyCount = 0;

export interface Namespaces {
  hostA: string;
  natA: string;
  inet: string;
  natB: string;
  hostB: string;
}

export interface Teardown {
  /** Processes still inside a namespace once everything was asked to stop (then killed). */
  leftoverProcesses: string[];
}

export interface InetTraffic {
  /** UDP packets that reached coturn's relay ports (someone's data went through TURN). */
  relayed: number;
  /** UDP packets routed from one NAT to the other (peer to peer across the "internet"). */
  direct: number;
}

export interface Topology {
  readonly name: string;
  readonly ns: Namespaces;
  readonly nat: { a: NatMode; b: NatMode };
  exec(
    ns: string,
    command: string,
    args: readonly string[],
    options?: RunOptions,
  ): Promise<RunResult>;
  /** Starts a long-running child inside `ns`; destroy() stops it if it is still running. */
  spawn(ns: string, command: string, args: readonly string[], options?: SpawnOptions): ChildProcess;
  inetTraffic(): Promise<InetTraffic>;
  destroy(): Promise<Teardown>;
}

/** iptables-restore input for a router: NAT_TESTING.md's rules for each mode. */
export function routerRules(mode: NatMode, side: Side): string {
  const nat: string[] = [];
  const forward = [
    '-A FORWARD -i lan -o wan -j ACCEPT',
    '-A FORWARD -i wan -o lan -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT',
  ];
  switch (mode) {
    case 'full-cone':
      nat.push(
        `-A POSTROUTING -o wan -j SNAT --to-source ${side.routerWanIp}`,
        `-A PREROUTING -i wan -p udp --dport 1024:65535 -j DNAT --to-destination ${side.hostIp}`,
      );
      forward.push('-A FORWARD -i wan -o lan -m conntrack --ctstate DNAT -j ACCEPT');
      break;
    case 'port-restricted':
      nat.push('-A POSTROUTING -o wan -j MASQUERADE');
      break;
    case 'symmetric':
      nat.push('-A POSTROUTING -o wan -j MASQUERADE --random-fully');
      break;
  }
  return [
    '*nat',
    ':PREROUTING ACCEPT [0:0]',
    ':INPUT ACCEPT [0:0]',
    ':OUTPUT ACCEPT [0:0]',
    ':POSTROUTING ACCEPT [0:0]',
    ...nat,
    'COMMIT',
    '*filter',
    ':INPUT ACCEPT [0:0]',
    ':FORWARD DROP [0:0]',
    ':OUTPUT ACCEPT [0:0]',
    // Without this drop, a hole punch that arrives before the local side has sent becomes a
    // confirmed conntrack entry, the later SNAT collides with it and picks a new port, and even
    // cone NAT punching fails (NAT-TESTING.md).
    '-A INPUT -i wan -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT',
    '-A INPUT -i wan -j DROP',
    ...forward,
    'COMMIT',
    '',
  ].join('\n');
}

/** inet forwards and counts: the counters tell relayed traffic from direct traffic. */
function inetRules(): string {
  return [
    '*filter',
    ':INPUT ACCEPT [0:0]',
    ':FORWARD ACCEPT [0:0]',
    ':OUTPUT ACCEPT [0:0]',
    `-A INPUT -p udp -d ${INET_IP} --dport ${RELAY_PORTS.min}:${RELAY_PORTS.max} -m comment --comment relayed`,
    `-A FORWARD -i ${SIDES.a.inetIf} -o ${SIDES.b.inetIf} -p udp -m comment --comment direct`,
    `-A FORWARD -i ${SIDES.b.inetIf} -o ${SIDES.a.inetIf} -p udp -m comment --comment direct`,
    'COMMIT',
    '',
  ].join('\n');
}

const namespacesOf = (ns: Namespaces): string[] => [ns.hostA, ns.natA, ns.inet, ns.natB, ns.hostB];

const live = new Set<Namespaces>();
let exitHookInstalled = false;

/** Last resort when the test process exits without afterAll: synchronous, best effort. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const ns of live) {
      for (const name of namespacesOf(ns)) {
        try {
          const pids = execFileSync('ip', ['netns', 'pids', name], { encoding: 'utf8' });
          for (const pid of pids.split('\n').filter(Boolean)) process.kill(Number(pid), 'SIGKILL');
        } catch {
          // Already gone.
        }
        try {
          execFileSync('ip', ['netns', 'del', name], { stdio: 'ignore' });
        } catch {
          // Already gone.
        }
        rmSync(`/etc/netns/${name}`, { recursive: true, force: true });
      }
    }
  });
}

/** Namespaces made by this test file (or with another `prefix`) that still exist. */
export async function listNamespaces(prefix = FILE_PREFIX): Promise<string[]> {
  const out = await runOk('ip', ['netns', 'list']);
  return out
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter((name) => name.startsWith(`${prefix}-`));
}

async function pidsIn(ns: string): Promise<number[]> {
  const result = await run('ip', ['netns', 'pids', ns]);
  if (result.code !== 0) return [];
  return result.stdout.split('\n').filter(Boolean).map(Number);
}

async function describePid(pid: number): Promise<string> {
  const result = await run('ps', ['-o', 'args=', '-p', String(pid)]);
  return `${pid} ${result.stdout.trim().slice(0, 120)}`;
}

export async function createTopology(nat: { a: NatMode; b: NatMode }): Promise<Topology> {
  installExitHook();
  topologyCount += 1;
  const name = `${FILE_PREFIX}-${topologyCount}`;
  const ns: Namespaces = {
    hostA: `${name}-ha`,
    natA: `${name}-na`,
    inet: `${name}-in`,
    natB: `${name}-nb`,
    hostB: `${name}-hb`,
  };
  const children = new Set<ChildProcess>();
  const ip = (...args: string[]) => runOk('ip', args);
  const inNs = (
    namespace: string,
    command: string,
    args: readonly string[],
    options?: RunOptions,
  ) => run('ip', ['netns', 'exec', namespace, command, ...args], options);
  const inNsOk = (
    namespace: string,
    command: string,
    args: readonly string[],
    options?: RunOptions,
  ) => runOk('ip', ['netns', 'exec', namespace, command, ...args], options);

  live.add(ns);
  try {
    for (const namespace of namespacesOf(ns)) {
      await ip('netns', 'add', namespace);
      // No IPv6: link-local candidates would only add noise to ICE.
      await inNsOk(namespace, 'sysctl', [
        '-qw',
        'net.ipv6.conf.all.disable_ipv6=1',
        'net.ipv6.conf.default.disable_ipv6=1',
        `net.ipv4.ip_forward=${[ns.natA, ns.inet, ns.natB].includes(namespace) ? 1 : 0}`,
      ]);
      await ip('-n', namespace, 'link', 'set', 'lo', 'up');
    }
    for (const [side, host, router] of [
      ['a', ns.hostA, ns.natA],
      ['b', ns.hostB, ns.natB],
    ] as const) {
      const s = SIDES[side];
      await ip(
        '-n',
        host,
        'link',
        'add',
        'eth0',
        'type',
        'veth',
        'peer',
        'name',
        'lan',
        'netns',
        router,
      );
      await ip(
        '-n',
        router,
        'link',
        'add',
        'wan',
        'type',
        'veth',
        'peer',
        'name',
        s.inetIf,
        'netns',
        ns.inet,
      );
      await ip('-n', host, 'addr', 'add', `${s.hostIp}/24`, 'dev', 'eth0');
      await ip('-n', host, 'link', 'set', 'eth0', 'up');
      await ip('-n', host, 'route', 'add', 'default', 'via', s.routerLanIp);
      await ip('-n', router, 'addr', 'add', `${s.routerLanIp}/24`, 'dev', 'lan');
      await ip('-n', router, 'addr', 'add', `${s.routerWanIp}/24`, 'dev', 'wan');
      await ip('-n', router, 'link', 'set', 'lan', 'up');
      await ip('-n', router, 'link', 'set', 'wan', 'up');
      await ip('-n', router, 'route', 'add', 'default', 'via', s.inetIp);
      await ip('-n', ns.inet, 'addr', 'add', `${s.inetIp}/24`, 'dev', s.inetIf);
      if (side === 'a')
        await ip('-n', ns.inet, 'addr', 'add', `${INET_ALT_IP}/24`, 'dev', s.inetIf);
      await ip('-n', ns.inet, 'link', 'set', s.inetIf, 'up');
      await inNsOk(router, 'iptables-restore', [], { input: routerRules(nat[side], s) });
      // Chromium inside the namespace reads /etc/resolv.conf; keep its lookups local.
      mkdirSync(`/etc/netns/${host}`, { recursive: true });
      writeFileSync(`/etc/netns/${host}/resolv.conf`, 'nameserver 127.0.0.1\n');
    }
    await inNsOk(ns.inet, 'iptables-restore', [], { input: inetRules() });
  } catch (error) {
    await destroyNamespaces(ns, children);
    throw error;
  }

  let destroyed: Promise<Teardown> | undefined;
  return {
    name,
    ns,
    nat,
    exec: inNs,
    spawn(namespace, command, args, options = {}) {
      const child = spawn('ip', ['netns', 'exec', namespace, command, ...args], options);
      children.add(child);
      child.once('exit', () => children.delete(child));
      return child;
    },
    async inetTraffic() {
      const out = await inNsOk(ns.inet, 'iptables', ['-w', '-nvxL']);
      const count = (label: string) =>
        out
          .split('\n')
          .filter((line) => line.includes(`/* ${label} */`))
          .reduce((sum, line) => sum + Number(line.trim().split(/\s+/)[0] ?? 0), 0);
      return { relayed: count('relayed'), direct: count('direct') };
    },
    destroy() {
      destroyed ??= destroyNamespaces(ns, children);
      return destroyed;
    },
  };
}

async function destroyNamespaces(ns: Namespaces, children: Set<ChildProcess>): Promise<Teardown> {
  await Promise.all([...children].map((child) => stopChild(child)));
  const names = namespacesOf(ns);
  // Browsers were closed by their owners; their helper processes may take a moment to go.
  let remaining: number[] = [];
  for (let attempt = 0; attempt < 50; attempt++) {
    remaining = (await Promise.all(names.map(pidsIn))).flat();
    if (remaining.length === 0) break;
    await sleep(100);
  }
  const leftoverProcesses = await Promise.all(remaining.map(describePid));
  // Only this run's processes can live in this run's namespaces.
  for (const pid of remaining) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Exited meanwhile.
    }
  }
  for (const name of names) {
    await run('ip', ['netns', 'del', name]);
    rmSync(`/etc/netns/${name}`, { recursive: true, force: true });
  }
  live.delete(ns);
  return { leftoverProcesses };
}
