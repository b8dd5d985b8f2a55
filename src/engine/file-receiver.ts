/**
 * Receives files over a data channel (protocol: src/core/transfer-protocol.ts): shows the
 * offer, and once accepted streams every chunk into OPFS through the writer worker, checks
 * each file's BLAKE3 hash, and hands verified files to the host to save (Chromium: Downloads).
 * Chunks must arrive in order; anything else is refused. After a reconnect, `attach` rolls
 * the current file back to its last checkpoint and asks the sender to go on from there. A host
 * that was stopped mid-transfer builds a new receiver from its `checkpoint()` (`restore`): the
 * current file's copy is read back from OPFS and hashed again up to its last whole checkpoint.
 */
import { PeerbeamError } from '../core/errors.js';
import { safeUniquePaths } from '../core/file-names.js';
import { formatBytes } from '../core/progress.js';
import {
  ACK_EVERY_BYTES,
  OfferBudget,
  decodeChunk,
  decodeControl,
  encodeControl,
  type ManifestEntry,
  type TransferControl,
} from '../core/transfer-protocol.js';
import type { WriterReply, WriterRequest } from './opfs-messages.js';
import { discardCopies, opfsScratch, type Scratch, type WriterPort } from './opfs-scratch.js';
import { TransferProgress } from './transfer-progress.js';

/** Saves a verified file (the scratch copy); resolves when the host has it. `release` deletes
 * that copy, once the host is done with it (Chromium: the download finished). */
export type SaveFile = (
  file: File,
  relativePath: string,
  release: () => Promise<void>,
) => Promise<void>;

/** What the receiver uses of its data channel (an RTCDataChannel, or a test's fake). */
export interface ReceiverChannel {
  readonly readyState: RTCDataChannelState;
  send(data: string): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<unknown>) => void): void;
}

/**
 * How many bytes the host can keep for one transfer now (a web page: its storage quota left);
 * undefined when it cannot tell. An offer larger than that is refused before it is shown.
 */
export type Room = () => Promise<number | undefined>;

/** What a new host needs to take up an accepted transfer (resumable-transfer.ts). */
export interface ReceiverCheckpoint {
  manifest: ManifestEntry[];
  /** Files verified and handed to the host. */
  saved: number[];
  /** Files that did not match their checksum (never saved). */
  failed: number[];
}

export class FileReceiver {
  progress: TransferProgress | undefined;
  private readonly manifest: ManifestEntry[] = [];
  private readonly offerBudget = new OfferBudget();
  private paths: string[] = [];
  private channel: ReceiverChannel | undefined;
  private worker: WriterPort | undefined;
  private accepted = false;
  /** The offer's last page arrived (its room is being checked, then it is shown). */
  private offerComplete = false;
  /** The file being received, and the next byte expected in it. */
  private current = 0;
  private expected = 0;
  private written = 0;
  private lastAck = 0;
  private readonly finished = new Set<number>();
  private readonly saved = new Set<number>();
  private readonly failed = new Set<number>();
  /** A restored receiver reads its current file back from scratch space before it resumes. */
  private restoring: Promise<void> | undefined;
  private readonly opened = new Set<number>();
  /** Bytes the worker has written, per file. */
  private readonly writtenIn = new Map<number, number>();
  private readonly replies = new Map<string, (reply: WriterReply) => void>();

  constructor(
    readonly transferId: string,
    private readonly saveFile: SaveFile,
    private readonly onChange: () => void,
    private readonly onEnd: (error?: PeerbeamError) => void,
    private readonly scratch: Scratch = opfsScratch,
    private readonly room?: Room,
  ) {}

  attach(channel: ReceiverChannel, _maxMessageSize?: number | null): void {
    this.channel = channel;
    channel.addEventListener('message', (event) => {
      if (typeof event.data === 'string') this.onControl(event.data);
      else if (event.data instanceof ArrayBuffer) this.onChunk(event.data);
    });
    if (this.accepted && this.progress && !this.progress.isFinal) void this.resume();
  }

  detach(): void {
    this.channel = undefined;
    if (this.progress && !this.progress.isFinal && this.accepted)
      this.progress.setState('reconnecting');
  }

  accept(): void {
    if (!this.progress || this.accepted) return;
    this.accepted = true;
    this.send({ t: 'accept' });
    this.progress.setState('transferring');
    void this.resume();
  }

  decline(): void {
    this.send({ t: 'decline' });
    this.finish('declined');
  }

  cancel(): void {
    this.send({ t: 'cancel' });
    this.finish('cancelled', new PeerbeamError('CANCELLED', 'the transfer was cancelled'));
  }

  /** What to keep for a new host while the transfer runs; undefined before Accept and after. */
  checkpoint(): ReceiverCheckpoint | undefined {
    if (!this.accepted || !this.progress || this.progress.isFinal) return undefined;
    return { manifest: this.manifest, saved: [...this.saved], failed: [...this.failed] };
  }

