/**
 * A narrow path for tab-share pressure tests: a token-bucket filter on the loopback of the e2e
 * suite's own loopback-only namespace (scripts/e2e.mjs; its files run one at a time), so the
 * media between the two browsers gets only `kbit` kbit/s. A test widens it again before it ends.
 */
import { execFileSync } from 'node:child_process';
import { assertIsolatedNetwork } from './paths.js';

export interface NarrowPath {
  /** Widens the path again; safe to call twice. */
  widen(): void;
}

export function narrowLoopback(kbit: number): NarrowPath {
  assertIsolatedNetwork();
  const tc = (...args: string[]) => execFileSync('tc', args, { stdio: 'pipe' });
  // Queue up to 200 ms, then drop: what a congested uplink does.
  tc(
    'qdisc',
    'add',
    'dev',
    'lo',
    'root',
    'tbf',
    'rate',
    `${kbit}kbit`,
    'burst',
    '16kb',
    'latency',
    '200ms',
  );
  let narrowed = true;
  return {
    widen() {
      if (!narrowed) return;
      narrowed = false;
      tc('qdisc', 'del', 'dev', 'lo', 'root');
    },
  };
}
