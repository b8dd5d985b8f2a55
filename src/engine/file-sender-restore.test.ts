import { blake3 } from 'hash-wasm';
import { describe, expect, it } from 'vitest';
import type { PeerbeamError } from '../core/errors.js';
import { CHECKPOINT_BYTES, decodeChunk, encodeControl } from '../core/transfer-protocol.js';
import { FakeDataChannel } from '../../test/fakes/data-channel.js';
import { FileSender } from './file-sender.js';

const MiB = 1024 * 1024;

describe('the file sender when its channel closes mid-file', () => {
  it('leaves the transfer to the recovery instead of failing it (the peer host went away)', async () => {
    const data = new Uint8Array(6 * MiB).map((_, index) => index & 0xff);
    const ended: (PeerbeamError | undefined)[] = [];
    const sender = new FileSender(
      [{ file: new File([data], 'big.bin'), path: 'big.bin' }],
      () => undefined,
      (error) => ended.push(error),
    );
    const [channel, receiver] = FakeDataChannel.pair();
    let chunks = 0;
    receiver.addEventListener('message', (event: MessageEvent<unknown>) => {
      if (event.data instanceof ArrayBuffer && decodeChunk(event.data) && ++chunks === 2) {
        // The peer's connection went (its host was stopped), signaling first: no detach yet.
        receiver.peer = undefined;
        channel.close();
      }
    });
    sender.attach(channel as unknown as RTCDataChannel, null);
    receiver.send(encodeControl({ t: 'accept' }));
    receiver.send(encodeControl({ t: 'want', from: [{ index: 0, offset: 0 }] }));
    await new Promise((resolve) => setTimeout(resolve, 200));

    expect(chunks).toBeGreaterThanOrEqual(2);
    expect(ended).toEqual([]);
    expect(sender.progress.state).toBe('transferring');
    sender.detach();
    expect(sender.progress.state).toBe('reconnecting');
  });
});

describe('a sender taken up again in a new host (the old one was stopped mid-transfer)', () => {
  it('keeps the files it sends and what was saved; restored with the same files, it goes on from the receiver checkpoint with the right checksum', async () => {
    const data = new Uint8Array(CHECKPOINT_BYTES + 2 * MiB + 3).map(
      (_, index) => (index * 7) & 0xff,
    );
    const files = [
      { file: new File([new Uint8Array(10)], 'small.txt'), path: 'small.txt' },
      { file: new File([data], 'big.bin'), path: 'dir/big.bin' },
    ];
    const first = new FileSender(
      files,
      () => undefined,
      () => undefined,
    );
    const [channel, receiver] = FakeDataChannel.pair();
    first.attach(channel as unknown as RTCDataChannel, null);
    expect(first.checkpoint()).toBeUndefined();
    receiver.send(encodeControl({ t: 'accept' }));
    receiver.send(encodeControl({ t: 'file-result', index: 0, ok: true }));
    await new Promise((resolve) => setTimeout(resolve, 0));
    const kept = first.checkpoint();
    expect(kept).toEqual({
      files: [
        { path: 'small.txt', size: 10 },
        { path: 'dir/big.bin', size: data.length },
      ],
      saved: [0],
    });

    const ended: (PeerbeamError | undefined)[] = [];
    const second = new FileSender(
      files,
      () => undefined,
      (error) => ended.push(error),
    );
    second.restore(kept!);
    expect(second.progress.state).toBe('reconnecting');
    const [channel2, receiver2] = FakeDataChannel.pair();
    second.attach(channel2 as unknown as RTCDataChannel, null);
    receiver2.send(encodeControl({ t: 'want', from: [{ index: 1, offset: CHECKPOINT_BYTES }] }));
    for (let waited = 0; !channel2.controls.some(({ t }) => t === 'file-end'); waited += 10) {
      if (waited > 5_000) throw new Error('no file-end');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    // No manifest again, only the bytes after the checkpoint, and the whole file's checksum.
    expect(channel2.controls).toEqual([{ t: 'file-end', index: 1, blake3: await blake3(data) }]);
    const chunks = channel2.sent.filter((item): item is ArrayBuffer => item instanceof ArrayBuffer);
    expect(decodeChunk(chunks[0]!)?.offset).toBe(CHECKPOINT_BYTES);
    expect(ended).toEqual([]);
  });
});
