/**
 * A throwaway redis-server (Debian's package) for tests and the bench: 127.0.0.1 on a free
 * port, a temporary directory, no persistence; stopped by its PID. A missing redis-server is an
 * error, never a skip: CI installs it (`apt-get install redis-server`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export interface RedisTestServer {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  stop(): Promise<void>;
}

const START_MS = 5000;

export function findRedisServer(): string {
  const candidates = [
    process.env.REDIS_SERVER,
    ...(process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, 'redis-server')),
    '/usr/bin/redis-server',
    '/usr/sbin/redis-server',
  ];
  const found = candidates.find((path) => path !== undefined && path !== '' && existsSync(path));
  if (found === undefined) {
    throw new Error(
      'redis-server not found: the Redis tests need it (apt-get install redis-server, or set REDIS_SERVER)',
    );
  }
  return found;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let answer = '';
    socket.setTimeout(500, () => socket.destroy());
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => {
      answer += data.toString();
      if (answer.includes('\r\n')) socket.end();
    });
    socket.on('close', () => resolve(answer.startsWith('+PONG')));
    socket.on('error', () => {});
  });
}

function exited(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

export async function startRedisServer(): Promise<RedisTestServer> {
  const binary = findRedisServer();
  const dir = mkdtempSync(join(tmpdir(), 'peerbeam-redis-'));
  // Another process may take the port between freePort() and the bind: try a few.
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const child = spawn(
      binary,
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--save',
        '',
        '--appendonly',
        'no',
        '--daemonize',
        'no',
        '--loglevel',
        'warning',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const pid = child.pid;
    if (pid === undefined) throw new Error(`redis-server did not start: ${output}`);

    const deadline = Date.now() + START_MS;
    let ready = false;
    while (!ready && Date.now() < deadline && child.exitCode === null) {
      ready = await ping(port);
      if (!ready) await new Promise((resolve) => setTimeout(resolve, 25));
    }
    if (!ready) {
      process.kill(pid, 'SIGKILL');
      await exited(child, 1000);
      if (/Address already in use/i.test(output)) continue;
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`redis-server did not answer PING within ${START_MS} ms: ${output}`);
    }

    let stopping: Promise<void> | null = null;
    return {
      url: `redis://127.0.0.1:${port}`,
      port,
      pid,
      stop() {
        stopping ??= (async () => {
          if (child.exitCode === null && child.signalCode === null) {
            process.kill(pid, 'SIGTERM');
            if (!(await exited(child, 3000))) {
              process.kill(pid, 'SIGKILL');
              await exited(child, 1000);
            }
          }
          rmSync(dir, { recursive: true, force: true });
        })();
        return stopping;
      },
    };
  }
  rmSync(dir, { recursive: true, force: true });
  throw new Error('redis-server: no free port after 5 attempts');
}
