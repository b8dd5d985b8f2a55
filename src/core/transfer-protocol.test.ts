import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MAX_FILES,
  MAX_OFFER_PATH_CHARS,
  OfferBudget,
  CHECKPOINT_BYTES,
  CHUNK_HEADER_BYTES,
  chunkEnd,
  decodeChunk,
  decodeControl,
  blockEnd,
  encodeChunk,
  encodeControl,
  lastCheckpoint,
  payloadSize,
  writeChunk,
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

  it('a reused frame buffer yields the same frames as fresh ones', () => {
    const frame = new Uint8Array(CHUNK_HEADER_BYTES + 8);
    const long = writeChunk(frame, 3, 1_000, new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]));
    expect(long).toEqual(encodeChunk(3, 1_000, new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8])));
    // A shorter payload after a longer one: the view ends with it, no stale bytes.
    const short = writeChunk(frame, 3, 1_008, new Uint8Array([9]));
    expect(short).toEqual(encodeChunk(3, 1_008, new Uint8Array([9])));
    expect(decodeChunk(short.slice().buffer)?.data).toEqual(new Uint8Array([9]));
    expect(() => writeChunk(new Uint8Array(4), 0, 0, new Uint8Array(1))).toThrow(RangeError);
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

  it('disk reads end at the block size, the next checkpoint, or the end of the file', () => {
    const payload = payloadSize(262_144);
    expect(blockEnd(0, 10 * CHECKPOINT_BYTES, payload, 8)).toBe(8 * payload);
    expect(blockEnd(CHECKPOINT_BYTES - payload, 10 * CHECKPOINT_BYTES, payload, 8)).toBe(
      CHECKPOINT_BYTES,
    );
    expect(blockEnd(payload, payload + 5, payload, 8)).toBe(payload + 5);
  });

  it('every block splits into whole chunks (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 * CHECKPOINT_BYTES }),
        fc.integer({ min: 1_000, max: 300_000 }),
        fc.integer({ min: 1, max: 16 }),
        (size, payload, chunks) => {
          let offset = 0;
          for (let blocks = 0; offset < size && blocks < 20; blocks++) {
            const end = blockEnd(offset, size, payload, chunks);
            let position = offset;
            while (position < end) position = chunkEnd(position, size, payload);
            expect(position).toBe(end);
            offset = end;
          }
        },
      ),
      { numRuns: 200 },
    );
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

describe('an absurd offer is refused before any work', () => {
  const page = (count: number, path = 'a.txt', size = 1) =>
    Array.from({ length: count }, () => ({ path, size }));

  it('takes a folder of the largest allowed count', () => {
    const budget = new OfferBudget();
    for (let sent = 0; sent < MAX_FILES; sent += 500) expect(budget.add(page(500))).toBeUndefined();
  });

  it('refuses one file past the count limit', () => {
    const budget = new OfferBudget();
    expect(budget.add(page(MAX_FILES))).toBeUndefined();
    expect(budget.add(page(1))).toBe(`more than ${MAX_FILES} files`);
  });

  it('refuses names that add up past the limit, page by page', () => {
    const budget = new OfferBudget();
    const longPath = 'x'.repeat(4096);
    const pages = Math.ceil(MAX_OFFER_PATH_CHARS / (4096 * 500));
    const verdicts = Array.from({ length: pages + 1 }, () => budget.add(page(500, longPath)));
    expect(verdicts.slice(0, pages - 1).every((verdict) => verdict === undefined)).toBe(true);
    expect(verdicts.at(-1)).toMatch(/characters of file names/);
  });

  it('refuses a total size no file system holds', () => {
    const budget = new OfferBudget();
    expect(budget.add(page(2, 'big.bin', Number.MAX_SAFE_INTEGER))).toBe('more than 8 PiB');
  });
});
