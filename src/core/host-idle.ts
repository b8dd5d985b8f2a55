/**
 * Whether the engine's host may go (issue #14, "the host exists only when needed"): an idle
 * offscreen document still holds ~45 MiB, so it lives only while there is work. Work is a hold
 * the engine took (a session, a tab share, a file still being saved), a paired device whose
 * link must stay online to be reached, or a link queued for a device.
 */

/** What the host has to do right now. */
export interface HostWork {
  /** Reasons of the keep-alive holds still taken (Platform.keepAlive). */
  holds: readonly string[];
  /** Remembered devices: each needs its line online (or an unpair to deliver). */
  pairedDevices: number;
  /** Links waiting in the outbox for their device to come online. */
  queuedLinks: number;
}

export type HostDecision = { action: 'keep'; because: string } | { action: 'close' };

export function decideHost({ holds, pairedDevices, queuedLinks }: HostWork): HostDecision {
  if (holds.length > 0) return { action: 'keep', because: holds[0]! };
  if (pairedDevices > 0) return { action: 'keep', because: 'paired device' };
  if (queuedLinks > 0) return { action: 'keep', because: 'queued link' };
  return { action: 'close' };
}

/**
 * How long an idle host waits before it goes. Long enough that a page which just asked for
 * something (the popup's first look, the send page handing over its files) gets it before
 * the host closes, and that a person going from one step to the next does not pay a restart
 * each time; short against the minutes an idle browser runs.
 */
export const HOST_IDLE_GRACE_MS = 20_000;
