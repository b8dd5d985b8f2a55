import { blake3 } from 'hash-wasm';
import { describe, expect, it } from 'vitest';
import type { PeerbeamError } from '../core/errors.js';
import { CHECKPOINT_BYTES, encodeChunk, encodeControl } from '../core/transfer-protocol.js';
import { FileReceiver } from '../engine/file-receiver.js';
import type { WriterReply, WriterRequest } from '../engine/opfs-messages.js';
import type { WriterPort } from '../engine/opfs-scratch.js';
import { FakeDataChannel } from '../../test/fakes/data-channel.js';
import { MemoryScratch, memoryLimit } from './memory-scratch.js';

const MiB = 1024 * 1024;
const TRANSFER = 'transfer-1';

/** A writer whose every request is answered in turn; `ask` waits for the answer. */
function writer(scratch: MemoryScratch) {
  const port: WriterPort = scratch.createWriter();
  const replies: WriterReply[] = [];
  let waiting: ((reply: WriterReply) => void)[] = [];
  port.onmessage = (event) => {
    replies.push(event.data);
    waiting.shift()?.(event.data);
  };
  const ask = (request: WriterRequest): Promise<WriterReply> =>
    new Promise((resolve) => {
      waiting = [...waiting, resolve];
      port.postMessage(request);
    });
  /** Writes `bytes` at `offset` of file `index` as a chunk frame would carry it (a header first). */
  const write = (index: number, offset: number, bytes: Uint8Array) => {
    const frame = new Uint8Array(13 + bytes.length);
    frame.set(bytes, 13);
    return ask({ op: 'write', index, offset, buffer: frame.buffer, byteOffset: 13 });
  };
  return { ask, write, replies };
}

function bytesOf(size: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + seed) & 0xff;
  return bytes;
}

/** Whether `file` holds exactly `bytes` (compared whole: deep equality of MiBs is too slow). */
const holds = async (file: File, bytes: Uint8Array) =>
  Buffer.from(await file.arrayBuffer()).equals(
    Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length),
  );

