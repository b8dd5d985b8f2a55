import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toBase64Url } from './bytes.js';
import { MIN_FRAME_BYTES } from './envelope.js';
import {
  decodeRelayBody,
  encodeRelayBody,
  MAX_SEALED_FRAME_BYTES,
  RelayKind,
  type RelayBodyErrorCode,
} from './handshake-wire.js';
import { PairingError } from './pairing-error.js';
import { decodeClientFrame, encodeFrame } from './protocol.js';

const bodyOf = (kind: number, length: number): string =>
  toBase64Url(Uint8Array.from([kind, ...new Uint8Array(length).fill(0xab)]));

const errorCode = (body: string): RelayBodyErrorCode | undefined => {
  const decoded = decodeRelayBody(body);
  return decoded.ok ? undefined : decoded.error.code;
};

describe('relay bodies round-trip', () => {
  it('carries shares, confirmations and sealed frames as base64url the server accepts', () => {
    const cases: [RelayKind, fc.Arbitrary<Uint8Array>][] = [
      [RelayKind.Share, fc.uint8Array({ minLength: 32, maxLength: 32 })],
      [RelayKind.Confirm, fc.uint8Array({ minLength: 32, maxLength: 32 })],
      [RelayKind.Sealed, fc.uint8Array({ minLength: MIN_FRAME_BYTES, maxLength: 2000 })],
    ];
    for (const [kind, payload] of cases) {
      fc.assert(
        fc.property(payload, (bytes) => {
          const body = encodeRelayBody(kind, bytes);
          expect(decodeClientFrame(encodeFrame({ type: 'relay', body })).ok).toBe(true);
          expect(decodeRelayBody(body)).toEqual({ ok: true, kind, bytes });
        }),
        { numRuns: 50 },
      );
    }
  });

  it('puts the kind in the first byte', () => {
    expect(encodeRelayBody(RelayKind.Share, new Uint8Array(32))).toMatch(/^AQ/);
    expect(encodeRelayBody(RelayKind.Confirm, new Uint8Array(32))).toMatch(/^Ag/);
    expect(encodeRelayBody(RelayKind.Sealed, new Uint8Array(20))).toMatch(/^Aw/);
  });
});

describe('bad relay bodies are rejected with a clear code', () => {
  it.each([
    ['padding', `${bodyOf(1, 32)}=`, 'BAD_BASE64'],
    ['the standard alphabet', '+/+/', 'BAD_BASE64'],
    ['an impossible length', 'AQAAA', 'BAD_BASE64'],
    ['nothing', '', 'BAD_LENGTH'],
    ['kind 0', bodyOf(0, 32), 'UNKNOWN_KIND'],
    ['kind 4', bodyOf(4, 32), 'UNKNOWN_KIND'],
    ['kind 255', bodyOf(255, 32), 'UNKNOWN_KIND'],
    ['a short share', bodyOf(1, 31), 'BAD_LENGTH'],
    ['a long share', bodyOf(1, 33), 'BAD_LENGTH'],
    ['a short confirmation', bodyOf(2, 16), 'BAD_LENGTH'],
    ['a kind byte alone', bodyOf(3, 0), 'BAD_LENGTH'],
    ['a sealed frame shorter than its tag', bodyOf(3, MIN_FRAME_BYTES - 1), 'BAD_LENGTH'],
    ['a sealed frame over the cap', bodyOf(3, MAX_SEALED_FRAME_BYTES + 1), 'BAD_LENGTH'],
    ['a huge body', 'A'.repeat(200_000), 'BAD_LENGTH'],
  ])('%s', (_name, body, code) => {
    expect(errorCode(body)).toBe(code);
  });

  it('refuses to encode a payload of the wrong size', () => {
    expect(() => encodeRelayBody(RelayKind.Share, new Uint8Array(31))).toThrow(PairingError);
    expect(() =>
      encodeRelayBody(RelayKind.Sealed, new Uint8Array(MAX_SEALED_FRAME_BYTES + 1)),
    ).toThrow(PairingError);
  });
});
