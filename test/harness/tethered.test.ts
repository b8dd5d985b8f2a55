import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ROOT } from './paths.js';

/** Whether a process with this PID still runs (a zombie waiting to be reaped does not). */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

describe('services a test starts', () => {
  it('a test process that dies leaves no signaling service running', async () => {
    // A stand-in test process: starts signaling as the e2e tests do, then dies without stop().
    const script = [
      "const { startSignaling } = await import('./test/harness/signaling.ts');",
      'const service = await startSignaling();',
      'console.log(service.pid);',
      "process.kill(process.pid, 'SIGKILL');",
    ].join('\n');
    const testProcess = spawn(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let said = '';
    testProcess.stdout.on('data', (chunk: Buffer) => (said += chunk.toString()));
    await once(testProcess, 'exit');
    const pid = Number(said.trim());
    expect(pid).toBeGreaterThan(0);
    const deadline = Date.now() + 5_000;
    while (running(pid) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const leaked = running(pid);
    if (leaked) process.kill(pid, 'SIGKILL');
    expect(leaked, 'the signaling service outlived its test process').toBe(false);
  }, 30_000);
});
