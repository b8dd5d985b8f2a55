/**
 * The clock as a row of black and white blocks, for measuring glass-to-glass latency of a
 * tab share (bench/tab.bench.ts) and for checking that a viewer shows what the shared tab
 * painted (test/tab-share.e2e.ts). The shared page paints the time it paints at; the viewer
 * decodes received frames and subtracts its own clock (both browsers share the machine's).
 * Not part of the extension: only the bench and the tests bundle it.
 *
 * Row layout, left to right, equal widths across the whole frame:
 *   white, black (start marker) · 32 bits of the value, most significant first ·
 *   8 bits CRC-8 of the value's 4 bytes · black, white (end marker)
 * The markers and the CRC reject frames caught mid-repaint or smeared by the encoder.
 */

export const VALUE_BITS = 32;
const CHECK_BITS = 8;
export const BLOCK_COUNT = 2 + VALUE_BITS + CHECK_BITS + 2;

/** Where the row sits, as fractions of the frame (the viewer's frame may be scaled). */
export const BLOCK_ROW = { top: 0.3, height: 0.14 } as const;

/** Luma at or below is black, at or above is white; between is unreadable. */
const BLACK_MAX = 96;
const WHITE_MIN = 160;

/** A millisecond clock reading as the 32-bit value painted (wraps every ~49.7 days). */
export const clockValue = (nowMs: number): number => Math.floor(nowMs) >>> 0;

/** How long ago `painted` was, by the clock reading `nowMs` (wrap-around safe). */
export function latencyMs(painted: number, nowMs: number): number {
  return ((clockValue(nowMs) - painted) | 0) + (nowMs - Math.floor(nowMs));
}

function crc8(value: number): number {
  let crc = 0;
  for (let shift = 24; shift >= 0; shift -= 8) {
    crc ^= (value >>> shift) & 0xff;
    for (let bit = 0; bit < 8; bit++) {
      crc = crc & 0x80 ? ((crc << 1) ^ 0x07) & 0xff : (crc << 1) & 0xff;
    }
  }
  return crc;
}

/** The blocks for `value`, true = white. */
export function encodeBlocks(value: number): boolean[] {
  const bits: boolean[] = [true, false];
  for (let i = VALUE_BITS - 1; i >= 0; i--) bits.push(((value >>> i) & 1) === 1);
  const check = crc8(value >>> 0);
  for (let i = CHECK_BITS - 1; i >= 0; i--) bits.push(((check >>> i) & 1) === 1);
  bits.push(false, true);
  return bits;
}

/** The value a row of blocks carries, or undefined if the markers or the CRC do not hold. */
export function decodeBlocks(bits: readonly boolean[]): number | undefined {
  if (bits.length !== BLOCK_COUNT) return undefined;
  if (!bits[0] || bits[1] || bits[BLOCK_COUNT - 2] || !bits[BLOCK_COUNT - 1]) return undefined;
  let value = 0;
  for (let i = 0; i < VALUE_BITS; i++) value = ((value << 1) | (bits[2 + i] ? 1 : 0)) >>> 0;
  let check = 0;
  for (let i = 0; i < CHECK_BITS; i++) check = (check << 1) | (bits[2 + VALUE_BITS + i] ? 1 : 0);
  return check === crc8(value) ? value : undefined;
}

/** Decodes luma samples (0–255) taken at the centre of each block. */
export function decodeLuma(luma: readonly number[]): number | undefined {
  const bits: boolean[] = [];
  for (const sample of luma) {
    if (sample <= BLACK_MAX) bits.push(false);
    else if (sample >= WHITE_MIN) bits.push(true);
    else return undefined;
  }
  return decodeBlocks(bits);
}

/** The centre of block `index`, as fractions of the frame's width and height. */
export function blockCentre(index: number): { x: number; y: number } {
  return { x: (index + 0.5) / BLOCK_COUNT, y: BLOCK_ROW.top + BLOCK_ROW.height / 2 };
}

/** Rec. 601 luma of an RGB pixel. */
export const luma = (r: number, g: number, b: number): number => 0.299 * r + 0.587 * g + 0.114 * b;
