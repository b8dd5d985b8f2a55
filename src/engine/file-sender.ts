/**
 * Sends files over a data channel (protocol: src/core/transfer-protocol.ts). Reads each file
 * in blocks (bounded memory), hashes (BLAKE3) as it sends, keeps the hash state at every
 * checkpoint so a resume can continue from there, and never runs ahead of the receiver's disk
 * by more than the receive window. A new channel after a reconnect is attached with `attach`.
 * A host stopped mid-transfer builds a new sender from its `checkpoint()` and the same files
 * (`restore`); it has no hash states then, so it hashes a file's bytes up to the resume point.
 *
 * Per byte it does as little as it can, because on a small machine the browser's own network
 * path competes for the same cores: 2 MiB blocks are read ahead through one BYOB stream reader
 * (block-reader.ts), hashed in one call each, and every chunk is framed into one reused buffer.
 */
import { createBLAKE3, type IHasher } from 'hash-wasm';
import { PeerbeamError } from '../core/errors.js';
import { formatBytes } from '../core/progress.js';
import {
  CHECKPOINT_BYTES,
  CHUNK_HEADER_BYTES,
  MANIFEST_PAGE_FILES,
  RECEIVE_WINDOW_BYTES,
  blockEnd,
  chunkEnd,
  decodeControl,
  encodeControl,
  payloadSize,
  writeChunk,
  type TransferControl,
} from '../core/transfer-protocol.js';
import { configureBackpressure, whenWritable } from '../rtc/backpressure.js';
import { readBlocks } from './block-reader.js';
import { TransferProgress } from './transfer-progress.js';

export interface OutgoingFile {
  file: File;
  /** Relative path as the sender sees it ("folder/sub/name.txt"). */
  path: string;
}

/** What a new host needs, besides the files themselves, to take up an accepted transfer. */
export interface SenderCheckpoint {
  files: { path: string; size: number }[];
  /** Files the receiver verified and saved. */
  saved: number[];
}

/** Disk reads: this many chunks each (2 MiB); the next is read while one is sent. */
const CHUNKS_PER_READ = 8;
/** Reads when a restored sender hashes a file up to its resume point. */
const HASH_READ_BYTES = 4 * 1024 * 1024;

export class FileSender {
  readonly progress: TransferProgress;
  private channel: RTCDataChannel | undefined;
  private pump: AbortController | undefined;
  private accepted = false;
  /** Per file: hash state at each checkpoint offset (tiny: ~100 bytes each). */
  private readonly snapshots: Map<number, Uint8Array>[];
  private sentTotal = 0;
  private ackedTotal = 0;
  private ackWaiter: (() => void) | undefined;
  /** Started with the sender, so the WebAssembly compiles while the receiver decides. */
  private readonly hasher: Promise<IHasher> = createBLAKE3();
  private maxMessageSize: number | null = null;
  private readonly saved = new Set<number>();

  constructor(
    private readonly files: OutgoingFile[],
    onChange: () => void,
    private readonly onEnd: (error?: PeerbeamError) => void,
  ) {
    this.progress = new TransferProgress(
      'send',
      files.map(({ path, file }) => ({ path, size: file.size })),
      onChange,
    );
    this.snapshots = files.map(() => new Map<number, Uint8Array>());
  }

  /** Takes a (new) open channel: offers the files, or waits for `want` after a reconnect. */
  attach(channel: RTCDataChannel, maxMessageSize: number | null): void {
    this.stopPump();
    this.channel = channel;
    this.maxMessageSize = maxMessageSize;
    configureBackpressure(channel);
    channel.addEventListener('message', (event) => {
      if (typeof event.data === 'string') this.onControl(event.data);
    });
    if (!this.accepted) {
      this.sendManifest(channel);
      this.progress.setState('awaiting-accept');
    }
  }

