/**
 * The load generator of `npm run bench -- signaling`: processes of their own, spawned by
 * signaling.bench.ts (each with `ulimit -n` as high as allowed: this sandbox caps it at 20,000,
 * so idle sockets get a process per target). Three modes:
 *   warm TARGETS   a few pairings per target, so the servers' RSS baselines compare;
 *   hold URL N B   opens N idle sockets (hello'd, then silent) from 127.B.x.y, prints
 *                  {"opened":n}, and on SIGTERM prints {"held":m} (still open) and exits;
 *   drive PLAN     relays RATE frames/s between PAIRS session pairs per target for WINDOW
 *                  seconds, ROUNDS times per target, alternating targets, timing each frame from
 *                  send to arrival at the other side; then runs complete pairings (connect both
 *                  sides, hello, allocate, claim, paired), CONCURRENCY at a time, in rounds too.
 * Alternating rounds, and taking the median round, keep a burst of load from elsewhere on the
 * machine from landing on one target only. Every phase is bounded in count and time. Source
 * addresses are spread over 127.x.y.z so no address exceeds the service's per-address limits
 * (which stay at their defaults).
 */
import { performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import { PROTOCOL_VERSION } from '../src/core/protocol.js';

export interface Target {
  readonly name: string;
  /** Where the first and the second side of each session connect (two processes with Redis). */
  readonly first: string;
  readonly second: string;
}

export interface DrivePlan {
  readonly targets: readonly Target[];
  readonly pairs: number;
  readonly rate: number;
  readonly windowSeconds: number;
  readonly warmupSeconds: number;
  readonly rounds: number;
  readonly bodyBytes: number;
  readonly pairingsPerRound: number;
  readonly concurrency: number;
}

export interface RelayWindow {
  readonly sent: number;
  readonly received: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

export interface DriveResult {
  /** Medians over the rounds; `windows` has every round. */
  readonly relay: RelayWindow & { readonly windows: readonly RelayWindow[] };
  readonly pairingsPerSecond: number;
  readonly pairingRounds: readonly number[];
  readonly pairingsDone: number;
  readonly pairingErrors: number;
}

/** Address blocks (127.<block>.x.y): warm-up, relay pairs and pairings of target t; idle
 * sockets use IDLE_BLOCK + t. */
const block = (target: number, phase: 'warm' | 'pairs' | 'pairings') =>
  20 + target * 30 + { warm: 0, pairs: 10, pairings: 20 }[phase];
export const IDLE_BLOCK = 10;

const OPEN_TIMEOUT_MS = 10_000;
const IDLE_PHASE_MS = 120_000;
const WARM_PAIRINGS = 20;
const PAIRING_PHASE_MS = 30_000;
/** Idle sockets per source address; the service allows 64 by default. */
const IDLE_PER_ADDRESS = 40;

/** 127.<block>.x.y: one block per phase and target, so no address is shared by two. */
const address = (block: number, index: number) =>
  `127.${block}.${Math.floor(index / 250) % 250}.${(index % 250) + 1}`;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface Frame {
  readonly type: string;
  readonly nameplate?: string;
  readonly body?: string;
}

/** A bare client: a queue of parsed frames, one waiter at a time. */
class Client {
  private readonly queue: Frame[] = [];
  private waiter: (() => void) | null = null;
  onRelay: ((body: string) => void) | null = null;
  closed = false;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      // Text frames arrive as one Buffer (binaryType 'nodebuffer').
      const frame = JSON.parse((data as Buffer).toString()) as Frame;
      if (frame.type === 'relay' && this.onRelay) return this.onRelay(frame.body ?? '');
      this.queue.push(frame);
      this.waiter?.();
    });
    ws.on('close', () => {
      this.closed = true;
      this.waiter?.();
    });
    ws.on('error', () => {});
  }

  /** Connects and completes hello → welcome. */
  static async open(url: string, localAddress: string): Promise<Client> {
    const ws = new WebSocket(url, { localAddress, perMessageDeflate: false });
    const client = new Client(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    client.send({ type: 'hello', v: PROTOCOL_VERSION });
    await client.expect('welcome');
    return client;
  }

  send(frame: object): void {
    this.ws.send(JSON.stringify(frame));
  }

  async expect(type: string): Promise<Frame> {
    const deadline = Date.now() + OPEN_TIMEOUT_MS;
    for (;;) {
      const frame = this.queue.shift();
      if (frame) {
        if (frame.type !== type) throw new Error(`expected ${type}, got ${JSON.stringify(frame)}`);
        return frame;
      }
      if (this.closed) throw new Error(`closed while waiting for ${type}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${type} within ${OPEN_TIMEOUT_MS} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiter = null;
    }
  }

  close(): void {
    this.ws.terminate();
  }
}

async function pair(first: string, second: string, localAddress: string) {
  const [a, b] = await Promise.all([
    Client.open(first, localAddress),
    Client.open(second, localAddress),
  ]);
  a.send({ type: 'allocate' });
  const { nameplate } = await a.expect('allocated');
  b.send({ type: 'claim', nameplate });
  await b.expect('claimed');
  await Promise.all([b.expect('paired'), a.expect('paired')]);
  return { a, b };
}

/** Runs `task(i)` for i < count, `concurrency` at a time, until done or `ms` have passed. */
async function pool(
  count: number,
  concurrency: number,
  ms: number,
  task: (i: number) => Promise<void>,
): Promise<{ done: number; errors: number; elapsedMs: number }> {
  const started = performance.now();
  let next = 0;
  let done = 0;
  let errors = 0;
  const worker = async () => {
    while (next < count && performance.now() - started < ms) {
      const i = next++;
      try {
        await task(i);
        done++;
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return { done, errors, elapsedMs: performance.now() - started };
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] ?? NaN)
    : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
};

type Pair = Awaited<ReturnType<typeof pair>>;

/** Relays `plan.rate` frames/s round-robin over the pairs' sides; times each one. */
async function relayWindow(plan: DrivePlan, pairs: readonly Pair[]): Promise<RelayWindow> {
  const senders = pairs.flatMap(({ a, b }) => [
    { from: a, to: b },
    { from: b, to: a },
  ]);
  const total = Math.round(plan.rate * (plan.warmupSeconds + plan.windowSeconds));
  const warmup = Math.round(plan.rate * plan.warmupSeconds);
  const sentAt = new Float64Array(total);
  const latency = new Float64Array(total).fill(NaN);
  let received = 0;
  for (const { to } of senders) {
    to.onRelay = (body) => {
      const seq = parseInt(body, 10);
      if (seq >= 0 && seq < total && Number.isNaN(latency[seq])) {
        latency[seq] = performance.now() - (sentAt[seq] ?? 0);
        received++;
      }
    };
  }
  const padding = 'x'.repeat(Math.max(0, plan.bodyBytes - 8));
  const started = performance.now();
  let sent = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor(((performance.now() - started) * plan.rate) / 1000));
      for (; sent < due; sent++) {
        const sender = senders[sent % senders.length]!;
        sentAt[sent] = performance.now();
        sender.from.ws.send(`{"type":"relay","body":"${sent}A${padding}"}`);
      }
      if (sent >= total) {
        clearInterval(timer);
        resolve();
      }
    }, 1);
  });
  for (let waited = 0; received < total && waited < 3000; waited += 20) await sleep(20);
  const measured = latency
    .slice(warmup)
    .filter((value) => !Number.isNaN(value))
    .sort();
  return {
    sent: total - warmup,
    received: measured.length,
    p50Ms: percentile(measured, 50),
    p99Ms: percentile(measured, 99),
    maxMs: measured.at(-1) ?? NaN,
  };
}

/** Round r visits the targets starting from the r-th, so none always goes first. */
function rotated<T>(items: readonly T[], round: number): T[] {
  const start = round % items.length;
  return [...items.slice(start), ...items.slice(0, start)];
}

export async function warm(targets: readonly Target[]): Promise<void> {
  for (const [t, target] of targets.entries()) {
    await pool(WARM_PAIRINGS, 10, 10_000, async (i) => {
      const { a, b } = await pair(target.first, target.second, address(block(t, 'warm'), i));
      a.close();
      b.close();
    });
  }
}

/** Opens `count` idle sockets; reports how many opened, then (on SIGTERM) how many still are. */
export async function hold(url: string, count: number, addressBlock: number): Promise<void> {
  const idle: Client[] = [];
  const opened = await pool(count, 200, IDLE_PHASE_MS, async (i) => {
    idle.push(await Client.open(url, address(addressBlock, Math.floor(i / IDLE_PER_ADDRESS))));
  });
  console.log(JSON.stringify({ opened: opened.done }));
  let heldAll = idle.filter((client) => !client.closed).length;
  const check = setInterval(() => {
    heldAll = Math.min(heldAll, idle.filter((client) => !client.closed).length);
  }, 1000);
  process.once('SIGTERM', () => {
    clearInterval(check);
    // The fewest open at any check: a socket lost and replaced would not count.
    console.log(JSON.stringify({ held: Math.min(heldAll, idle.filter((c) => !c.closed).length) }));
    process.exit(0);
  });
}

export async function drive(plan: DrivePlan): Promise<Record<string, DriveResult>> {
  const targets = plan.targets.map((target) => ({
    target,
    pairs: [] as Pair[],
    windows: [] as RelayWindow[],
    pairingRounds: [] as number[],
    pairingsDone: 0,
    pairingErrors: 0,
  }));
  for (const [t, state] of targets.entries()) {
    for (let i = 0; i < plan.pairs; i++) {
      const at = address(block(t, 'pairs'), i);
      state.pairs.push(await pair(state.target.first, state.target.second, at));
    }
  }
  for (let round = 0; round < plan.rounds; round++) {
    for (const state of rotated(targets, round)) {
      state.windows.push(await relayWindow(plan, state.pairs));
    }
  }
  for (const state of targets) {
    for (const { a, b } of state.pairs) {
      a.close();
      b.close();
    }
  }

  for (let round = 0; round < plan.rounds; round++) {
    for (const state of rotated(targets, round)) {
      const t = targets.indexOf(state);
      const base = round * plan.pairingsPerRound;
      const { first, second } = state.target;
      const result = await pool(
        plan.pairingsPerRound,
        plan.concurrency,
        PAIRING_PHASE_MS,
        async (i) => {
          const { a, b } = await pair(first, second, address(block(t, 'pairings'), base + i));
          a.close();
          b.close();
        },
      );
      state.pairingRounds.push((result.done * 1000) / result.elapsedMs);
      state.pairingsDone += result.done;
      state.pairingErrors += result.errors;
    }
  }

  const results: Record<string, DriveResult> = {};
  for (const state of targets) {
    const windows = state.windows;
    results[state.target.name] = {
      relay: {
        windows,
        sent: windows.reduce((sum, w) => sum + w.sent, 0),
        received: windows.reduce((sum, w) => sum + w.received, 0),
        p50Ms: median(windows.map((w) => w.p50Ms)),
        p99Ms: median(windows.map((w) => w.p99Ms)),
        maxMs: Math.max(...windows.map((w) => w.maxMs)),
      },
      pairingsPerSecond: median(state.pairingRounds),
      pairingRounds: state.pairingRounds,
      pairingsDone: state.pairingsDone,
      pairingErrors: state.pairingErrors,
    };
  }
  return results;
}

// As a process: `warm TARGETS_JSON`, `hold URL COUNT BLOCK` or `drive PLAN_JSON`.
if (process.argv[1]?.endsWith('signaling-load.ts')) {
  const [mode, arg, count, addressBlock] = process.argv.slice(2);
  const fail = (error: unknown) => {
    console.error(`load generator (${mode}) failed:`, error);
    process.exit(1);
  };
  if (mode === 'warm') {
    warm(JSON.parse(arg ?? '[]') as Target[]).then(() => process.exit(0), fail);
  } else if (mode === 'hold') {
    hold(arg ?? '', Number(count), Number(addressBlock)).catch(fail);
  } else if (mode === 'drive') {
    drive(JSON.parse(arg ?? '{}') as DrivePlan).then((result) => {
      console.log(JSON.stringify(result));
      process.exit(0);
    }, fail);
  } else {
    fail(new Error(`unknown mode ${mode}`));
  }
}
