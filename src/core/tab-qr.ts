/**
 * The watch link as a QR code, drawn as one SVG path (no canvas, no data URL, nothing for
 * the popup's CSP to allow). The qrcode package does the encoding; this only draws it.
 */
import { create } from 'qrcode';

/** Light modules around the symbol, as the QR spec asks (ISO/IEC 18004 §6.3.8). */
export const QUIET_ZONE = 4;

export interface QrDrawing {
  /** Width and height in modules, quiet zone included. */
  size: number;
  /** An SVG path: one unit square per dark module. */
  path: string;
}

export function qrDrawing(text: string): QrDrawing {
  const { modules } = create(text, { errorCorrectionLevel: 'M' });
  let path = '';
  for (let row = 0; row < modules.size; row++) {
    for (let col = 0; col < modules.size; col++) {
      if (modules.get(row, col)) path += `M${col + QUIET_ZONE} ${row + QUIET_ZONE}h1v1h-1z`;
    }
  }
  return { size: modules.size + 2 * QUIET_ZONE, path };
}