  /**
   * Takes up a transfer a stopped host was receiving: the offer accepted, the finished files
   * as they ended, and the current file as far as its copy holds whole checkpoints (the worker
   * reads it back and hashes it again: nothing unverified is trusted). Then, as after any
   * reconnect, the next channel's `attach` asks the sender to go on from there.
   */
  restore({ manifest, saved, failed }: ReceiverCheckpoint): void {
    this.manifest.push(...manifest);
    this.offerComplete = true;
    this.accepted = true;
    this.paths = safeUniquePaths(manifest.map((entry) => entry.path));
    const progress = new TransferProgress(
      'receive',
      manifest.map((entry, index) => ({ path: this.paths[index]!, size: entry.size })),
      this.onChange,
    );
    this.progress = progress;
    for (const index of saved) {
      this.saved.add(index);
      progress.fileState(index, 'saved');
    }
    for (const index of failed) {
      this.failed.add(index);
      progress.fileState(index, 'failed');
    }
    for (const index of [...saved, ...failed]) {
      this.finished.add(index);
      this.written += manifest[index]?.size ?? 0;
    }
    while (this.finished.has(this.current)) this.current++;
    progress.setDone(this.written);
    progress.setState('reconnecting');
    this.worker = this.scratch.createWriter();
    this.worker.onmessage = (event: MessageEvent<WriterReply>) => this.onWriterReply(event.data);
    if (this.current >= manifest.length) return;
    const index = this.current;
    this.opened.add(index);
    this.restoring = this.request(
      { op: 'reopen', transferId: this.transferId, index },
      'reopened',
    ).then(({ offset }) => {
      this.writtenIn.set(index, offset);
      this.written += offset;
      this.expected = offset;
      progress.fileDone(index, offset);
      progress.setDone(this.written);
    });
  }

  /** Asks for every unfinished file, from the current file's last checkpoint. */
  private async resume(): Promise<void> {
    await this.restoring;
    if (this.current < this.manifest.length && this.expected > 0) {
      const index = this.current;
      const { offset } = await this.request({ op: 'rollback', index }, 'rolled-back');
      // Every write before the rollback has been reported by now: the worker answers in order.
      this.written -= (this.writtenIn.get(index) ?? 0) - offset;
      this.writtenIn.set(index, offset);
      this.expected = offset;
    } else if (this.current < this.manifest.length && !this.opened.has(this.current)) {
      this.open(this.current);
    }
    this.lastAck = this.written;
    const from = [];
    for (let index = this.current; index < this.manifest.length; index++) {
      if (this.finished.has(index)) continue; // (restored: a later file already saved)
      from.push({ index, offset: index === this.current ? this.expected : 0 });
    }
    this.send({ t: 'want', from });
  }

  private open(index: number): void {
    this.opened.add(index);
    this.post({ op: 'open', transferId: this.transferId, index });
  }

  private onControl(text: string): void {
    const message = decodeControl(text);
    if (!message)
      return this.fail(new PeerbeamError('TAMPERED', 'the sender sent an unknown message'));
    switch (message.t) {
      case 'manifest': {
        if (this.progress || this.offerComplete)
          return this.fail(new PeerbeamError('TAMPERED', 'a second offer arrived'));
        // Refused before any name is sanitised or shown: a hostile offer costs nothing.
        const tooLarge = this.offerBudget.add(message.files);
        if (tooLarge) return this.fail(new PeerbeamError('OFFER_TOO_LARGE', tooLarge));
        this.manifest.push(...message.files);
        if (!message.more) {
          this.offerComplete = true;
          void this.offered();
        }
        return;
      }
      case 'file-end':
        if (message.index !== this.current || this.expected !== this.manifest[this.current]?.size) {
          return this.fail(
            new PeerbeamError('TAMPERED', 'a file ended before all its bytes arrived'),
          );
        }
        void this.verify(message.index, message.blake3);
        return;
      case 'cancel':
        this.finish('cancelled', new PeerbeamError('CANCELLED', 'the sender cancelled'));
        return;
      default:
        return;
    }
  }

  private async offered(): Promise<void> {
    const total = this.manifest.reduce((sum, entry) => sum + entry.size, 0);
    const room = await this.room?.().catch(() => undefined);
    if (room !== undefined && total > room) {
      // Before the offer is shown or a writer starts: nothing is written, nothing partial.
      return this.fail(new PeerbeamError('NO_ROOM', formatBytes(room)), { noRoom: room });
    }
    this.paths = safeUniquePaths(this.manifest.map((entry) => entry.path));
    this.progress = new TransferProgress(
      'receive',
      this.manifest.map((entry, index) => ({ path: this.paths[index]!, size: entry.size })),
      this.onChange,
    );
    this.progress.setState('offered');
    // Started with the offer, so it is loaded and its hash compiled by the time of Accept.
    this.worker = this.scratch.createWriter();
    this.worker.onmessage = (event: MessageEvent<WriterReply>) => this.onWriterReply(event.data);
  }

