/**
 * `npm run bench -- signaling`: the signaling service under load, against a minimal `ws` relay
 * (bench/signaling-minimal-relay.ts: the same protocol, nothing but routing) as the ceiling,
 * in the same run, and against two signaling processes sharing a local redis-server (the two
 * sides of every session on different processes). All three run at once; a load generator in
 * a process of its own (bench/signaling-load.ts) holds IDLE idle sockets on the service and on
 * the relay (one holding process per target: the sandbox caps open files at 20,000 per
 * process), relays 2,000 frames/s between 100 session pairs while they are held, then measures
 * pairings per second, alternating between targets round by round.
 *
 * The service runs with its default limits; the load spreads its sockets over many 127.x.y.z
 * source addresses (40 per address, 1 per pairing) so per-address limits are never reached.
 * Servers and the load generator run with `ulimit -n 65536`. Everything is on loopback and
 * bounded in count and time. BENCH_QUICK=1 shrinks the counts (a smoke run).
 * Results: bench/results/signaling.json.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  freePort,
  startRedisServer,
  type RedisTestServer,
} from '../test/signaling/redis-test-server.js';
import { IDLE_BLOCK, type DriveResult, type Target } from './signaling-load.js';
import { metric, report, type Metric } from './report.js';

const quick = process.env.BENCH_QUICK === '1';
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const IDLE = quick ? 1000 : 10_000;
const RATE = 2000;
const START_MS = 15_000;
const LOAD_MS = 300_000;
const PLAN = {
  pairs: 100,
  rate: RATE,
  windowSeconds: quick ? 1 : 3,
  warmupSeconds: 0.5,
  rounds: 3,
  bodyBytes: 512,
  pairingsPerRound: quick ? 100 : 500,
  concurrency: 50,
} as const;

/** `node --import tsx FILE` with a raised open-file limit, its output piped. */
function spawnNode(file: string, args: string[], env: Record<string, string>): ChildProcess {
  const command = `ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$0" --import tsx "$@"`;
  return spawn('sh', ['-c', command, process.execPath, file, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

interface Server {
  readonly pid: number;
  stop(): Promise<void>;
}

/** Starts a server and waits for `ready` in its output; its later output is drained. */
async function startServer(
  file: string,
  env: Record<string, string>,
  ready: RegExp,
): Promise<Server> {
  const child = spawnNode(file, [], env);
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${file} did not start: ${output}`)), START_MS);
    const scan = (chunk: Buffer) => {
      if (output.length < 100_000) output += chunk.toString();
      if (ready.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', scan);
    child.stderr?.on('data', scan);
    void exited.then(() => reject(new Error(`${file} exited: ${output}`)));
  });
  const pid = child.pid!;
  return {
    pid,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) process.kill(pid, 'SIGTERM');
      const timer = setTimeout(() => child.exitCode === null && process.kill(pid, 'SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function startSignaling(env: Record<string, string> = {}) {
  const port = await freePort();
  const server = await startServer(
    'signaling/main.ts',
    { HOST: '127.0.0.1', PORT: String(port), ...env },
    /listening on/,
  );
  return { server, wsUrl: `ws://127.0.0.1:${port}/ws` };
}

/** Runs a load generator mode to its end; returns its last line of output, parsed. */
async function run<T>(args: string[]): Promise<T> {
  const child = spawnNode('bench/signaling-load.ts', args, {});
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.pid && process.kill(child.pid, 'SIGKILL'), LOAD_MS);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearTimeout(timer);
  if (code !== 0) throw new Error(`load generator ${args[0]} exited with ${code}: ${stderr}`);
  return JSON.parse(stdout.trim().split('\n').at(-1) || 'null') as T;
}

interface Holder {
  readonly opened: number;
  /** Stops it (SIGTERM) and returns how many sockets stayed open throughout. */
  release(): Promise<number>;
}

/** A process holding `count` idle sockets on `url` until released. */
async function holdIdle(url: string, count: number, addressBlock: number): Promise<Holder> {
  const child = spawnNode(
    'bench/signaling-load.ts',
    ['hold', url, String(count), String(addressBlock)],
    {},
  );
  const lines: string[] = [];
  let stderr = '';
  let buffered = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const next = () =>
    new Promise<Record<string, number>>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`idle holder: no answer: ${stderr}`)),
        LOAD_MS,
      );
      const check = () => {
        const line = lines.shift();
        if (line === undefined) return false;
        clearTimeout(timer);
        resolve(JSON.parse(line) as Record<string, number>);
        return true;
      };
      if (check()) return;
      child.stdout?.on('data', function onData(chunk: Buffer) {
        buffered += chunk.toString();
        const parts = buffered.split('\n');
        buffered = parts.pop() ?? '';
        lines.push(...parts.filter((part) => part !== ''));
        if (check()) child.stdout?.off('data', onData);
      });
      void exited.then(() => reject(new Error(`idle holder exited: ${stderr}`)));
    });
  const { opened = 0 } = await next();
  let released: Promise<number> | null = null;
  return {
    opened,
    release() {
      released ??= (async () => {
        const held = next();
        if (child.pid && child.exitCode === null) process.kill(child.pid, 'SIGTERM');
        const { held: count = 0 } = await held;
        await exited;
        return count;
      })();
      return released;
    },
  };
}

