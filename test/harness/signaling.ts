import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { ROOT } from './paths.js';
import { tethered } from './tethered.js';

export interface RunningSignaling {
  url: string;
  httpUrl: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * Starts the real signaling service as a child process on a free port of 127.0.0.1 and waits
 * for its "listening" line. `env` overrides its configuration (limits, TURN).
 */
export async function startSignaling(env: Record<string, string> = {}): Promise<RunningSignaling> {
  const child: ChildProcess = spawn(
    ...tethered(process.execPath, ['--import', 'tsx', 'signaling/main.ts']),
    {
      cwd: ROOT,
      env: { ...process.env, HOST: '127.0.0.1', PORT: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const output: string[] = [];
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const lines = createInterface({ input: child.stdout! });
  const httpUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`signaling did not start:\n${output.join('')}`)),
      15_000,
    );
    lines.on('line', (line) => {
      output.push(line);
      const match = /listening on (http:\/\/[^\s]+)/.exec(line);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`signaling exited with ${code}:\n${output.join('')}`));
    });
  });
  const exited = once(child, 'exit');
  return {
    httpUrl,
    url: `${httpUrl.replace(/^http/, 'ws')}/ws`,
    pid: child.pid!,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