  private onChunk(buffer: ArrayBuffer): void {
    if (!this.accepted || !this.progress || this.progress.isFinal) return;
    const chunk = decodeChunk(buffer);
    const size = this.manifest[this.current]?.size ?? 0;
    if (
      !chunk ||
      chunk.index !== this.current ||
      chunk.offset !== this.expected ||
      this.expected + chunk.data.length > size
    ) {
      return this.fail(new PeerbeamError('TAMPERED', 'a chunk arrived out of place'));
    }
    if (!this.opened.has(this.current)) this.open(this.current);
    this.expected += chunk.data.length;
    // The buffer moves to the worker: no copy, and this thread holds nothing.
    this.post(
      {
        op: 'write',
        index: chunk.index,
        offset: chunk.offset,
        buffer,
        byteOffset: chunk.data.byteOffset,
      },
      [buffer],
    );
    this.progress.fileState(chunk.index, 'active');
    this.progress.fileDone(chunk.index, this.expected);
  }

  private onWriterReply(reply: WriterReply): void {
    if (reply.op === 'error') return this.fail(new PeerbeamError('SAVE_FAILED', reply.message));
    if (reply.op === 'written') {
      this.written += reply.offset - (this.writtenIn.get(reply.index) ?? 0);
      this.writtenIn.set(reply.index, reply.offset);
      this.progress?.setDone(this.written);
      if (this.written - this.lastAck >= ACK_EVERY_BYTES) {
        this.lastAck = this.written;
        this.send({ t: 'ack', received: this.written });
      }
    }
    const key = `${reply.op}:${'index' in reply ? reply.index : ''}`;
    const waiter = this.replies.get(key);
    if (waiter) {
      this.replies.delete(key);
      waiter(reply);
    }
  }

  private async verify(index: number, expectedHash: string): Promise<void> {
    const progress = this.progress!;
    progress.fileState(index, 'verifying');
    this.current = index + 1;
    this.expected = 0;
    if (this.current < this.manifest.length) this.open(this.current);
    if (!this.opened.has(index)) this.open(index); // an empty file: nothing was written
    const { digest } = await this.request({ op: 'finish', index }, 'finished');
    const ok = digest === expectedHash;
    this.finished.add(index);
    this.send({ t: 'file-result', index, ok });
    if (ok) {
      try {
        const file = await this.scratch.file(this.transferId, index);
        await this.saveFile(file, this.paths[index]!, () =>
          this.scratch.remove(this.transferId, index),
        );
        progress.fileState(index, 'saved');
        this.saved.add(index);
        this.onChange(); // a new host must not receive it again
      } catch (error) {
        progress.fileState(index, 'failed');
        this.fail(new PeerbeamError('SAVE_FAILED', String(error)));
        return;
      }
    } else {
      // Never saved as good: the damaged bytes stay out of Downloads.
      progress.fileState(index, 'failed');
      this.failed.add(index);
    }
    // Every file settled, not merely checked: an earlier, larger file may still be saving
    // (into a picked folder, say), and "complete" tells the person it is all there.
    if (this.saved.size + this.failed.size === this.manifest.length) {
      this.send({ t: 'done' });
      if (progress.snapshot().failedFiles > 0) {
        this.finish('failed', new PeerbeamError('INTEGRITY', 'a file did not match its checksum'));
      } else {
        this.finish('complete');
      }
    }
  }

  private request<K extends WriterReply['op']>(
    message: WriterRequest & { index: number },
    answer: K,
  ): Promise<Extract<WriterReply, { op: K }>> {
    return new Promise((resolve) => {
      this.replies.set(`${answer}:${message.index}`, resolve as (reply: WriterReply) => void);
      this.post(message);
    });
  }

  private post(message: WriterRequest, transfer: Transferable[] = []): void {
    this.worker?.postMessage(message, transfer);
  }

  private send(message: TransferControl): void {
    try {
      if (this.channel?.readyState === 'open') this.channel.send(encodeControl(message));
    } catch {
      // Closing anyway.
    }
  }

  /** Ends the transfer; the sender is told (`noRoom`: why, so it can say so). */
  private fail(error: PeerbeamError, why: { noRoom?: number } = {}): void {
    this.send({ t: 'cancel', ...why });
    this.finish('failed', error);
  }

  private finish(
    state: 'complete' | 'declined' | 'cancelled' | 'failed',
    error?: PeerbeamError,
  ): void {
    if (this.progress?.isFinal) return;
    this.progress?.setState(state);
    this.retireWorker(state !== 'complete');
    this.onEnd(error);
  }

  /** Ends the writer worker; unless every file was saved, it first deletes the partial copies. */
  private retireWorker(discard: boolean): void {
    const worker = this.worker;
    this.worker = undefined;
    if (!worker) return;
    if (!discard) return worker.terminate();
    void discardCopies(worker, this.transferId);
  }
}
