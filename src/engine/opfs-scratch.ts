/**
 * Where received bytes wait until the host has saved them: the Origin Private File System,
 * written by a dedicated worker (opfs-writer.worker.ts). The receiver takes this as an
 * interface, so a test can give it a writer of its own.
 */
import { opfsPath, type WriterReply, type WriterRequest } from './opfs-messages.js';

/** The receiver's side of a writer worker. */
export interface WriterPort {
  postMessage(message: WriterRequest, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<WriterReply>) => void) | null;
  terminate(): void;
}

/** How long a writer may take to delete a transfer's copies before it is ended anyway. */
const DISCARD_MS = 10_000;

/** Has `writer` delete what `transferId` left in scratch space, then ends it. */
export function discardCopies(writer: WriterPort, transferId: string): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(deadline);
      writer.terminate();
      resolve();
    };
    const deadline = setTimeout(done, DISCARD_MS);
    writer.onmessage = (event: MessageEvent<WriterReply>) => {
      if (event.data.op === 'discarded') done();
    };
    writer.postMessage({ op: 'discard', transferId } satisfies WriterRequest);
  });
}

export interface Scratch {
  /** A writer for one transfer; requests run in order, each answered (WriterReply). */
  createWriter(): WriterPort;
  /** A finished file, to hand to the host. */
  file(transferId: string, index: number): Promise<File>;
  /** Deletes a saved file's copy. */
  remove(transferId: string, index: number): Promise<void>;
}

async function transferDirectory(transferId: string): Promise<FileSystemDirectoryHandle> {
  const [root, transfer] = opfsPath(transferId, 0);
  const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle(root);
  return dir.getDirectoryHandle(transfer);
}

export const opfsScratch: Scratch = {
  createWriter: () =>
    new Worker(new URL('./opfs-writer.worker.ts', import.meta.url), {
      type: 'module',
    }),
  async file(transferId, index) {
    const name = opfsPath(transferId, index)[2];
    return (await (await transferDirectory(transferId)).getFileHandle(name)).getFile();
  },
  async remove(transferId, index) {
    const name = opfsPath(transferId, index)[2];
    await (await transferDirectory(transferId)).removeEntry(name).catch(() => undefined);
  },
};
