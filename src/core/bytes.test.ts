import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  equalBytes,
  fromBase64Url,
  fromUtf8,
  readU32be,
  toBase64Url,
  u32be,
  utf8,
} from './bytes.js';

describe('base64url is strict and round-trips', () => {
  it('round-trips any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        const text = toBase64Url(bytes);
        expect(text).toMatch(/^[A-Za-z0-9_-]*$/);
        expect(fromBase64Url(text)).toEqual(bytes);
      }),
    );
  });

  it('matches RFC 4648 test vectors (url alphabet, no padding)', () => {
    const vectors: [string, string][] = [
      ['', ''],
      ['f', 'Zg'],
      ['fo', 'Zm8'],
      ['foo', 'Zm9v'],
      ['foob', 'Zm9vYg'],
      ['fooba', 'Zm9vYmE'],
      ['foobar', 'Zm9vYmFy'],
    ];
    for (const [plain, encoded] of vectors) {
      expect(toBase64Url(utf8(plain))).toBe(encoded);
      expect(fromUtf8(fromBase64Url(encoded) ?? new Uint8Array())).toBe(plain);
    }
    expect(toBase64Url(Uint8Array.of(0xfb, 0xff))).toBe('-_8');
  });

  it.each([
    ['padding', 'Zg=='],
    ['the standard alphabet', '+/8'],
    ['whitespace', 'Zm9 v'],
    ['an impossible length', 'Zm9vY'],
    ['non-zero trailing bits', 'Zh'],
    ['non-zero trailing bits after two bytes', 'Zm9'],
  ])('rejects %s', (_name, text) => {
    expect(fromBase64Url(text)).toBeUndefined();
  });
});

describe('byte helpers', () => {
  it('compares bytes by content and length', () => {
    expect(equalBytes(Uint8Array.of(1, 2), Uint8Array.of(1, 2))).toBe(true);
    expect(equalBytes(Uint8Array.of(1, 2), Uint8Array.of(1, 3))).toBe(false);
    expect(equalBytes(Uint8Array.of(1, 2), Uint8Array.of(1, 2, 0))).toBe(false);
  });

  it('refuses malformed UTF-8 instead of guessing', () => {
    expect(() => fromUtf8(Uint8Array.of(0xc3, 0x28))).toThrow(TypeError);
  });

  it('writes and reads u32 big-endian, rejecting what does not fit', () => {
    expect(u32be(0x01020304)).toEqual(Uint8Array.of(1, 2, 3, 4));
    expect(readU32be(Uint8Array.of(9, 0xff, 0xff, 0xff, 0xfe), 1)).toBe(0xfffffffe);
    expect(() => u32be(2 ** 32)).toThrow(RangeError);
    expect(() => u32be(-1)).toThrow(RangeError);
  });
});
