/**
 * A narrow path for tests: a token-bucket filter on the loopback of the e2e suite's own
 * loopback-only namespace (scripts/e2e.mjs; its files run one at a time), so traffic between
 * the browsers gets only `rate` (tc's units: '300kbit', '120mbit'). Packets queue up to
 * 200 ms, then drop: what a congested uplink does. A test widens it again before it ends.
 */
import { execFileSync } from 'node:child_process';
import { assertIsolatedNetwork } from './paths.js';

export interface NarrowPath {
  /** Widens the path again; safe to call twice. */
  widen(): void;
}

/** `burst`: how much may pass at full speed before the rate applies. */
export function narrowLoopback(rate: string, burst: string): NarrowPath {
  assertIsolatedNetwork();
  const tc = (...args: string[]) => execFileSync('tc', args, { stdio: 'pipe' });
  tc('qdisc', 'add', 'dev', 'lo', 'root', 'tbf', 'rate', rate, 'burst', burst, 'latency', '200ms');
  let narrowed = true;
  return {
    widen() {
      if (!narrowed) return;
      narrowed = false;
      tc('qdisc', 'del', 'dev', 'lo', 'root');
    },
  };
}
