/**
 * How the handshake's binary messages ride in the signaling server's opaque `relay{body}`
 * field: base64url (no padding) of one kind byte followed by the payload.
 *
 *   0x01 share         32 bytes   CPace share (ristretto255 element)
 *   0x02 confirmation  32 bytes   HMAC-SHA256 key-confirmation tag
 *   0x03 sealed frame  20..48000  envelope frame (seq || ciphertext || tag)
 *
 * A body is `unknown` until decodeRelayBody accepts its kind and length.
 */
import { fromBase64Url, toBase64Url } from './bytes.js';
import { MIN_FRAME_BYTES } from './envelope.js';
import { CONFIRMATION_BYTES, SHARE_BYTES } from './pake.js';
import { PairingError } from './pairing-error.js';

export const RelayKind = { Share: 0x01, Confirm: 0x02, Sealed: 0x03 } as const;
export type RelayKind = (typeof RelayKind)[keyof typeof RelayKind];

/** Keeps a sealed body (base64url, inside JSON) under the server's default 64 KiB frame cap. */
export const MAX_SEALED_FRAME_BYTES = 48_000;

const PAYLOAD_BYTES: Record<RelayKind, { min: number; max: number }> = {
  [RelayKind.Share]: { min: SHARE_BYTES, max: SHARE_BYTES },
  [RelayKind.Confirm]: { min: CONFIRMATION_BYTES, max: CONFIRMATION_BYTES },
  [RelayKind.Sealed]: { min: MIN_FRAME_BYTES, max: MAX_SEALED_FRAME_BYTES },
};
const MAX_BODY_CHARS = Math.ceil(((1 + MAX_SEALED_FRAME_BYTES) * 4) / 3);

export type RelayBodyErrorCode = 'BAD_BASE64' | 'UNKNOWN_KIND' | 'BAD_LENGTH';

export type DecodedRelayBody =
  | { ok: true; kind: RelayKind; bytes: Uint8Array }
  | { ok: false; error: { code: RelayBodyErrorCode; message: string } };

const isRelayKind = (value: number): value is RelayKind => value in PAYLOAD_BYTES;

export function encodeRelayBody(kind: RelayKind, bytes: Uint8Array): string {
  const size = PAYLOAD_BYTES[kind];
  if (!size || bytes.length < size.min || bytes.length > size.max) {
    throw new PairingError('INVALID_INPUT', `cannot send ${bytes.length} bytes as kind ${kind}`);
  }
  const body = new Uint8Array(1 + bytes.length);
  body[0] = kind;
  body.set(bytes, 1);
  return toBase64Url(body);
}

export function decodeRelayBody(body: string): DecodedRelayBody {
  if (typeof body !== 'string' || body.length > MAX_BODY_CHARS) {
    return fail('BAD_LENGTH', 'relay body too large');
  }
  const raw = fromBase64Url(body);
  if (!raw) return fail('BAD_BASE64', 'relay body is not canonical base64url');
  const kind = raw[0];
  if (kind === undefined) return fail('BAD_LENGTH', 'relay body is empty');
  if (!isRelayKind(kind)) return fail('UNKNOWN_KIND', `unknown relay kind ${kind}`);
  const bytes = raw.subarray(1);
  const { min, max } = PAYLOAD_BYTES[kind];
  if (bytes.length < min || bytes.length > max) {
    return fail('BAD_LENGTH', `kind ${kind} carries ${min}..${max} bytes, not ${bytes.length}`);
  }
  return { ok: true, kind, bytes };
}

const fail = (code: RelayBodyErrorCode, message: string): DecodedRelayBody => ({
  ok: false,
  error: { code, message },
});
