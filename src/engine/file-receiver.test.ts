import { blake3 } from 'hash-wasm';
import { describe, expect, it } from 'vitest';
import type { PeerbeamError } from '../core/errors.js';
import {
  MANIFEST_PAGE_FILES,
  MAX_FILES,
  encodeChunk,
  encodeControl,
  type ManifestEntry,
} from '../core/transfer-protocol.js';
import { FakeDataChannel } from '../../test/fakes/data-channel.js';
import { FakeScratch } from '../../test/fakes/scratch.js';
import { FileReceiver } from './file-receiver.js';

const TRANSFER = 'transfer-1';

/** A receiver on one end of a fake channel; the test plays the sender on the other end. */
function receiving(
  room?: () => Promise<number | undefined>,
  /** How long the host takes to save the file at `path` (default: at once). */
  saving: (path: string) => Promise<void> = async () => undefined,
) {
  const scratch = new FakeScratch();
  const saved: { file: File; path: string; release: () => Promise<void> }[] = [];
  let ended!: (error: PeerbeamError | undefined) => void;
  const end = new Promise<PeerbeamError | undefined>((resolve) => (ended = resolve));
  const receiver = new FileReceiver(
    TRANSFER,
    async (file, path, release) => {
      await saving(path);
      saved.push({ file, path, release });
    },
    () => undefined,
    (error) => ended(error),
    scratch,
    room,
  );
  const [sender, channel] = FakeDataChannel.pair();
  receiver.attach(channel);
  const control = (message: Parameters<typeof encodeControl>[0]) =>
    sender.send(encodeControl(message));
  /** Offers `files`, accepts, and waits for the receiver's `want`. */
  const offerAndAccept = async (files: ManifestEntry[]) => {
    control({ t: 'manifest', files, more: false });
    await settle();
    receiver.accept();
    await settle();
  };
  return { scratch, saved, end, receiver, sender, channel, control, offerAndAccept };
}

/** Lets queued deliveries and writer replies run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

/** Refused: its code, a cancel to the sender, nothing saved, the partial copies deleted. */
async function expectRefused(setup: ReturnType<typeof receiving>, code: string) {
  const error = await setup.end;
  expect(error?.code).toBe(code);
  expect(setup.receiver.progress?.snapshot().state).toBe('failed');
  expect(setup.channel.controls.at(-1)).toEqual({ t: 'cancel' });
  expect(setup.saved).toEqual([]);
  await settle();
  expect(setup.scratch.discarded).toEqual([TRANSFER]);
  expect([...setup.scratch.files.keys()]).toEqual([]);
}

const bytes = (length: number, seed = 1) =>
  Uint8Array.from({ length }, (_, index) => (index * 31 + seed) & 0xff);

