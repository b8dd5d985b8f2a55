/**
 * Where received bytes wait in a browser that cannot stage them on disk (no Origin Private File
 * System: older Safari and Firefox, Firefox's private windows, some in-app browsers): in this
 * page's memory, up to a limit stated before Accept. It answers the writer protocol
 * (src/engine/opfs-messages.ts) as the OPFS worker does: in order, asynchronously, a BLAKE3
 * digest per file and rollback to the last checkpoint, so the receiver verifies and resumes
 * exactly as it does on disk.
 *
 * Memory stays near the files' own size: at every checkpoint (16 MiB) the chunks are folded
 * into one Blob (a browser may keep large Blobs outside the page, Chromium even on disk), so
 * the page holds at most one checkpoint's worth of loose chunks, and the finished File is made
 * of those Blobs without another copy.
 */
import { createBLAKE3, type IHasher } from 'hash-wasm';
import { formatBytes } from '../core/progress.js';
import { CHECKPOINT_BYTES } from '../core/transfer-protocol.js';
import type { WriterReply, WriterRequest } from '../engine/opfs-messages.js';
import type { Scratch, WriterPort } from '../engine/opfs-scratch.js';

/**
 * The most this page keeps in memory at once. Everything received lives in memory until
 * the download has copied it (and again for "Download again"), so the limit is what a tab can
 * hold without the browser ending it: desktops give a tab gigabytes, 250 MB leaves them ample
 * headroom; phones end a tab far sooner (iOS Safari's content process on older iPhones goes at
 * a few hundred MB), so a touch-first device gets 125 MB. Round in the units people are shown.
 */
export const memoryLimit = (touchFirst: boolean): number => (touchFirst ? 125 : 250) * 1_000_000;

interface Incoming {
  /** Folded checkpoints: every byte up to the last boundary. */
  parts: Blob[];
  /** Chunks since the last boundary (what a rollback drops). */
  loose: Uint8Array[];
  written: number;
  hasher: IHasher;
  checkpoint: Uint8Array;
}

const key = (transferId: string, index: number) => `${transferId}/${index}`;

export class MemoryScratch implements Scratch {
  /** By `${transferId}/${index}`: files being received, finished ones, and those handed to
   * the host (kept until it releases them: its download may still read them). */
  private readonly incoming = new Map<string, Incoming>();
  private readonly finished = new Map<string, File>();
  private readonly handedOut = new Map<string, File>();
  /** Bytes held: every chunk written, until it is rolled back, removed or discarded. */
  private held = 0;

  constructor(readonly limit: number) {}

  /** What a new offer may still take. */
  room(): number {
    return Math.max(0, this.limit - this.held);
  }

  createWriter(): WriterPort {
    let transferId = '';
    let queue = Promise.resolve();
    const port: WriterPort = {
      onmessage: null,
      postMessage: (request: WriterRequest) => {
        if (request.op === 'open' || request.op === 'discard') transferId = request.transferId;
        queue = queue
          .then(() => this.handle(transferId, request))
          .catch((error: unknown) => ({
            op: 'error' as const,
            ...('index' in request ? { index: request.index } : {}),
            message: error instanceof Error ? error.message : String(error),
          }))
          .then((reply) => port.onmessage?.(new MessageEvent('message', { data: reply })));
      },
      terminate: () => undefined,
    };
    return port;
  }

  async file(transferId: string, index: number): Promise<File> {
    const name = key(transferId, index);
    const file = this.finished.get(name) ?? this.handedOut.get(name);
    if (!file) throw new Error(`no received file ${index}`);
    this.finished.delete(name);
    this.handedOut.set(name, file);
    return file;
  }

  async remove(transferId: string, index: number): Promise<void> {
    this.drop(key(transferId, index));
  }

  private async handle(transferId: string, request: WriterRequest): Promise<WriterReply> {
    switch (request.op) {
      case 'open': {
        const hasher = await createBLAKE3();
        hasher.init();
        this.drop(key(transferId, request.index));
        this.incoming.set(key(transferId, request.index), {
          parts: [],
          loose: [],
          written: 0,
          hasher,
          checkpoint: hasher.save(),
        });
        return { op: 'opened', index: request.index };
      }
      case 'write': {
        const file = this.open(transferId, request.index);
        if (request.offset !== file.written) {
          throw new Error(`chunk at ${request.offset} where ${file.written} was due`);
        }
        const data = new Uint8Array(request.buffer, request.byteOffset);
        if (this.held + data.length > this.limit) {
          throw new Error(`this browser keeps at most ${formatBytes(this.limit)} in memory`);
        }
        file.hasher.update(data);
        file.loose.push(data);
        file.written += data.length;
        this.held += data.length;
        // Chunks never cross a boundary: landing on one means a checkpoint.
        if (file.written % CHECKPOINT_BYTES === 0) {
          file.parts.push(new Blob(file.loose as BlobPart[]));
          file.loose = [];
          file.checkpoint = file.hasher.save();
        }
        return { op: 'written', index: request.index, offset: file.written };
      }
      case 'finish': {
        const file = this.open(transferId, request.index);
        const done = new File(
          [...file.parts, ...(file.loose as BlobPart[])],
          String(request.index),
        );
        this.incoming.delete(key(transferId, request.index));
        this.finished.set(key(transferId, request.index), done);
        return {
          op: 'finished',
          index: request.index,
          digest: file.hasher.digest('hex'),
          size: done.size,
        };
      }
      case 'rollback':
        return {
          op: 'rolled-back',
          index: request.index,
          offset: this.rollback(transferId, request.index),
        };
      case 'reopen':
        // Memory dies with its page, and with it the engine: only this page's own copy is there.
        return {
          op: 'reopened',
          index: request.index,
          offset: this.rollback(transferId, request.index),
        };
      case 'discard': {
        // What the host never got (partial or failed files); what it has, it releases itself.
        const prefix = `${request.transferId}/`;
        for (const name of [...this.incoming.keys(), ...this.finished.keys()]) {
          if (name.startsWith(prefix)) this.drop(name);
        }
        return { op: 'discarded', transferId: request.transferId };
      }
    }
  }

  /** Drops what came after the last checkpoint; the offset it is back at. */
  private rollback(transferId: string, index: number): number {
    const file = this.open(transferId, index);
    const dropped = file.loose.reduce((sum, chunk) => sum + chunk.length, 0);
    file.loose = [];
    file.written -= dropped;
    this.held -= dropped;
    file.hasher.load(file.checkpoint);
    return file.written;
  }

  private open(transferId: string, index: number): Incoming {
    const file = this.incoming.get(key(transferId, index));
    if (!file) throw new Error(`file ${index} is not open`);
    return file;
  }

  /** Forgets a file, wherever it is. */
  private drop(name: string): void {
    const incoming = this.incoming.get(name);
    if (incoming) this.held -= incoming.written;
    this.incoming.delete(name);
    for (const files of [this.finished, this.handedOut]) {
      const file = files.get(name);
      if (file) this.held -= file.size;
      files.delete(name);
    }
  }
}
