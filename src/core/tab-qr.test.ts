import { describe, expect, it } from 'vitest';
import { QUIET_ZONE, qrDrawing } from './tab-qr.js';

const dark = (path: string) =>
  new Set([...path.matchAll(/M(\d+) (\d+)h1v1h-1z/g)].map(([, x, y]) => `${x},${y}`));

describe('the watch link as a QR code', () => {
  const link = 'https://signal.example.org/watch#123-apple-river';

  it('draws a symbol of a valid QR size with its quiet zone', () => {
    const { size } = qrDrawing(link);
    const symbol = size - 2 * QUIET_ZONE;
    // Version v is 17 + 4v modules wide.
    expect((symbol - 17) % 4).toBe(0);
    expect(symbol).toBeGreaterThanOrEqual(21);
  });

  it('has the three finder patterns in their corners', () => {
    const { size, path } = qrDrawing(link);
    const cells = dark(path);
    const symbol = size - 2 * QUIET_ZONE;
    for (const [x, y] of [
      [0, 0],
      [symbol - 7, 0],
      [0, symbol - 7],
    ] as const) {
      // Outer ring dark, the ring inside it light, the 3×3 centre dark.
      expect(cells.has(`${x + QUIET_ZONE},${y + QUIET_ZONE}`)).toBe(true);
      expect(cells.has(`${x + 1 + QUIET_ZONE},${y + 1 + QUIET_ZONE}`)).toBe(false);
      expect(cells.has(`${x + 3 + QUIET_ZONE},${y + 3 + QUIET_ZONE}`)).toBe(true);
    }
    // Nothing is drawn in the quiet zone.
    for (const cell of cells) {
      const [x, y] = cell.split(',').map(Number) as [number, number];
      expect(x).toBeGreaterThanOrEqual(QUIET_ZONE);
      expect(y).toBeLessThan(size - QUIET_ZONE);
    }
  });

  it('is the same drawing for the same link, another for another code', () => {
    expect(qrDrawing(link)).toEqual(qrDrawing(link));
    expect(qrDrawing(link).path).not.toBe(qrDrawing(`${link}x`).path);
  });
});
