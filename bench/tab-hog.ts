/**
 * The tab bench's fixed CPU load: one child `node` process spinning a busy loop (about one
 * core), bounded by time on its own, and killed by its PID when the bench is done with it.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface CpuHog {
  readonly pid: number;
  stop(): Promise<void>;
}

/** Starts the hog; it ends by itself after `maxMs` even if nobody stops it. */
export function startCpuHog(maxMs: number): CpuHog {
  const loop = `const end = Date.now() + ${Math.round(maxMs)}; let x = 0; while (Date.now() < end) { x = (x * 33 + 7) % 1000003; }`;
  const child: ChildProcess = spawn(process.execPath, ['-e', loop], { stdio: 'ignore' });
  const pid = child.pid;
  if (pid === undefined) throw new Error('the CPU hog did not start');
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  return {
    pid,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) process.kill(pid, 'SIGKILL');
      await exited;
    },
  };
}
