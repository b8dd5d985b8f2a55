import { describe, expect, it } from 'vitest';
import {
  backoffMs,
  nextRecoveryStep,
  type RecoveryContext,
  type RecoveryDecision,
} from './recovery-policy.js';

const at = (context: Partial<RecoveryContext>): RecoveryContext => ({
  failure: 'ice-failed',
  role: 'A',
  attempt: 0,
  tried: [],
  elapsedMs: 0,
  ...context,
});

describe('recovery policy: which failure → which step', () => {
  const table: [string, Partial<RecoveryContext>, RecoveryDecision][] = [
    [
      'lost signaling → a new mailbox and PAKE, bounded by what is left of two minutes',
      { failure: 'signaling-lost', elapsedMs: 30_000 },
      { step: 'new-pake', timeoutMs: 90_000 },
    ],
    [
      'side B also rebuilds lost signaling itself',
      { failure: 'signaling-lost', role: 'B' },
      { step: 'new-pake', timeoutMs: 120_000 },
    ],
    [
      'ICE failed with the data channel standing → side A restarts ICE, waits 8 s',
      { failure: 'ice-failed' },
      { step: 'ice-restart', timeoutMs: 8_000 },
    ],
    [
      'after a new PAKE, a failed ICE is restarted in the same attempt',
      { failure: 'ice-failed', tried: ['new-pake'] },
      { step: 'ice-restart', timeoutMs: 8_000 },
    ],
    [
      'the ICE restart did not bring it back → a new connection',
      { failure: 'ice-failed', tried: ['ice-restart'] },
      { step: 'new-connection', timeoutMs: Number.POSITIVE_INFINITY },
    ],
    [
      'the data channel closed → a new connection straight away, no ICE restart',
      { failure: 'connection-lost' },
      { step: 'new-connection', timeoutMs: Number.POSITIVE_INFINITY },
    ],
    [
      'signaling dropped during the attempt → a new PAKE before anything else',
      { failure: 'signaling-lost', tried: ['ice-restart'] },
      { step: 'new-pake', timeoutMs: 120_000 },
    ],
    [
      'side B never drives: a failed ICE → wait 16 s for side A',
      { failure: 'ice-failed', role: 'B' },
      { step: 'wait-for-peer', timeoutMs: 16_000 },
    ],
    [
      'side B never drives: a closed channel → wait for side A',
      { failure: 'connection-lost', role: 'B', tried: ['new-pake'] },
      { step: 'wait-for-peer', timeoutMs: 16_000 },
    ],
  ];
  it.each(table)('%s', (_, context, decision) => {
    expect(nextRecoveryStep(at(context))).toEqual(decision);
  });
});

describe('recovery policy: when an attempt is spent, and when to give up', () => {
  const table: [string, Partial<RecoveryContext>, RecoveryDecision][] = [
    [
      'a new connection that did not come up spends the first attempt: wait 500 ms',
      { failure: 'connection-lost', tried: ['ice-restart', 'new-connection'] },
      { retry: true, delayMs: 500 },
    ],
    [
      'a step that threw spends the attempt, whatever is left of the ladder',
      { failure: 'ice-failed', tried: ['ice-restart'], lastStepThrew: true, attempt: 1 },
      { retry: true, delayMs: 1_000 },
    ],
    [
      'a new PAKE that failed spends the attempt',
      { failure: 'signaling-lost', tried: ['new-pake'], attempt: 2 },
      { retry: true, delayMs: 2_000 },
    ],
    [
      'side B waited in vain: the attempt is spent',
      { failure: 'connection-lost', role: 'B', tried: ['wait-for-peer'], attempt: 3 },
      { retry: true, delayMs: 4_000 },
    ],
    [
      'the wait between attempts stops growing at 5 s',
      { failure: 'connection-lost', tried: ['new-connection'], attempt: 9, elapsedMs: 60_000 },
      { retry: true, delayMs: 5_000 },
    ],
    [
      'gives up when the next attempt would start past two minutes',
      { failure: 'connection-lost', tried: ['new-connection'], attempt: 9, elapsedMs: 115_000 },
      { giveUp: 'deadline' },
    ],
    [
      'side B gives up at the same deadline',
      {
        failure: 'ice-failed',
        role: 'B',
        tried: ['wait-for-peer'],
        attempt: 6,
        elapsedMs: 119_000,
      },
      { giveUp: 'deadline' },
    ],
    [
      'one more attempt just inside the deadline',
      { failure: 'connection-lost', tried: ['new-connection'], attempt: 9, elapsedMs: 114_999 },
      { retry: true, delayMs: 5_000 },
    ],
  ];
  it.each(table)('%s', (_, context, decision) => {
    expect(nextRecoveryStep(at(context))).toEqual(decision);
  });

  it('waits 500 ms after the first spent attempt, doubling up to 5 s', () => {
    expect([1, 2, 3, 4, 5, 6, 20].map(backoffMs)).toEqual([
      500, 1_000, 2_000, 4_000, 5_000, 5_000, 5_000,
    ]);
  });
});
