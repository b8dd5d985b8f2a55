import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ROOT, assertIsolatedNetwork } from './harness/paths.js';
import { freePort, waitUntil } from './harness/ports.js';

describe('npm start', () => {
  it('builds dist/ and the store zip, and the signaling service answers /healthz', async () => {
    assertIsolatedNetwork();
    const [port, turnPort] = [await freePort(), await freePort()];
    const child = spawn('npm', ['start'], {
      cwd: ROOT,
      env: {
        ...process.env,
        PEERBEAM_SKIP_BUILD: '',
        PORT: String(port),
        TURN_PORT: String(turnPort),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = once(child, 'exit');
    try {
      await waitUntil(
        async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok,
        90_000,
        `/healthz on port ${port}\n${output}`,
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
      expect(output).toContain('Load unpacked');
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  }, 120_000);
});
