/**
 * Helpers for the signaling tests: a real server on a free port and real `ws` clients. Every
 * wait is bounded, so a broken server fails a test instead of hanging it.
 */
import { tethered } from '../harness/tethered.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { WebSocket, type ClientOptions } from 'ws';
import {
  PROTOCOL_VERSION,
  decodeServerFrame,
  encodeFrame,
  type ClientFrame,
  type ServerFrame,
} from '../../src/core/protocol.js';
import { loadConfig, type Config } from '../../signaling/config.js';
import type { Logger } from '../../signaling/log.js';
import {
  createSignalingServer,
  type ListeningAddress,
  type SignalingServer,
  type SignalingServerOptions,
} from '../../signaling/server.js';

export const WAIT_MS = 2000;

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Defaults from loadConfig on a free port, with `overrides` on top. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  return { ...loadConfig({ HOST: '127.0.0.1', PORT: '0' }), ...overrides };
}

export async function startServer(
  config: Config,
  logger?: Logger,
  options?: SignalingServerOptions,
): Promise<{ server: SignalingServer; address: ListeningAddress }> {
  const server = createSignalingServer(config, logger, options);
  return { server, address: await server.listen() };
}

/**
 * Distinct loopback source addresses (127.0.0.2, .3, …), so each test has its own per-IP
 * budget and an abusive address can be told apart from a well-behaved one.
 */
export function addressSequence(): () => string {
  let next = 2;
  return () => `127.0.0.${next++}`;
}

type FrameOf<T extends ServerFrame['type']> = Extract<ServerFrame, { type: T }>;

export interface CloseEvent {
  readonly code: number;
  readonly reason: string;
}

