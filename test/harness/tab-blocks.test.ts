import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BLOCK_COUNT,
  blockCentre,
  clockValue,
  decodeBlocks,
  decodeLuma,
  encodeBlocks,
  latencyMs,
} from './tab-blocks.js';

describe('the clock painted as black and white blocks', () => {
  it('round-trips every 32-bit value', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (value) => {
        const blocks = encodeBlocks(value);
        expect(blocks).toHaveLength(BLOCK_COUNT);
        expect(decodeBlocks(blocks)).toBe(value);
      }),
    );
  });

  it('rejects a row with any single block flipped (caught mid-repaint, smeared)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.integer({ min: 0, max: BLOCK_COUNT - 1 }),
        (value, index) => {
          const blocks = encodeBlocks(value);
          blocks[index] = !blocks[index];
          expect(decodeBlocks(blocks)).toBeUndefined();
        },
      ),
    );
  });

  it('reads luma with a margin: mid-grey is unreadable, not a guess', () => {
    const value = clockValue(1_700_000_123_456);
    const luma: number[] = encodeBlocks(value).map((white) => (white ? 235 : 16));
    expect(decodeLuma(luma)).toBe(value);
    luma[10] = 128;
    expect(decodeLuma(luma)).toBeUndefined();
    expect(decodeLuma(luma.slice(1))).toBeUndefined();
  });

  it('measures latency across the 32-bit wrap', () => {
    const painted = clockValue(2 ** 32 - 10);
    expect(latencyMs(painted, 2 ** 32 + 40)).toBe(50);
    expect(latencyMs(clockValue(1000), 1053.5)).toBe(53.5);
  });

  it('places block centres inside the frame, left to right', () => {
    const xs = Array.from({ length: BLOCK_COUNT }, (_, i) => blockCentre(i).x);
    expect(xs[0]).toBeGreaterThan(0);
    expect(xs[BLOCK_COUNT - 1]).toBeLessThan(1);
    expect([...xs].sort((a, b) => a - b)).toEqual(xs);
  });
});