describe('MemoryScratch: received files in memory where a browser cannot stage them on disk', () => {
  it('keeps a file whole and gives the BLAKE3 digest of exactly its bytes', async () => {
    const scratch = new MemoryScratch(8 * MiB);
    const { ask, write } = writer(scratch);
    const first = bytesOf(100_000, 1);
    const second = bytesOf(12_345, 2);
    await ask({ op: 'open', transferId: TRANSFER, index: 0 });
    await write(0, 0, first);
    expect(await write(0, first.length, second)).toEqual({
      op: 'written',
      index: 0,
      offset: first.length + second.length,
    });
    const whole = new Uint8Array([...first, ...second]);
    expect(await ask({ op: 'finish', index: 0 })).toEqual({
      op: 'finished',
      index: 0,
      digest: await blake3(whole),
      size: whole.length,
    });
    expect(await holds(await scratch.file(TRANSFER, 0), whole)).toBe(true);
  });

  it('refuses a chunk out of place: an error, nothing kept for it', async () => {
    const scratch = new MemoryScratch(8 * MiB);
    const { ask, write } = writer(scratch);
    await ask({ op: 'open', transferId: TRANSFER, index: 0 });
    const reply = await write(0, 10, bytesOf(10, 0));
    expect(reply).toMatchObject({ op: 'error', index: 0 });
    expect(scratch.room()).toBe(8 * MiB);
  });

  it('never holds more than its limit: a write past it is an error; the room is what is left', async () => {
    const scratch = new MemoryScratch(MiB);
    const { ask, write } = writer(scratch);
    await ask({ op: 'open', transferId: TRANSFER, index: 0 });
    await write(0, 0, bytesOf(MiB - 10, 3));
    expect(scratch.room()).toBe(10);
    const over = await write(0, MiB - 10, bytesOf(11, 4));
    expect(over).toMatchObject({ op: 'error', index: 0 });
    expect(over.op === 'error' && over.message).toContain('1.0\u00a0MB');
    expect(scratch.room()).toBe(10);
  });

  it('rolls back to the last checkpoint, and the digest after resuming is the whole file’s', async () => {
    const scratch = new MemoryScratch(64 * MiB);
    const { ask, write } = writer(scratch);
    const whole = bytesOf(CHECKPOINT_BYTES + 3 * MiB, 5);
    await ask({ op: 'open', transferId: TRANSFER, index: 0 });
    // Chunks of 1 MiB: the 16th lands on the checkpoint.
    for (let offset = 0; offset < CHECKPOINT_BYTES + 2 * MiB; offset += MiB) {
      await write(0, offset, whole.subarray(offset, offset + MiB));
    }
    expect(await ask({ op: 'rollback', index: 0 })).toEqual({
      op: 'rolled-back',
      index: 0,
      offset: CHECKPOINT_BYTES,
    });
    expect(scratch.room()).toBe(64 * MiB - CHECKPOINT_BYTES);
    for (let offset = CHECKPOINT_BYTES; offset < whole.length; offset += MiB) {
      await write(0, offset, whole.subarray(offset, offset + MiB));
    }
    const finished = await ask({ op: 'finish', index: 0 });
    expect(finished).toMatchObject({ digest: await blake3(whole), size: whole.length });
    expect(await holds(await scratch.file(TRANSFER, 0), whole)).toBe(true);
  });

  it('cannot reopen what another host left: memory goes with its page', async () => {
    const { ask } = writer(new MemoryScratch(MiB));
    expect(await ask({ op: 'reopen', transferId: TRANSFER, index: 0 })).toMatchObject({
      op: 'error',
      index: 0,
    });
  });

  it('releases: a discard drops what the host never got; a removed file gives its room back', async () => {
    const scratch = new MemoryScratch(MiB);
    const { ask, write } = writer(scratch);
    for (const [index, size] of [
      [0, 1000],
      [1, 2000],
      [2, 4000],
    ] as const) {
      await ask({ op: 'open', transferId: TRANSFER, index });
      await write(index, 0, bytesOf(size, index));
      if (index < 2) await ask({ op: 'finish', index });
    }
    // File 0 went to the host (its download may still read it); 1 failed its check; 2 is partial.
    const handed = await scratch.file(TRANSFER, 0);
    expect(scratch.room()).toBe(MiB - 7000);

    expect(await ask({ op: 'discard', transferId: TRANSFER })).toEqual({
      op: 'discarded',
      transferId: TRANSFER,
    });
    expect(scratch.room()).toBe(MiB - 1000);
    await expect(scratch.file(TRANSFER, 1)).rejects.toThrow();
    expect(handed.size).toBe(1000);

    await scratch.remove(TRANSFER, 0);
    expect(scratch.room()).toBe(MiB);
    await expect(scratch.file(TRANSFER, 0)).rejects.toThrow();
    // Released twice: nothing is given back twice.
    await scratch.remove(TRANSFER, 0);
    expect(scratch.room()).toBe(MiB);
  });

  it('a phone gets a smaller limit than a desktop', () => {
    expect(memoryLimit(false)).toBe(250_000_000);
    expect(memoryLimit(true)).toBe(125_000_000);
  });

  it('behind the engine’s receiver: a file is saved only once its BLAKE3 matches, a damaged one never', async () => {
    const scratch = new MemoryScratch(MiB);
    const good = bytesOf(5000, 8);
    const damaged = good.slice();
    damaged[99]! ^= 0xff;
    const saved: string[] = [];
    let ended!: (error: PeerbeamError | undefined) => void;
    const end = new Promise<PeerbeamError | undefined>((resolve) => (ended = resolve));
    const receiver = new FileReceiver(
      TRANSFER,
      async (file, path) => {
        expect(await holds(file, good)).toBe(true);
        saved.push(path);
      },
      () => undefined,
      (error) => ended(error),
      scratch,
      async () => scratch.room(),
    );
    const [sender, channel] = FakeDataChannel.pair();
    receiver.attach(channel);
    const files = [
      { path: 'good.bin', size: good.length },
      { path: 'bad.bin', size: good.length },
    ];
    sender.send(encodeControl({ t: 'manifest', files, more: false }));
    await settle();
    receiver.accept();
    await settle();
    sender.send(encodeChunk(0, 0, good));
    sender.send(encodeControl({ t: 'file-end', index: 0, blake3: await blake3(good) }));
    sender.send(encodeChunk(1, 0, damaged));
    sender.send(encodeControl({ t: 'file-end', index: 1, blake3: await blake3(good) }));
    expect((await end)?.code).toBe('INTEGRITY');
    expect(saved).toEqual(['good.bin']);
    await settle();
    // The damaged copy is gone; the saved one stays until the download lets it go.
    expect(scratch.room()).toBe(MiB - good.length);
  });
});

const settle = () => new Promise((resolve) => setTimeout(resolve, 5));
