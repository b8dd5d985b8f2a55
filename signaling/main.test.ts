/** The entry point as `npm run signaling` starts it: a real process, configured by env vars. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TestClient, withTimeout } from '../test/signaling/test-support.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TSX = fileURLToPath(new URL('../node_modules/.bin/tsx', import.meta.url));
const START_MS = 8000;

function start(env: Record<string, string>): { child: ChildProcess; output: () => string } {
  const child = spawn(TSX, ['signaling/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

function exited(child: ChildProcess): Promise<number | null> {
  return withTimeout(
    new Promise((resolve) => child.once('exit', (code) => resolve(code))),
    START_MS,
    'the process to exit',
  );
}

describe('signaling/main.ts', () => {
  it('prints where it listens, serves, and exits 0 after a graceful close on SIGTERM', async () => {
    const { child, output } = start({ HOST: '127.0.0.1', PORT: '0' });
    try {
      const url = await withTimeout(
        (async () => {
          for (;;) {
            const match = /^peerbeam signaling listening on (http:\/\/127\.0\.0\.1:\d+)$/m.exec(
              output(),
            );
            if (match?.[1]) return match[1];
            await new Promise((resolve) => setTimeout(resolve, 25));
          }
        })(),
        START_MS,
        'the listening line',
      );
      const client = await TestClient.ready(url.replace('http', 'ws') + '/ws');
      const exit = exited(child);
      child.kill('SIGTERM');
      expect(await client.closedWithin()).toMatchObject({ code: 4008 });
      expect(await exit).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('exits on SIGTERM even when nothing reads its output any more', async () => {
    const { child, output } = start({ HOST: '127.0.0.1', PORT: '0' });
    try {
      await withTimeout(
        (async () => {
          while (!output().includes('peerbeam signaling listening on')) {
            await new Promise((resolve) => setTimeout(resolve, 25));
          }
        })(),
        START_MS,
        'the listening line',
      );
      // Its log's reader went away (a crashed parent, a closed terminal): writes now fail.
      child.stdout?.destroy();
      child.stderr?.destroy();
      const exit = exited(child);
      child.kill('SIGTERM');
      expect(await exit).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  }, 15_000);

  it('refuses to start on bad configuration, naming the variable, and exits 1', async () => {
    const { child, output } = start({ PORT: 'eighty' });
    expect(await exited(child)).toBe(1);
    expect(output()).toContain('PORT must be an integer from 0 to 65535, got "eighty"');
  });
});