function rssKiB(pids: readonly number[]): number {
  let total = 0;
  for (const pid of pids) {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    total += Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN);
  }
  return total;
}

interface TargetResult extends DriveResult {
  readonly idleOpened: number;
  readonly idleHeld: number;
  readonly rssBeforeKiB: number;
  readonly rssIdleKiB: number;
  readonly rssPerSocketKiB: number;
}

/** JSON turns NaN (nothing measured) into null. */
const fixed = (value: number | null, digits: number) =>
  value === null || Number.isNaN(value) ? '-' : value.toFixed(digits);

function describe(name: string, result: TargetResult): void {
  const r = result.relay;
  const mib = (kib: number) => Math.round(kib / 1024);
  const rounds = (values: readonly number[]) => values.map((v) => fixed(v, 2)).join(' / ');
  console.log(
    `${name}: ${result.idleHeld}/${result.idleOpened} idle sockets held, RSS ${mib(result.rssBeforeKiB)} → ${mib(result.rssIdleKiB)} MiB ` +
      `(${fixed(result.rssPerSocketKiB, 2)} KiB/socket)\n` +
      `  relay ${r.received}/${r.sent} frames: p50 ${rounds(r.windows.map((w) => w.p50Ms))} ms, ` +
      `p99 ${rounds(r.windows.map((w) => w.p99Ms))} ms, max ${fixed(r.maxMs, 1)} ms\n` +
      `  ${result.pairingsDone} pairings (${result.pairingErrors} errors): ${rounds(result.pairingRounds)} /s`,
  );
}