export class TestClient {
  private readonly frames: ServerFrame[] = [];
  private readonly waiters: (() => void)[] = [];
  private violation: string | null = null;
  private closeEvent: CloseEvent | null = null;
  readonly closed: Promise<CloseEvent>;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      const text = Array.isArray(data)
        ? Buffer.concat(data).toString()
        : Buffer.isBuffer(data)
          ? data.toString()
          : Buffer.from(data).toString();
      const decoded = isBinary ? null : decodeServerFrame(text);
      if (decoded?.ok) this.frames.push(decoded.frame);
      else this.violation = `server sent a frame outside the protocol: ${text}`;
      this.wake();
    });
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        this.closeEvent = { code, reason: reason.toString() };
        resolve(this.closeEvent);
        this.wake();
      });
    });
    ws.on('error', () => {}); // surfaced through `closed`
  }

  static open(
    url: string,
    localAddress?: string,
    options: ClientOptions = {},
  ): Promise<TestClient> {
    const ws = new WebSocket(url, { ...options, localAddress, handshakeTimeout: WAIT_MS });
    const client = new TestClient(ws);
    return withTimeout(
      new Promise<TestClient>((resolve, reject) => {
        ws.once('open', () => resolve(client));
        ws.once('error', reject);
      }),
      WAIT_MS,
      'the WebSocket to open',
    );
  }

  /** Opens a connection and completes the hello handshake. */
  static async ready(url: string, localAddress?: string): Promise<TestClient> {
    const client = await TestClient.open(url, localAddress);
    client.send({ type: 'hello', v: PROTOCOL_VERSION });
    await client.expect('welcome');
    return client;
  }

  send(frame: ClientFrame): void {
    this.ws.send(encodeFrame(frame));
  }

  sendRaw(data: string | Buffer, binary = false): void {
    this.ws.send(data, { binary });
  }

  /** The next frame from the server; rejects on close, a protocol violation or timeout. */
  async next(ms = WAIT_MS): Promise<ServerFrame> {
    const deadline = Date.now() + ms;
    for (;;) {
      if (this.violation) throw new Error(this.violation);
      const frame = this.frames.shift();
      if (frame) return frame;
      if (this.closeEvent) {
        throw new Error(
          `closed (${this.closeEvent.code} ${this.closeEvent.reason}) awaiting a frame`,
        );
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no frame from the server within ${ms} ms`);
      await withTimeout(
        new Promise<void>((resolve) => this.waiters.push(resolve)),
        left,
        'a frame',
      ).catch(() => {});
    }
  }

  /** The next frame, which must be of `type`. */
  async expect<T extends ServerFrame['type']>(type: T, ms = WAIT_MS): Promise<FrameOf<T>> {
    const frame = await this.next(ms);
    expect(frame.type, `expected ${type}, got ${JSON.stringify(frame)}`).toBe(type);
    return frame as FrameOf<T>;
  }

  async expectError(code: string): Promise<void> {
    const frame = await this.expect('error');
    expect(frame.code).toBe(code);
  }

  /** Asserts that nothing arrives for `ms`. */
  async expectSilence(ms = 150): Promise<void> {
    await sleep(ms);
    expect(this.frames).toEqual([]);
  }

  closedWithin(ms = WAIT_MS): Promise<CloseEvent> {
    return withTimeout(this.closed, ms, 'the server to close the connection');
  }

  close(): void {
    this.ws.close();
  }

  private wake(): void {
    for (const wake of this.waiters.splice(0)) wake();
  }
}

export interface Pair {
  readonly a: TestClient;
  readonly b: TestClient;
  readonly nameplate: string;
  readonly aIce: FrameOf<'paired'>['iceServers'];
  readonly bIce: FrameOf<'paired'>['iceServers'];
}

/** a allocates, b claims (on `claimUrl`: another process); both hold `paired` when this resolves. */
export async function pairByNameplate(
  url: string,
  localAddress?: string,
  claimUrl = url,
): Promise<Pair> {
  const a = await TestClient.ready(url, localAddress);
  const b = await TestClient.ready(claimUrl, localAddress);
  a.send({ type: 'allocate' });
  const { nameplate } = await a.expect('allocated');
  b.send({ type: 'claim', nameplate });
  expect(await b.expect('claimed')).toEqual({ type: 'claimed', nameplate });
  const bPaired = await b.expect('paired');
  const aPaired = await a.expect('paired');
  return { a, b, nameplate, aIce: aPaired.iceServers, bIce: bPaired.iceServers };
}

/** A well-behaved pair gets served end to end: allocate, claim, relay both ways, release. */
export async function expectServesAPair(
  url: string,
  localAddress?: string,
  claimUrl = url,
): Promise<void> {
  const { a, b } = await pairByNameplate(url, localAddress, claimUrl);
  a.send({ type: 'relay', body: 'from-a' });
  expect(await b.expect('relay')).toEqual({ type: 'relay', body: 'from-a' });
  b.send({ type: 'relay', body: 'from-b' });
  expect(await a.expect('relay')).toEqual({ type: 'relay', body: 'from-b' });
  a.send({ type: 'release', mood: 'happy' });
  expect(await b.expect('peer')).toEqual({ type: 'peer', event: 'left', mood: 'happy' });
  a.close();
  b.close();
  await Promise.all([a.closedWithin(), b.closedWithin()]);
}

export async function httpGet(
  url: string,
): Promise<{ status: number; body: string; type: string }> {
  return withTimeout(
    new Promise((resolve, reject) => {
      request(url, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body, type: res.headers['content-type'] ?? '' }),
        );
      })
        .on('error', reject)
        .end();
    }),
    WAIT_MS,
    `GET ${url}`,
  );
}

/** The value of one series in Prometheus text format, e.g. `name{label="x"}`. */
export function metricSample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(series + ' '));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PROCESS_START_MS = 10_000;

export interface SignalingProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly url: string;
  readonly wsUrl: string;
  /** Everything it wrote to stdout and stderr so far. */
  readonly output: () => string;
  readonly exited: Promise<number | null>;
  /** SIGTERM (a graceful close), then SIGKILL if it has not exited in time; by PID. */
  stop(): Promise<number | null>;
}

/** `signaling/main.ts` as a process of its own, configured by `env`, on a free port. */
export async function startSignalingProcess(
  env: Record<string, string>,
): Promise<SignalingProcess> {
  const child = spawn(...tethered(process.execPath, ['--import', 'tsx', 'signaling/main.ts']), {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const pid = child.pid;
  const kill = (signal: NodeJS.Signals) => {
    if (pid !== undefined && child.exitCode === null && child.signalCode === null) {
      process.kill(pid, signal);
    }
  };
  try {
    if (pid === undefined) throw new Error('could not spawn signaling/main.ts');
    const url = await withTimeout(
      (async () => {
        for (;;) {
          const match = /^peerbeam signaling listening on (http:\/\/[\d.]+:\d+)$/m.exec(output);
          if (match?.[1]) return match[1];
          if (child.exitCode !== null) throw new Error(`signaling exited: ${output}`);
          await sleep(20);
        }
      })(),
      PROCESS_START_MS,
      'signaling/main.ts to listen',
    );
    let stopping: Promise<number | null> | null = null;
    return {
      child,
      pid,
      url,
      wsUrl: url.replace('http', 'ws') + '/ws',
      output: () => output,
      exited,
      stop() {
        stopping ??= (async () => {
          kill('SIGTERM');
          const timer = setTimeout(() => kill('SIGKILL'), 5000);
          const code = await exited;
          clearTimeout(timer);
          return code;
        })();
        return stopping;
      },
    };
  } catch (error) {
    kill('SIGKILL');
    throw error;
  }
}
