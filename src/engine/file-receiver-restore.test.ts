import { blake3 } from 'hash-wasm';
import { describe, expect, it } from 'vitest';
import type { PeerbeamError } from '../core/errors.js';
import {
  CHECKPOINT_BYTES,
  encodeChunk,
  encodeControl,
  type TransferControl,
} from '../core/transfer-protocol.js';
import { FakeDataChannel } from '../../test/fakes/data-channel.js';
import { FakeScratch } from '../../test/fakes/scratch.js';
import { FileReceiver } from './file-receiver.js';

const TRANSFER = 'transfer-r';
const MiB = 1024 * 1024;

const bytes = (length: number, seed = 1) =>
  Uint8Array.from({ length }, (_, index) => (index * 31 + seed) & 0xff);

const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

/** Waits (bounded) until the writer holds `size` bytes of `key`. */
async function written(scratch: FakeScratch, key: string, size: number): Promise<void> {
  for (let waited = 0; scratch.files.get(key)?.size !== size; waited += 5) {
    if (waited > 5_000) throw new Error(`${key} holds ${scratch.files.get(key)?.size}`);
    await settle();
  }
}

/** A receiver in a host, on `scratch` (OPFS outlives the host: tests share one scratch). */
function host(scratch: FakeScratch) {
  const saved: { path: string; bytes: Uint8Array }[] = [];
  let ended!: (error: PeerbeamError | undefined) => void;
  const end = new Promise<PeerbeamError | undefined>((resolve) => (ended = resolve));
  const receiver = new FileReceiver(
    TRANSFER,
    async (file, path) => {
      saved.push({ path, bytes: new Uint8Array(await file.arrayBuffer()) });
    },
    () => undefined,
    (error) => ended(error),
    scratch,
  );
  const [sender, channel] = FakeDataChannel.pair();
  const control = (message: TransferControl) => sender.send(encodeControl(message));
  /** Sends `data` of file `index` from `from` to `to`, in 1 MiB chunks. */
  const chunks = (index: number, data: Uint8Array, from: number, to = data.length) => {
    for (let at = from; at < to; at += MiB) {
      sender.send(encodeChunk(index, at, data.subarray(at, Math.min(at + MiB, to))));
    }
  };
  return { receiver, saved, end, sender, channel, control, chunks };
}

describe('a receiver taken up again in a new host (the old one was stopped mid-transfer)', () => {
  it('keeps nothing before Accept; after, the offer and the files saved so far', async () => {
    const first = host(new FakeScratch());
    first.receiver.attach(first.channel);
    const small = bytes(100);
    first.control({
      t: 'manifest',
      files: [
        { path: 'small.txt', size: small.length },
        { path: 'big.bin', size: 3 * MiB },
      ],
      more: false,
    });
    await settle();
    expect(first.receiver.checkpoint()).toBeUndefined();
    first.receiver.accept();
    first.chunks(0, small, 0);
    first.control({ t: 'file-end', index: 0, blake3: await blake3(small) });
    await settle();
    expect(first.receiver.checkpoint()).toEqual({
      manifest: [
        { path: 'small.txt', size: small.length },
        { path: 'big.bin', size: 3 * MiB },
      ],
      saved: [0],
      failed: [],
    });
  });

  it('resumes the current file from its last whole checkpoint on disk, and it arrives verified', async () => {
    const scratch = new FakeScratch();
    const small = bytes(100, 3);
    const big = bytes(CHECKPOINT_BYTES + 3 * MiB + 5, 7);
    const after = bytes(50, 9);
    const manifest = [
      { path: 'small.txt', size: small.length },
      { path: 'big.bin', size: big.length },
      { path: 'after.txt', size: after.length },
    ];
    const first = host(scratch);
    first.receiver.attach(first.channel);
    first.control({ t: 'manifest', files: manifest, more: false });
    await settle();
    first.receiver.accept();
    first.chunks(0, small, 0);
    first.control({ t: 'file-end', index: 0, blake3: await blake3(small) });
    // The host stops 2 MiB past the first checkpoint of big.bin.
    first.chunks(1, big, 0, CHECKPOINT_BYTES + 2 * MiB);
    await written(scratch, `${TRANSFER}/1`, CHECKPOINT_BYTES + 2 * MiB);
    const kept = first.receiver.checkpoint()!;

    const second = host(scratch);
    second.receiver.restore(structuredClone(kept));
    expect(second.receiver.progress?.snapshot().state).toBe('reconnecting');
    second.receiver.attach(second.channel);
    await settle();
    // Only whole checkpoints count; small.txt is not asked for again.
    expect(second.channel.controls).toEqual([
      {
        t: 'want',
        from: [
          { index: 1, offset: CHECKPOINT_BYTES },
          { index: 2, offset: 0 },
        ],
      },
    ]);
    expect(second.receiver.progress?.snapshot().doneBytes).toBe(small.length + CHECKPOINT_BYTES);
    second.chunks(1, big, CHECKPOINT_BYTES);
    second.control({ t: 'file-end', index: 1, blake3: await blake3(big) });
    second.chunks(2, after, 0);
    second.control({ t: 'file-end', index: 2, blake3: await blake3(after) });

    expect(await second.end).toBeUndefined();
    expect(second.receiver.progress?.snapshot().state).toBe('complete');
    expect(second.saved.map(({ path }) => path)).toEqual(['big.bin', 'after.txt']);
    expect(await blake3(second.saved[0]!.bytes)).toBe(await blake3(big));
    expect(second.channel.controls.at(-1)).toEqual({ t: 'done' });
  });

  it('a copy damaged while the host was stopped never counts as received: INTEGRITY, nothing saved', async () => {
    const scratch = new FakeScratch();
    const big = bytes(CHECKPOINT_BYTES + MiB, 5);
    const first = host(scratch);
    first.receiver.attach(first.channel);
    first.control({ t: 'manifest', files: [{ path: 'big.bin', size: big.length }], more: false });
    await settle();
    first.receiver.accept();
    first.chunks(0, big, 0, CHECKPOINT_BYTES);
    await written(scratch, `${TRANSFER}/0`, CHECKPOINT_BYTES);
    const kept = first.receiver.checkpoint()!;
    scratch.files.get(`${TRANSFER}/0`)!.bytes[1234]! ^= 0xff;

    const second = host(scratch);
    second.receiver.restore(kept);
    second.receiver.attach(second.channel);
    await settle();
    second.chunks(0, big, CHECKPOINT_BYTES);
    second.control({ t: 'file-end', index: 0, blake3: await blake3(big) });
    expect((await second.end)?.code).toBe('INTEGRITY');
    expect(second.saved).toEqual([]);
    await settle();
    expect([...scratch.files.keys()]).toEqual([]);
  });
});