  /** What to keep for a new host while the transfer runs; undefined before Accept and after. */
  checkpoint(): SenderCheckpoint | undefined {
    if (!this.accepted || this.progress.isFinal) return undefined;
    return {
      files: this.files.map(({ path, file }) => ({ path, size: file.size })),
      saved: [...this.saved],
    };
  }

  /** Takes up a transfer a stopped host was sending: accepted, waiting for the receiver's want. */
  restore({ saved }: SenderCheckpoint): void {
    this.accepted = true;
    for (const index of saved) {
      this.saved.add(index);
      this.progress.fileState(index, 'saved');
    }
    this.progress.setState('reconnecting');
  }

  /** The channel is gone; progress waits for the next one. */
  detach(): void {
    this.stopPump();
    this.channel = undefined;
    if (!this.progress.isFinal) this.progress.setState('reconnecting');
  }

  cancel(): void {
    this.send({ t: 'cancel' });
    this.finish('cancelled', new PeerbeamError('CANCELLED', 'the transfer was cancelled'));
  }

  private sendManifest(channel: RTCDataChannel): void {
    for (let start = 0; start < this.files.length || start === 0; start += MANIFEST_PAGE_FILES) {
      const page = this.files.slice(start, start + MANIFEST_PAGE_FILES);
      channel.send(
        encodeControl({
          t: 'manifest',
          files: page.map(({ path, file }) => ({ path, size: file.size })),
          more: start + MANIFEST_PAGE_FILES < this.files.length,
        }),
      );
      if (this.files.length === 0) break;
    }
  }

  private onControl(text: string): void {
    const message = decodeControl(text);
    if (!message) {
      this.finish('failed', new PeerbeamError('TAMPERED', 'the receiver sent an unknown message'));
      return;
    }
    switch (message.t) {
      case 'accept':
        this.accepted = true;
        this.progress.setState('transferring');
        return;
      case 'decline':
        this.finish('declined', new PeerbeamError('DECLINED', 'the receiver declined the files'));
        return;
      case 'want':
        void this.startPump(message.from);
        return;
      case 'ack':
        this.ackedTotal = Math.max(this.ackedTotal, message.received);
        this.progress.setDone(this.ackedTotal);
        this.ackWaiter?.();
        return;
      case 'file-result':
        this.progress.fileState(message.index, message.ok ? 'saved' : 'failed');
        if (message.ok) this.saved.add(message.index);
        return;
      case 'done':
        this.finish('complete');
        return;
      case 'cancel':
        if (message.noRoom !== undefined) {
          // Refused before Accept: the receiving browser cannot keep this much.
          this.finish('failed', new PeerbeamError('PEER_NO_ROOM', formatBytes(message.noRoom)));
        } else {
          this.finish('cancelled', new PeerbeamError('CANCELLED', 'the receiver cancelled'));
        }
        return;
      default:
        return;
    }
  }

  private async startPump(from: { index: number; offset: number }[]): Promise<void> {
    this.stopPump();
    const channel = this.channel;
    if (!channel) return;
    const pump = new AbortController();
    this.pump = pump;
    const starts = new Map(from.map(({ index, offset }) => [index, offset]));
    const resumeTotal = this.files.reduce(
      (sum, { file }, index) => sum + (starts.get(index) ?? file.size),
      0,
    );
    if (this.sentTotal > resumeTotal) this.progress.resent(this.sentTotal - resumeTotal);
    this.sentTotal = resumeTotal;
    this.ackedTotal = resumeTotal;
    this.progress.setDone(resumeTotal);
    this.progress.setState('transferring');
    try {
      const payload = payloadSize(this.maxMessageSize);
      for (const [index, offset] of [...starts].sort(([a], [b]) => a - b)) {
        if (index >= this.files.length) throw new Error(`no file ${index}`);
        await this.sendFile(index, offset, payload, channel, pump.signal);
      }
    } catch (error) {
      // Detached, superseded by a newer `want`, or its channel closed under it (the peer's host
      // went): the session recovers the connection, and the receiver asks again from its
      // checkpoint.
      if (pump.signal.aborted || channel.readyState !== 'open') return;
      this.finish('failed', new PeerbeamError('CONNECTION_FAILED', String(error)));
    }
  }