describe('the file receiver keeps only what arrived whole, in order and verified', () => {
  it('saves a file whose chunks and checksum arrive in order, and frees its copy on release', async () => {
    const setup = receiving();
    const data = bytes(1000);
    await setup.offerAndAccept([{ path: 'notes.txt', size: data.length }]);
    expect(setup.channel.controls).toContainEqual({ t: 'want', from: [{ index: 0, offset: 0 }] });
    setup.sender.send(encodeChunk(0, 0, data.subarray(0, 600)));
    setup.sender.send(encodeChunk(0, 600, data.subarray(600)));
    setup.control({ t: 'file-end', index: 0, blake3: await blake3(data) });

    expect(await setup.end).toBeUndefined();
    expect(setup.receiver.progress?.snapshot().state).toBe('complete');
    expect(setup.channel.controls).toContainEqual({ t: 'file-result', index: 0, ok: true });
    expect(setup.saved.map(({ path }) => path)).toEqual(['notes.txt']);
    expect(new Uint8Array(await setup.saved[0]!.file.arrayBuffer())).toEqual(data);
    await setup.saved[0]!.release();
    expect(setup.scratch.removed).toEqual([`${TRANSFER}/0`]);
  });

  it('is complete only once every file is saved: a slow save of an earlier file holds it back', async () => {
    let saveTheFirst!: () => void;
    const firstSaving = new Promise<void>((resolve) => (saveTheFirst = resolve));
    const setup = receiving(undefined, (path) =>
      path === 'video.mp4' ? firstSaving : Promise.resolve(),
    );
    const [first, second] = [bytes(1000), bytes(10, 7)];
    await setup.offerAndAccept([
      { path: 'video.mp4', size: first.length },
      { path: 'notes.txt', size: second.length },
    ]);
    setup.sender.send(encodeChunk(0, 0, first));
    setup.control({ t: 'file-end', index: 0, blake3: await blake3(first) });
    setup.sender.send(encodeChunk(1, 0, second));
    setup.control({ t: 'file-end', index: 1, blake3: await blake3(second) });
    await settle();
    await settle();
    // The last file is saved; the first is still being written where the person wanted it.
    expect(setup.saved.map(({ path }) => path)).toEqual(['notes.txt']);
    expect(setup.receiver.progress?.snapshot().state).not.toBe('complete');
    expect(setup.channel.controls).not.toContainEqual({ t: 'done' });

    saveTheFirst();
    expect(await setup.end).toBeUndefined();
    expect(setup.receiver.progress?.snapshot().state).toBe('complete');
    expect(setup.channel.controls.at(-1)).toEqual({ t: 'done' });
    expect(setup.saved.map(({ path }) => path)).toEqual(['notes.txt', 'video.mp4']);
  });

  it('refuses a control message it cannot decode (corrupt): TAMPERED, nothing saved', async () => {
    const setup = receiving();
    await setup.offerAndAccept([{ path: 'a.bin', size: 10 }]);
    setup.sender.send('{"t":"file-end","index":0,"blake3":"not-a-hash"}');
    await expectRefused(setup, 'TAMPERED');
  });

  it('refuses a binary frame that is not a chunk (corrupt header): TAMPERED, nothing saved', async () => {
    const setup = receiving();
    await setup.offerAndAccept([{ path: 'a.bin', size: 10 }]);
    const frame = encodeChunk(0, 0, bytes(10));
    frame[0] = 0x7f; // not the chunk kind
    setup.sender.send(frame);
    await expectRefused(setup, 'TAMPERED');
  });

  it('refuses a chunk that skips ahead in its file (out of order): TAMPERED, nothing saved', async () => {
    const setup = receiving();
    await setup.offerAndAccept([{ path: 'a.bin', size: 100 }]);
    setup.sender.send(encodeChunk(0, 0, bytes(40)));
    setup.sender.send(encodeChunk(0, 60, bytes(40)));
    await expectRefused(setup, 'TAMPERED');
  });

  it('refuses a chunk of a later file while one is still open (out of order): TAMPERED', async () => {
    const setup = receiving();
    await setup.offerAndAccept([
      { path: 'a.bin', size: 10 },
      { path: 'b.bin', size: 10 },
    ]);
    setup.sender.send(encodeChunk(1, 0, bytes(10)));
    await expectRefused(setup, 'TAMPERED');
  });

  it('refuses a chunk that runs past its file’s offered size (oversized): TAMPERED', async () => {
    const setup = receiving();
    await setup.offerAndAccept([{ path: 'a.bin', size: 10 }]);
    setup.sender.send(encodeChunk(0, 0, bytes(11)));
    await expectRefused(setup, 'TAMPERED');
  });

  it('refuses an offer of more files than any offer may hold (oversized): OFFER_TOO_LARGE, no writer', async () => {
    const setup = receiving();
    const page = Array.from({ length: MANIFEST_PAGE_FILES }, (_, index) => ({
      path: `f${index}`,
      size: 1,
    }));
    const pages = Math.ceil(MAX_FILES / MANIFEST_PAGE_FILES) + 1;
    for (let sent = 0; sent < pages; sent++) {
      setup.control({ t: 'manifest', files: page, more: true });
    }
    const error = await setup.end;
    expect(error?.code).toBe('OFFER_TOO_LARGE');
    expect(setup.channel.controls.at(-1)).toEqual({ t: 'cancel' });
    // Refused before it was shown: no progress, no writer, nothing saved.
    expect(setup.receiver.progress).toBeUndefined();
    expect(setup.scratch.writers).toBe(0);
    expect(setup.saved).toEqual([]);
  });

  it('refuses a file that ends before all its bytes arrived (truncated): TAMPERED, nothing saved', async () => {
    const setup = receiving();
    const data = bytes(100);
    await setup.offerAndAccept([{ path: 'a.bin', size: data.length }]);
    setup.sender.send(encodeChunk(0, 0, data.subarray(0, 60)));
    setup.control({ t: 'file-end', index: 0, blake3: await blake3(data) });
    await expectRefused(setup, 'TAMPERED');
  });

  it('never saves a file whose bytes do not match its checksum: INTEGRITY', async () => {
    const setup = receiving();
    const data = bytes(100);
    await setup.offerAndAccept([{ path: 'a.bin', size: data.length }]);
    const damaged = data.slice();
    damaged[50]! ^= 0xff;
    setup.sender.send(encodeChunk(0, 0, damaged));
    setup.control({ t: 'file-end', index: 0, blake3: await blake3(data) });
    const error = await setup.end;
    expect(error?.code).toBe('INTEGRITY');
    expect(setup.channel.controls).toContainEqual({ t: 'file-result', index: 0, ok: false });
    expect(setup.saved).toEqual([]);
    await settle();
    expect([...setup.scratch.files.keys()]).toEqual([]);
  });

  it('refuses a second offer in the same transfer: TAMPERED', async () => {
    const setup = receiving();
    await setup.offerAndAccept([{ path: 'a.bin', size: 10 }]);
    setup.control({ t: 'manifest', files: [{ path: 'b.bin', size: 10 }], more: false });
    await expectRefused(setup, 'TAMPERED');
  });

  it('ignores chunks that arrive before the person accepted', async () => {
    const setup = receiving();
    setup.control({ t: 'manifest', files: [{ path: 'a.bin', size: 10 }], more: false });
    setup.sender.send(encodeChunk(0, 0, bytes(10)));
    await settle();
    expect(setup.receiver.progress?.snapshot().state).toBe('offered');
    expect(setup.scratch.requests.filter(({ op }) => op === 'write')).toEqual([]);
  });
});

