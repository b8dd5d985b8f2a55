import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ROOT, assertIsolatedNetwork } from './harness/paths.js';
import { freePort, waitUntil } from './harness/ports.js';

/** True while any process of group `pgid` lives (zombies included, until reaped). */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * `npm start` in a process group of its own: npm does not pass a signal on to the node it
 * started, so stopping npm alone would leave the signaling service and coturn running.
 */
function npmStart(env: Record<string, string>) {
  const child = spawn('npm', ['start'], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const pgid = child.pid;
  if (pgid === undefined) throw new Error('could not spawn npm start');
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return {
    output: () => output,
    exited,
    /** SIGTERM to the whole group; resolves once every process in it is gone. */
    async stop(): Promise<void> {
      if (groupAlive(pgid)) process.kill(-pgid, 'SIGTERM');
      await exited;
      try {
        await waitUntil(
          async () => !groupAlive(pgid),
          15_000,
          'npm start and its children to exit',
        );
      } finally {
        if (groupAlive(pgid)) process.kill(-pgid, 'SIGKILL');
      }
    },
    groupAlive: () => groupAlive(pgid),
  };
}

describe('npm start', () => {
  it('builds dist/ and the store zip, and the signaling service answers /healthz', async () => {
    assertIsolatedNetwork();
    const [port, turnPort] = [await freePort(), await freePort()];
    const started = npmStart({
      PEERBEAM_SKIP_BUILD: '',
      PORT: String(port),
      TURN_PORT: String(turnPort),
    });
    try {
      await waitUntil(
        async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok,
        90_000,
        `/healthz on port ${port}\n${started.output()}`,
      );
      const health = (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as {
        ok: boolean;
      };
      expect(health.ok).toBe(true);
      const manifest = JSON.parse(readFileSync(`${ROOT}dist/manifest.json`, 'utf8')) as {
        version: string;
        key?: string;
      };
      expect(manifest.key, 'the store build carries no test key').toBeUndefined();
      expect(existsSync(`${ROOT}release/peerbeam-${manifest.version}.zip`)).toBe(true);
      expect(started.output()).toContain('Load unpacked');
    } finally {
      await started.stop();
    }
    // Stopping it stops everything it started: nothing answers, nothing is left running.
    expect(started.groupAlive()).toBe(false);
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  }, 120_000);

  it("refuses to start, saying why, when coturn's relay address (TURN_RELAY_IP) is not on this host", async () => {
    assertIsolatedNetwork();
    const port = await freePort();
    const started = npmStart({
      PEERBEAM_SKIP_BUILD: '1',
      PORT: String(port),
      TURN_RELAY_IP: '203.0.113.77',
    });
    try {
      const code = await Promise.race([
        started.exited,
        new Promise<'running'>((resolve) => setTimeout(() => resolve('running'), 20_000)),
      ]);
      expect(code, started.output()).toBe(1);
      expect(started.output()).toContain(
        'TURN_RELAY_IP=203.0.113.77 is not an address of this host',
      );
      expect(started.output()).toContain('127.0.0.1'); // what it has instead
      await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
    } finally {
      await started.stop();
    }
  }, 60_000);
});
