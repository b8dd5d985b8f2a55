/**
 * Small process helpers for the NAT suite: every command has a time limit, and every child is
 * stopped by its own PID and waited on (zombies are reaped slowly here, so no `kill -0` polling).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  input?: string;
  timeoutMs?: number;
  env?: Record<string, string>;
}

/** Runs a command to completion (killed after `timeoutMs`) and collects its output. */
export async function run(
  command: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<RunResult> {
  const child = spawn(command, args, {
    stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    env: options.env ? { ...process.env, ...options.env } : process.env,
  });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
  const timeoutMs = options.timeoutMs ?? 10_000;
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  if (child.stdin) {
    // A command that exits before reading its input must not crash the test with EPIPE.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input);
  }
  const [code] = (await once(child, 'close')) as [number | null];
  clearTimeout(timer);
  return {
    code,
    stdout: Buffer.concat(stdout).toString(),
    stderr: Buffer.concat(stderr).toString(),
  };
}

/** Like `run`, but a non-zero exit is an error that names the command and its output. */
export async function runOk(
  command: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<string> {
  const result = await run(command, args, options);
  if (result.code !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} exited with ${result.code}: ${result.stderr || result.stdout}`,
    );
  }
  return result.stdout;
}

/** Resolves once `child` has exited (at once if it already has). */
export async function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await once(child, 'exit');
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when the child has exited. */
export async function stopChild(child: ChildProcess, graceMs = 3_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const done = exited(child);
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await done;
  clearTimeout(timer);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