const running: Server[] = [];
const holders: Holder[] = [];
let redis: RedisTestServer | undefined;
const results: Record<string, TargetResult> = {};
try {
  const signaling = await startSignaling();
  running.push(signaling.server);
  const relayPort = await freePort();
  const minimal = await startServer(
    'bench/signaling-minimal-relay.ts',
    { PORT: String(relayPort) },
    /listening/,
  );
  running.push(minimal);
  redis = await startRedisServer();
  const shared = {
    REDIS_URL: redis.url,
    REDIS_KEY_PREFIX: `bench${randomBytes(3).toString('hex')}:`,
  };
  const one = await startSignaling(shared);
  const two = await startSignaling(shared);
  running.push(one.server, two.server);

  const relayUrl = `ws://127.0.0.1:${relayPort}/`;
  const targets: (Target & { pids: number[]; idle: number })[] = [
    {
      name: 'signaling',
      first: signaling.wsUrl,
      second: signaling.wsUrl,
      pids: [signaling.server.pid],
      idle: IDLE,
    },
    { name: 'minimal', first: relayUrl, second: relayUrl, pids: [minimal.pid], idle: IDLE },
    {
      name: 'redis',
      first: one.wsUrl,
      second: two.wsUrl,
      pids: [one.server.pid, two.server.pid],
      idle: 0,
    },
  ];
  const plain = targets.map(({ name, first, second }) => ({ name, first, second }));
  await run(['warm', JSON.stringify(plain)]);
  await new Promise((resolve) => setTimeout(resolve, 1000));

  console.log(`${IDLE} idle sockets each on signaling and the minimal relay…`);
  const idle = [];
  for (const [t, target] of targets.entries()) {
    const rssBeforeKiB = rssKiB(target.pids);
    const holder =
      target.idle > 0 ? await holdIdle(target.first, target.idle, IDLE_BLOCK + t) : null;
    if (holder) holders.push(holder);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    idle.push({ holder, rssBeforeKiB, rssIdleKiB: rssKiB(target.pids) });
  }

  console.log(`${RATE} frames/s and pairings, ${PLAN.rounds} rounds per target, alternating…`);
  const driven = await run<Record<string, DriveResult>>([
    'drive',
    JSON.stringify({ ...PLAN, targets: plain }),
  ]);
  for (const [t, target] of targets.entries()) {
    const { holder, rssBeforeKiB, rssIdleKiB } = idle[t]!;
    const idleHeld = holder ? await holder.release() : 0;
    results[target.name] = {
      ...driven[target.name]!,
      idleOpened: holder?.opened ?? 0,
      idleHeld,
      rssBeforeKiB,
      rssIdleKiB,
      rssPerSocketKiB: idleHeld > 0 ? (rssIdleKiB - rssBeforeKiB) / idleHeld : NaN,
    };
  }
} finally {
  await Promise.all(holders.map((holder) => holder.release().catch(() => 0)));
  await Promise.all(running.map((server) => server.stop()));
  await redis?.stop();
}

const { signaling, minimal, redis: shared } = results;
if (!signaling || !minimal || !shared) throw new Error('a benchmark target is missing');
for (const [name, result] of Object.entries(results)) describe(name, result);

const metrics: Record<string, Metric> = {
  idle_sockets: metric(signaling.idleHeld, 'sockets', minimal.idleHeld),
  rss_per_socket: metric(signaling.rssPerSocketKiB, 'KiB', minimal.rssPerSocketKiB),
  relay_p50_2k: metric(signaling.relay.p50Ms, 'ms', minimal.relay.p50Ms),
  relay_p99_2k: metric(signaling.relay.p99Ms, 'ms', minimal.relay.p99Ms),
  pairings_per_s: metric(signaling.pairingsPerSecond, '/s', minimal.pairingsPerSecond),
  relay_p99_2k_redis: metric(shared.relay.p99Ms, 'ms', minimal.relay.p99Ms),
  pairings_per_s_redis: metric(shared.pairingsPerSecond, '/s', minimal.pairingsPerSecond),
};
const lost = (r: TargetResult) => r.relay.sent - r.relay.received;
await report('signaling', metrics, [
  'baseline: a minimal ws relay (no validation, no limits) under the same load in the same run; ratio = value / baseline',
  `relay: 100 pairs per target, ${RATE} frames/s of 512-byte bodies, ${PLAN.rounds} rounds of ${PLAN.windowSeconds} s per target alternating between targets (median round reported), ${IDLE} idle sockets held; frames lost: signaling ${lost(signaling)}, minimal ${lost(minimal)}, redis ${lost(shared)}`,
  `pairings: connect both sides, hello, allocate, claim, paired; ${PLAN.concurrency} at a time, ${PLAN.rounds} rounds of ${PLAN.pairingsPerRound} (median round); errors: signaling ${signaling.pairingErrors}, minimal ${minimal.pairingErrors}, redis ${shared.pairingErrors}`,
  '*_redis: two signaling processes sharing one redis-server, the two sides of every session on different processes',
  "limits: the service's defaults; load spread over 127.x.y.z source addresses (40 idle sockets per address, one address per pairing)",
  `target: relay p99 < 10 ms at 2,000 frames/s: ${signaling.relay.p99Ms < 10 ? 'met' : 'MISSED'}`,
]);
