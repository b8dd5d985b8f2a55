/**
 * Picked files travel from the send page to the offscreen document over this
 * BroadcastChannel (same-origin extension pages; structured clone keeps File objects).
 */
export const FILE_BATCH_CHANNEL = 'peerbeam-file-batches';

export interface FileBatch {
  batchId: string;
  files: { file: File; path: string }[];
}
