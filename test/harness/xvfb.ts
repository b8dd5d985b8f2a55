/**
 * A virtual X display for the tests that need a real (not headless) Firefox: its
 * getDisplayMedia picker only grants a screen on a display (../shared/FIREFOX-TESTING.md).
 * Started and stopped by PID, never by name.
 */
import { tethered } from './tethered.js';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { waitUntil } from './ports.js';

export const XVFB = '/usr/bin/Xvfb';
/** The screen's size: the shared tab fills it, so a viewer decodes its clock row. */
export const SCREEN = { width: 1280, height: 800 } as const;

export interface RunningXvfb {
  /** For DISPLAY, e.g. ":93". */
  readonly display: string;
  stop(): Promise<void>;
}

export async function startXvfb(): Promise<RunningXvfb> {
  // A free display number: no lock file, no socket.
  let number = 90 + Math.floor(Math.random() * 100);
  while (existsSync(`/tmp/.X${number}-lock`) || existsSync(`/tmp/.X11-unix/X${number}`)) number++;
  const display = `:${number}`;
  const child = spawn(
    ...tethered(XVFB, [
      display,
      '-screen',
      '0',
      `${SCREEN.width}x${SCREEN.height}x24`,
      '-nolisten',
      'tcp',
    ]),
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let said = '';
  child.stderr?.on('data', (chunk: Buffer) => (said += chunk.toString()));
  const exited = once(child, 'exit');
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
  };
  try {
    await waitUntil(
      async () => {
        if (child.exitCode !== null) throw new Error(`Xvfb exited: ${said}`);
        return existsSync(`/tmp/.X11-unix/X${number}`);
      },
      10_000,
      `Xvfb on ${display}`,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { display, stop };
}
