/**
 * The receiver's scratch space in memory: a writer that answers the worker protocol
 * (src/engine/opfs-messages.ts) as opfs-writer.worker.ts does, in order and asynchronously,
 * with BLAKE3 digests and checkpoint rollbacks; and a record of what was kept or deleted.
 */
import { blake3 } from 'hash-wasm';
import type { WriterReply, WriterRequest } from '../../src/engine/opfs-messages.js';
import type { Scratch, WriterPort } from '../../src/engine/opfs-scratch.js';
import { CHECKPOINT_BYTES } from '../../src/core/transfer-protocol.js';

interface StoredFile {
  bytes: Uint8Array;
  size: number;
}

export class FakeScratch implements Scratch {
  /** Files by `${transferId}/${index}`: what is in scratch space right now. */
  readonly files = new Map<string, StoredFile>();
  readonly requests: WriterRequest[] = [];
  writers = 0;
  terminated = 0;
  readonly removed: string[] = [];
  readonly discarded: string[] = [];
  /** The transfer a writer works for (learnt from its first open). */
  private transferOf = new Map<WriterPort, string>();

  createWriter(): WriterPort {
    this.writers++;
    let queue = Promise.resolve();
    const port: WriterPort = {
      onmessage: null,
      postMessage: (request: WriterRequest) => {
        this.requests.push(request);
        queue = queue.then(async () => {
          const reply = await this.handle(port, request);
          port.onmessage?.(new MessageEvent('message', { data: reply }));
        });
      },
      terminate: () => {
        this.terminated++;
      },
    };
    return port;
  }

  async file(transferId: string, index: number): Promise<File> {
    const stored = this.files.get(`${transferId}/${index}`);
    if (!stored) throw new Error(`no file ${transferId}/${index}`);
    return new File([stored.bytes.slice(0, stored.size)], String(index));
  }

  async remove(transferId: string, index: number): Promise<void> {
    this.removed.push(`${transferId}/${index}`);
    this.files.delete(`${transferId}/${index}`);
  }

  private async handle(port: WriterPort, request: WriterRequest): Promise<WriterReply> {
    switch (request.op) {
      case 'open': {
        this.transferOf.set(port, request.transferId);
        this.files.set(`${request.transferId}/${request.index}`, {
          bytes: new Uint8Array(0),
          size: 0,
        });
        return { op: 'opened', index: request.index };
      }
      case 'reopen': {
        // As the worker does: what a stopped host left, kept to its last whole checkpoint.
        this.transferOf.set(port, request.transferId);
        const key = `${request.transferId}/${request.index}`;
        const file = this.files.get(key) ?? { bytes: new Uint8Array(0), size: 0 };
        file.size -= file.size % CHECKPOINT_BYTES;
        this.files.set(key, file);
        return { op: 'reopened', index: request.index, offset: file.size };
      }
      case 'write': {
        const file = this.open(port, request.index);
        if (!file) return { op: 'error', index: request.index, message: 'not open' };
        const data = new Uint8Array(request.buffer, request.byteOffset);
        if (request.offset !== file.size) {
          return { op: 'error', index: request.index, message: 'out of order' };
        }
        const bytes = new Uint8Array(file.size + data.length);
        bytes.set(file.bytes.subarray(0, file.size));
        bytes.set(data, file.size);
        file.bytes = bytes;
        file.size = bytes.length;
        return { op: 'written', index: request.index, offset: file.size };
      }
      case 'finish': {
        const file = this.open(port, request.index);
        if (!file) return { op: 'error', index: request.index, message: 'not open' };
        const digest = await blake3(file.bytes.subarray(0, file.size));
        return { op: 'finished', index: request.index, digest, size: file.size };
      }
      case 'rollback': {
        const file = this.open(port, request.index);
        if (!file) return { op: 'error', index: request.index, message: 'not open' };
        file.size -= file.size % CHECKPOINT_BYTES;
        return { op: 'rolled-back', index: request.index, offset: file.size };
      }
      case 'discard': {
        this.discarded.push(request.transferId);
        for (const key of [...this.files.keys()]) {
          if (key.startsWith(`${request.transferId}/`)) this.files.delete(key);
        }
        return { op: 'discarded', transferId: request.transferId };
      }
    }
  }

  private open(port: WriterPort, index: number): StoredFile | undefined {
    return this.files.get(`${this.transferOf.get(port)}/${index}`);
  }
}
