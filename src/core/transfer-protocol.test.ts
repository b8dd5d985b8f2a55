import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CHECKPOINT_BYTES,
  CHUNK_HEADER_BYTES,
  chunkEnd,
  decodeChunk,
  decodeControl,
  encodeChunk,
  encodeControl,
  lastCheckpoint,
  payloadSize,
  type TransferControl,
} from './transfer-protocol.js';

describe('data frames', () => {
  it('round-trip index, offset and payload (property)', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 99_999 }),
        fc.maxSafeNat(),
        fc.uint8Array({ maxLength: 64 }),
        (index, offset, payload) => {
          const frame = encodeChunk(index, offset, payload);
          expect(frame.length).toBe(CHUNK_HEADER_BYTES + payload.length);
          const chunk = decodeChunk(frame.buffer);
          expect(chunk).toEqual({ index, offset, data: new Uint8Array(payload) });
        },
      ),
    );
  });

  it('rejects short frames, unknown kinds and offsets past 2^53', () => {
    expect(decodeChunk(new ArrayBuffer(5))).toBeUndefined();
    const frame = encodeChunk(1, 2, new Uint8Array([3]));
    frame[0] = 0x7f;
    expect(decodeChunk(frame.buffer)).toBeUndefined();
    const huge = encodeChunk(0, 0, new Uint8Array());
    new DataView(huge.buffer).setBigUint64(5, 2n ** 60n);
    expect(decodeChunk(huge.buffer)).toBeUndefined();
  });
});

describe('control frames from the peer are checked', () => {
  it('accepts known messages', () => {
    const manifest: TransferControl = {
      t: 'manifest',
      files: [{ path: 'a/b.txt', size: 3 }],
      more: false,
    };
    expect(decodeControl(encodeControl(manifest))).toEqual(manifest);
    expect(decodeControl('{"t":"want","from":[{"index":1,"offset":16777216}]}')).toEqual({
      t: 'want',
      from: [{ index: 1, offset: 16777216 }],
    });
  });

  it.each([
    ['not JSON', '{'],
    ['unknown kind', '{"t":"rm"}'],
    ['negative size', '{"t":"manifest","files":[{"path":"a","size":-1}],"more":false}'],
    ['fractional size', '{"t":"manifest","files":[{"path":"a","size":1.5}],"more":false}'],
    ['bad hash', '{"t":"file-end","index":0,"blake3":"xyz"}'],
    ['extra field', '{"t":"accept","also":"this"}'],
  ])('rejects %s', (_name, text) => {
    expect(decodeControl(text)).toBeUndefined();
  });
});

describe('chunks never cross a checkpoint', () => {
  it('ends at the payload size, the next checkpoint, or the end of the file', () => {
    const payload = payloadSize(262_144);
    expect(payload).toBe(262_144 - CHUNK_HEADER_BYTES);
    expect(chunkEnd(0, 10 * CHECKPOINT_BYTES, payload)).toBe(payload);
    expect(chunkEnd(CHECKPOINT_BYTES - 10, 10 * CHECKPOINT_BYTES, payload)).toBe(CHECKPOINT_BYTES);
    expect(chunkEnd(5, 20, payload)).toBe(20);
  });

  it('a resume starts at the last checkpoint at or before what was received', () => {
    expect(lastCheckpoint(0)).toBe(0);
    expect(lastCheckpoint(CHECKPOINT_BYTES - 1)).toBe(0);
    expect(lastCheckpoint(CHECKPOINT_BYTES)).toBe(CHECKPOINT_BYTES);
    expect(lastCheckpoint(3 * CHECKPOINT_BYTES + 7)).toBe(3 * CHECKPOINT_BYTES);
  });

  it('uses a 256 KiB cap when the peer allows more or does not say', () => {
    expect(payloadSize(0)).toBe(256 * 1024 - CHUNK_HEADER_BYTES);
    expect(payloadSize(null)).toBe(256 * 1024 - CHUNK_HEADER_BYTES);
    expect(payloadSize(1 << 30)).toBe(256 * 1024 - CHUNK_HEADER_BYTES);
    expect(payloadSize(65_536)).toBe(65_536 - CHUNK_HEADER_BYTES);
  });
});
