/**
 * Drives a recovery: looks at what is broken, asks the policy (recovery-policy.ts) what to do,
 * does it through the session, and repeats until the connection is back, the session is over,
 * or the policy gives up. It holds no timings of its own.
 */
import {
  nextRecoveryStep,
  type RecoveryContext,
  type RecoveryDecision,
  type RecoveryFailure,
  type RecoveryStep,
} from './recovery-policy.js';

/** What the driver needs of a session. */
export interface RecoveryHost {
  readonly role: 'A' | 'B';
  /** The session closed or failed meanwhile: stop without a verdict. */
  isOver(): boolean;
  /** What is broken now; undefined once the connection is healthy and signaling stands. */
  diagnose(): RecoveryFailure | undefined;
  /** The connection carries data again (signaling may still be down). */
  healthy(): boolean;
  /** Takes one step, bounded by `timeoutMs`; throws while signaling or the network is down. */
  take(step: RecoveryStep, timeoutMs: number): Promise<void>;
}

export interface RecoveryClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: RecoveryClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export type RecoveryOutcome = 'recovered' | 'over' | 'gave-up';

export async function driveRecovery(
  host: RecoveryHost,
  clock: RecoveryClock = realClock,
  policy: (context: RecoveryContext) => RecoveryDecision = nextRecoveryStep,
): Promise<RecoveryOutcome> {
  const started = clock.now();
  let attempt = 0;
  let tried: RecoveryStep[] = [];
  let lastStepThrew = false;
  for (;;) {
    if (host.isOver()) return 'over';
    const failure = host.diagnose();
    if (!failure) return 'recovered';
    const decision = policy({
      failure,
      role: host.role,
      attempt,
      tried,
      lastStepThrew,
      elapsedMs: clock.now() - started,
    });
    if ('giveUp' in decision) return host.healthy() ? 'recovered' : 'gave-up';
    if ('retry' in decision) {
      await clock.sleep(decision.delayMs);
      attempt++;
      tried = [];
      lastStepThrew = false;
      continue;
    }
    tried.push(decision.step);
    try {
      await host.take(decision.step, decision.timeoutMs);
      lastStepThrew = false;
    } catch {
      lastStepThrew = true;
    }
  }
}
