import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BlockReader, readBlocks } from './block-reader.js';

const source = new Uint8Array(randomBytes(1_000_003));

/** A byte stream (BYOB-capable) or a default stream, handing out uneven pieces of `bytes`. */
function streamOf(bytes: Uint8Array, kind: 'bytes' | 'default'): ReadableStream<Uint8Array> {
  let at = 0;
  let turn = 0;
  const next = () => {
    const size = [1, 4096, 65_536, 77_777][turn++ % 4]!;
    const piece = bytes.slice(at, at + size);
    at += piece.length;
    return piece;
  };
  if (kind === 'bytes') {
    return new ReadableStream({
      type: 'bytes',
      pull(controller) {
        const request = controller.byobRequest;
        if (at >= bytes.length) {
          controller.close();
          return request?.respond(0); // a pending read learns the stream is done
        }
        const piece = next();
        if (request?.view) {
          // Answer into the reader's own buffer, like Blink's Blob stream.
          const view = new Uint8Array(
            request.view.buffer,
            request.view.byteOffset,
            request.view.byteLength,
          );
          const fits = Math.min(piece.length, view.length);
          view.set(piece.subarray(0, fits));
          at -= piece.length - fits;
          request.respond(fits);
        } else {
          controller.enqueue(piece);
        }
      },
    });
  }
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(next());
    },
  });
}

describe.each(['bytes', 'default'] as const)('reading a %s stream in blocks', (kind) => {
  it('fills every block exactly and in order, even with reads issued ahead', async () => {
    const reader = new BlockReader(streamOf(source, kind));
    const sizes = [10, 300_000, 1, 200_000, 499_992];
    // All reads are issued at once, as the sender's read-ahead does.
    const blocks = await Promise.all(sizes.map((size) => reader.read(new Uint8Array(size))));
    expect(blocks.map((block) => block.length)).toEqual(sizes);
    expect(Buffer.concat(blocks).equals(Buffer.from(source))).toBe(true);
  });

  it('reports how many bytes were missing when the file ends early', async () => {
    const reader = new BlockReader(streamOf(source.subarray(0, 1000), kind));
    await expect(reader.read(new Uint8Array(1500))).rejects.toThrow(
      'the file ended 500 bytes early',
    );
  });
});

it('reads a Blob front to back', async () => {
  const reader = new BlockReader(new Blob([source]).stream());
  const first = await reader.read(new Uint8Array(600_000));
  const rest = await reader.read(new Uint8Array(source.length - 600_000));
  expect(Buffer.concat([first, rest]).equals(Buffer.from(source))).toBe(true);
  reader.close();
});

describe('a file is read in blocks, one ahead', () => {
  const cutEvery = (size: number) => (start: number) => Math.min(start + size, source.length);

  it('yields every block of the file from the offset, cut where asked', async () => {
    const seen: { start: number; end: number; bytes: Buffer }[] = [];
    for await (const block of readBlocks(new Blob([source]), 5, cutEvery(300_000), 300_000)) {
      // Copied: the buffer is read into again once the next block is asked for.
      seen.push({ start: block.start, end: block.end, bytes: Buffer.from(block.data) });
    }
    expect(seen.map(({ start, end }) => [start, end])).toEqual([
      [5, 300_005],
      [300_005, 600_005],
      [600_005, 900_005],
      [900_005, source.length],
    ]);
    expect(
      Buffer.concat(seen.map(({ bytes }) => bytes)).equals(Buffer.from(source.subarray(5))),
    ).toBe(true);
  });

  it('an empty file has no blocks', async () => {
    const blocks = [];
    for await (const block of readBlocks(new Blob([]), 0, cutEvery(10), 10)) blocks.push(block);
    expect(blocks).toEqual([]);
  });
});