  private async sendFile(
    index: number,
    offset: number,
    payload: number,
    channel: RTCDataChannel,
    signal: AbortSignal,
  ): Promise<void> {
    const { file } = this.files[index]!;
    const snapshots = this.snapshots[index]!;
    const hasher = await this.hasher;
    if (offset === 0) {
      hasher.init();
      snapshots.set(0, hasher.save());
    } else {
      const state = snapshots.get(offset) ?? (await this.hashUpTo(index, offset, hasher, signal));
      hasher.load(state);
    }
    this.progress.fileState(index, 'active');

    const frame = new Uint8Array(CHUNK_HEADER_BYTES + payload);
    let position = offset;
    // (A resume starts at a checkpoint, so blocks from there split into whole chunks again.)
    const blocks = readBlocks(
      file,
      offset,
      (start) => blockEnd(start, file.size, payload, CHUNKS_PER_READ),
      payload * CHUNKS_PER_READ,
    );
    for await (const block of blocks) {
      signal.throwIfAborted();
      hasher.update(block.data);
      // Blocks never cross a checkpoint: the hash state at one is known before its bytes go.
      if (block.end % CHECKPOINT_BYTES === 0) snapshots.set(block.end, hasher.save());
      while (position < block.end) {
        const end = Math.min(chunkEnd(position, file.size, payload), block.end);
        await this.creditFor(end - position, signal);
        await whenWritable(channel, undefined, signal);
        const chunk = block.data.subarray(position - block.start, end - block.start);
        channel.send(writeChunk(frame, index, position, chunk));
        this.sentTotal += end - position;
        position = end;
      }
      this.progress.fileDone(index, position);
    }
    signal.throwIfAborted();
    snapshots.set(file.size, hasher.save());
    channel.send(encodeControl({ t: 'file-end', index, blake3: hasher.digest('hex') }));
    this.progress.fileState(index, 'verifying');
  }

  /**
   * The hash state after `file`'s first `offset` bytes, read again: a restored sender resumes
   * where the receiver's checkpoint is, without the states its old host kept.
   */
  private async hashUpTo(
    index: number,
    offset: number,
    hasher: IHasher,
    signal: AbortSignal,
  ): Promise<Uint8Array> {
    const prefix = this.files[index]!.file.slice(0, offset);
    const block = HASH_READ_BYTES;
    hasher.init();
    for await (const { data } of readBlocks(
      prefix,
      0,
      (at) => Math.min(at + block, offset),
      block,
    )) {
      signal.throwIfAborted();
      hasher.update(data);
    }
    const state = hasher.save();
    this.snapshots[index]!.set(offset, state);
    return state;
  }

  /** Waits until sending `bytes` keeps us within the receiver's window. */
  private async creditFor(bytes: number, signal: AbortSignal): Promise<void> {
    while (this.sentTotal + bytes - this.ackedTotal > RECEIVE_WINDOW_BYTES) {
      signal.throwIfAborted();
      // (stopPump calls the waiter on abort.)
      await new Promise<void>((resolve) => (this.ackWaiter = resolve));
    }
  }

  private send(message: TransferControl): void {
    try {
      if (this.channel?.readyState === 'open') this.channel.send(encodeControl(message));
    } catch {
      // Closing anyway.
    }
  }

  private stopPump(): void {
    this.pump?.abort();
    this.pump = undefined;
    this.ackWaiter?.();
  }

  private finish(
    state: 'complete' | 'declined' | 'cancelled' | 'failed',
    error?: PeerbeamError,
  ): void {
    if (this.progress.isFinal) return;
    this.stopPump();
    this.progress.setState(state);
    this.onEnd(error);
  }
}
