/**
 * Files picked on the send page arrive here by structured clone (File objects cannot travel
 * through runtime messages, which are JSON). They wait, by batch id, for startSendFiles. The
 * channel listens from the moment this module loads, so a batch posted early is not lost.
 */
import { PeerbeamError } from '../core/errors.js';
import type { OutgoingFile } from '../engine/engine.js';
import { FILE_BATCH_CHANNEL } from '../shared/file-batch.js';

const fileBatches = new Map<string, OutgoingFile[]>();
const batchWaiters = new Map<string, () => void>();
// Held for the document's lifetime: a channel only a listener refers to must not be collected
// (the spec says so), but a lost batch costs a send, so nothing rests on that.
const batchChannel = new BroadcastChannel(FILE_BATCH_CHANNEL);
batchChannel.addEventListener('message', (event: MessageEvent<unknown>) => {
  const batch = event.data as { batchId?: unknown; files?: unknown };
  if (typeof batch.batchId !== 'string' || !Array.isArray(batch.files)) return;
  const files = (batch.files as { file?: unknown; path?: unknown }[]).filter(
    (entry): entry is OutgoingFile => entry.file instanceof File && typeof entry.path === 'string',
  );
  fileBatches.set(batch.batchId, files);
  batchWaiters.get(batch.batchId)?.();
});

export async function takeBatch(batchId: string): Promise<OutgoingFile[]> {
  if (!fileBatches.has(batchId)) {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new PeerbeamError('FILES_NOT_RECEIVED', 'the files never arrived')),
        10_000,
      );
      batchWaiters.set(batchId, () => {
        clearTimeout(timer);
        resolve();
      });
    });
    batchWaiters.delete(batchId);
  }
  const files = fileBatches.get(batchId)!;
  fileBatches.delete(batchId);
  return files;
}
