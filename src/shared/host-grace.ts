import { HOST_IDLE_GRACE_MS } from '../core/host-idle.js';

/** The test build shortens the grace (scripts/build.mjs), so the e2e suite need not wait. */
declare const __PEERBEAM_TEST_HOST_IDLE_GRACE_MS__: number | undefined;

/** How long an extension host with no work waits before it lets itself go. */
export const hostIdleGraceMs =
  typeof __PEERBEAM_TEST_HOST_IDLE_GRACE_MS__ === 'number'
    ? __PEERBEAM_TEST_HOST_IDLE_GRACE_MS__
    : HOST_IDLE_GRACE_MS;
