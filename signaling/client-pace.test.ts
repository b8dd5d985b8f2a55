/**
 * The clients' pace (src/core/frame-pacer.ts) against this server's default frame limits: an
 * honest client, however much it has to say, is never closed for sending too fast.
 */
import { describe, expect, it } from 'vitest';
import { CLIENT_FRAME_PACE, FramePacer } from '../src/core/frame-pacer.js';
import { manualTimers } from '../test/fakes/manual-timers.js';
import { loadConfig } from './config.js';
import { TokenBucket } from './rate-limit.js';

describe("the clients' pace fits the server's frame limit", () => {
  it.each([10, 100, 1_000])(
    'a burst of %i frames from a client never trips the default FRAME_BURST',
    (frames) => {
      const { frameBurst, frameRate } = loadConfig({});
      const { timers, fireNext, at } = manualTimers(1_000_000);
      const server = new TokenBucket(frameBurst, frameRate, at);
      let refused = 0;
      let delivered = 0;
      const pacer = new FramePacer<number>(
        () => {
          delivered++;
          if (!server.take()) refused++;
        },
        CLIENT_FRAME_PACE,
        timers,
      );
      for (let i = 0; i < frames; i++) pacer.push(i);
      for (let steps = 0; steps < frames * 2 && fireNext(); steps++);
      expect(delivered).toBe(frames);
      expect(refused).toBe(0);
    },
  );
});
