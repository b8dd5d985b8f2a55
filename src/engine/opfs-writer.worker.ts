/**
 * Writes received chunks into the Origin Private File System with a synchronous access handle
 * (in place, no swap-file copy, workers only) and hashes them as they land, so memory stays
 * bounded whatever the file size and the hash is ready the moment the last byte is written.
 * At every checkpoint boundary the hash state is saved; a resume rolls back to it.
 *
 * Nothing is ever flushed (fsync): the OPFS copy is scratch space between the network and the
 * download, read back only by this browser session, through the page cache. A host stopped
 * mid-transfer (Firefox's event page) reads it back in the same browser (`reopen`), hashing it
 * again and trusting nothing past its last whole checkpoint; a crash of the whole machine ends
 * the transfer anyway. So durability would only cost time: with a flush at every 16 MiB
 * checkpoint the transfer ran measurably slower (interleaved runs against a bare channel:
 * median ratio 0.86 with, 0.93 without).
 */
import { createBLAKE3, type IHasher } from 'hash-wasm';
import { CHECKPOINT_BYTES } from '../core/transfer-protocol.js';
import { opfsPath, type WriterReply, type WriterRequest } from './opfs-messages.js';

interface OpenFile {
  access: FileSystemSyncAccessHandle;
  hasher: IHasher;
  written: number;
  checkpoint: { offset: number; state: Uint8Array };
}

const files = new Map<number, OpenFile>();
// Compiled once per worker (hash-wasm caches the module): the first file opens without waiting.
createBLAKE3().catch(() => undefined);
let queue = Promise.resolve();

const reply = (message: WriterReply) => self.postMessage(message);

async function directory(path: string[], create: boolean): Promise<FileSystemDirectoryHandle> {
  let dir = await navigator.storage.getDirectory();
  for (const name of path) dir = await dir.getDirectoryHandle(name, { create });
  return dir;
}

/** Bytes hashed at a time when a copy is read back. */
const REHASH_BLOCK = 4 * 1024 * 1024;

/**
 * A sync access handle on `file`. Just after the host was stopped, the worker that held the
 * file may not have let it go yet: try again for a moment.
 */
async function accessHandle(file: FileSystemFileHandle): Promise<FileSystemSyncAccessHandle> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await file.createSyncAccessHandle();
    } catch (error) {
      if (attempt >= 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

function requireFile(index: number): OpenFile {
  const file = files.get(index);
  if (!file) throw new Error(`file ${index} is not open`);
  return file;
}

async function handle(request: WriterRequest): Promise<void> {
  switch (request.op) {
    case 'open': {
      const [root, transfer, name] = opfsPath(request.transferId, request.index);
      const dir = await directory([root, transfer], true);
      const fileHandle = await dir.getFileHandle(name, { create: true });
      const access = await fileHandle.createSyncAccessHandle();
      access.truncate(0);
      const hasher = await createBLAKE3();
      hasher.init();
      files.set(request.index, {
        access,
        hasher,
        written: 0,
        checkpoint: { offset: 0, state: hasher.save() },
      });
      return reply({ op: 'opened', index: request.index });
    }
    case 'reopen': {
      // A copy a stopped host left: kept up to its last whole checkpoint (the sender resumes
      // from one), and hashed again from the disk, so the hash covers exactly what is there.
      const [root, transfer, name] = opfsPath(request.transferId, request.index);
      const dir = await directory([root, transfer], true);
      const access = await accessHandle(await dir.getFileHandle(name, { create: true }));
      const size = access.getSize();
      const offset = size - (size % CHECKPOINT_BYTES);
      access.truncate(offset);
      const hasher = await createBLAKE3();
      hasher.init();
      const block = new Uint8Array(Math.min(REHASH_BLOCK, Math.max(offset, 1)));
      let at = 0;
      while (at < offset) {
        const read = access.read(block.subarray(0, Math.min(block.length, offset - at)), { at });
        if (read <= 0) throw new Error(`file ${request.index} ended at ${at} of ${offset}`);
        hasher.update(block.subarray(0, read));
        at += read;
      }
      files.set(request.index, {
        access,
        hasher,
        written: offset,
        checkpoint: { offset, state: hasher.save() },
      });
      return reply({ op: 'reopened', index: request.index, offset });
    }
    case 'write': {
      const file = requireFile(request.index);
      if (request.offset !== file.written) {
        throw new Error(`chunk at ${request.offset} where ${file.written} was due`);
      }
      const data = new Uint8Array(request.buffer, request.byteOffset);
      file.access.write(data, { at: request.offset });
      file.hasher.update(data);
      file.written += data.length;
      // Chunks never cross a boundary: landing on one means a checkpoint.
      if (file.written % CHECKPOINT_BYTES === 0) {
        file.checkpoint = { offset: file.written, state: file.hasher.save() };
      }
      return reply({ op: 'written', index: request.index, offset: file.written });
    }
    case 'finish': {
      const file = requireFile(request.index);
      const size = file.access.getSize();
      file.access.close();
      files.delete(request.index);
      return reply({
        op: 'finished',
        index: request.index,
        digest: file.hasher.digest('hex'),
        size,
      });
    }
    case 'rollback': {
      const file = requireFile(request.index);
      file.access.truncate(file.checkpoint.offset);
      file.hasher.load(file.checkpoint.state);
      file.written = file.checkpoint.offset;
      return reply({ op: 'rolled-back', index: request.index, offset: file.written });
    }
    case 'discard': {
      try {
        for (const [index, file] of files) {
          file.access.close();
          files.delete(index);
        }
        const incoming = await directory([opfsPath(request.transferId, 0)[0]], true);
        await incoming.removeEntry(request.transferId, { recursive: true });
      } catch {
        // Nothing was written, or it is already gone: nothing left to delete.
      }
      return reply({ op: 'discarded', transferId: request.transferId });
    }
  }
}

// Requests run strictly in order: a write must never overtake the open before it.
self.onmessage = (event: MessageEvent<WriterRequest>) => {
  const request = event.data;
  queue = queue
    .then(() => handle(request))
    .catch((error: unknown) =>
      reply({
        op: 'error',
        ...('index' in request ? { index: request.index } : {}),
        message: error instanceof Error ? error.message : String(error),
      }),
    );
};
