/**
 * Device names are shown to the other side ("Link from …", "Remember …", viewer lists), so a
 * name is cleaned the same way whether it is our own or arrives from a peer: a sender must not
 * be able to disguise itself with bidi overrides ("\u202Eecila" shows as "alice"), invisible
 * characters or line breaks.
 */

// Control characters are exactly what this strips.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
/** Bidi marks, embeddings, overrides and isolates. */
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
/** Invisible characters that would make two different names look the same (ZWJ stays: emoji). */
const INVISIBLE = /[\u00ad\u180e\u200b\u200c\u2060-\u2064\ufeff]/g;
const SPACES = /\s+/g;

/** The name as peers see it: NFC, no control, bidi or invisible characters, single spaces. */
export function cleanDeviceName(raw: string): string {
  return raw
    .normalize('NFC')
    .replace(CONTROL, ' ')
    .replace(BIDI, '')
    .replace(INVISIBLE, '')
    .replace(SPACES, ' ')
    .trim();
}