describe('an offer larger than this browser can keep is refused before Accept', () => {
  it('refuses an offer larger than the room the host has: NO_ROOM naming the room, the sender told the room, no writer, nothing saved', async () => {
    const setup = receiving(async () => 1500);
    setup.control({
      t: 'manifest',
      files: [
        { path: 'a.bin', size: 1000 },
        { path: 'b.bin', size: 501 },
      ],
      more: false,
    });
    const error = await setup.end;
    expect(error?.code).toBe('NO_ROOM');
    expect(error?.message).toBe('1.5\u00a0KB');
    expect(setup.channel.controls.at(-1)).toEqual({ t: 'cancel', noRoom: 1500 });
    expect(setup.receiver.progress).toBeUndefined();
    expect(setup.scratch.writers).toBe(0);
    expect(setup.saved).toEqual([]);
  });

  it('shows an offer that fits the room exactly, and one whose host cannot tell its room', async () => {
    for (const room of [async () => 1500, async () => undefined]) {
      const setup = receiving(room);
      setup.control({ t: 'manifest', files: [{ path: 'a.bin', size: 1500 }], more: false });
      await settle();
      expect(setup.receiver.progress?.snapshot().state).toBe('offered');
      expect(setup.scratch.writers).toBe(1);
    }
  });
});
