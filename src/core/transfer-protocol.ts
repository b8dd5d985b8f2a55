/**
 * The file transfer protocol on the RTCDataChannel (one reliable, ordered channel).
 *
 * Control frames are JSON text; data frames are binary:
 *
 *   byte 0      kind (0x01 = chunk)
 *   bytes 1–4   file index (u32, big endian)
 *   bytes 5–12  offset in the file (u64, big endian; < 2^53)
 *   bytes 13–   payload
 *
 *   sender                                   receiver
 *     | manifest{files[0..499], more}  ...       |   (pages of at most 500 files)
 *     |----------------------------------------->|   shows names, sizes, sender → Accept?
 *     |<------------------- accept | decline     |
 *     |<------------------- want{from}           |   unfinished files: where to (re)start
 *     | chunk(index, offset, bytes) ...          |   never crossing a checkpoint boundary
 *     |----------------------------------------->|
 *     |<------------------- ack{received}        |   every ACK_EVERY bytes written to disk
 *     | file-end{index, blake3}                  |
 *     |----------------------------------------->|   receiver compares its streaming hash
 *     |<------------------- file-result{index, ok}
 *     |<------------------- done                 |
 *
 * Resume: both sides keep the hash state at every CHECKPOINT_BYTES boundary. After a
 * reconnect the receiver rolls back to its last checkpoint and sends `want`; the sender
 * restores its hash state there and goes on. Nothing before the checkpoint is sent again.
 */
import { z } from 'zod';

export const CHUNK_KIND = 0x01;
export const CHUNK_HEADER_BYTES = 13;
/** Both sides snapshot hash state here; a resume restarts from the last one. */
export const CHECKPOINT_BYTES = 16 * 1024 * 1024;
/** The receiver acknowledges what it wrote this often... */
export const ACK_EVERY_BYTES = 4 * 1024 * 1024;
/** ...and the sender never has more than this in flight beyond the last ack: the receiver's
 * memory stays bounded even when its disk is slower than the network. */
export const RECEIVE_WINDOW_BYTES = 32 * 1024 * 1024;
export const MANIFEST_PAGE_FILES = 500;
export const MAX_FILES = 100_000;
const MAX_PATH_CHARS = 4096;
/**
 * All the names of one offer together. A real folder of MAX_FILES files has paths of ~100
 * characters; 100,000 paths of 4,096 would be 400 MB of names to sanitise before Accept.
 */
export const MAX_OFFER_PATH_CHARS = 16 * 1024 * 1024;
const MAX_SAFE_SIZE = Number.MAX_SAFE_INTEGER;

/** BLAKE3 (256-bit) of the whole file, hex: twice as fast as SHA-256 in WebAssembly here. */
const Blake3Hex = z.string().regex(/^[0-9a-f]{64}$/);
const FileIndex = z
  .number()
  .int()
  .min(0)
  .max(MAX_FILES - 1);
const ByteCount = z.number().int().min(0).max(MAX_SAFE_SIZE);

export const ManifestEntry = z.strictObject({
  path: z.string().min(1).max(MAX_PATH_CHARS),
  size: ByteCount,
});
export type ManifestEntry = z.infer<typeof ManifestEntry>;

export const TransferControl = z.discriminatedUnion('t', [
  z.strictObject({
    t: z.literal('manifest'),
    files: z.array(ManifestEntry).max(MANIFEST_PAGE_FILES),
    more: z.boolean(),
  }),
  z.strictObject({ t: z.literal('accept') }),
  z.strictObject({ t: z.literal('decline') }),
  /** Where to (re)start each file the receiver has not finished; files not listed are done. */
  z.strictObject({
    t: z.literal('want'),
    from: z.array(z.strictObject({ index: FileIndex, offset: ByteCount })).max(MAX_FILES),
  }),
  z.strictObject({ t: z.literal('ack'), received: ByteCount }),
  z.strictObject({ t: z.literal('file-end'), index: FileIndex, blake3: Blake3Hex }),
  z.strictObject({ t: z.literal('file-result'), index: FileIndex, ok: z.boolean() }),
  z.strictObject({ t: z.literal('done') }),
  /** `noRoom`: the receiver refused the offer, having room for only this many bytes. */
  z.strictObject({ t: z.literal('cancel'), noRoom: ByteCount.optional() }),
  z.strictObject({ t: z.literal('chat'), text: z.string().max(4000) }),
]);
export type TransferControl = z.infer<typeof TransferControl>;

export function decodeControl(text: string): TransferControl | undefined {
  try {
    const result = TransferControl.safeParse(JSON.parse(text));
    return result.success ? result.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Keeps a running total of an offer's manifest pages and says why it is too large to consider,
 * before any name is sanitised or shown.
 */
export class OfferBudget {
  private files = 0;
  private pathChars = 0;
  private bytes = 0;

  /** Adds a page; returns why the offer is refused, or undefined while it is within limits. */
  add(page: readonly ManifestEntry[]): string | undefined {
    this.files += page.length;
    for (const entry of page) {
      this.pathChars += entry.path.length;
      this.bytes += entry.size;
    }
    if (this.files > MAX_FILES) return `more than ${MAX_FILES} files`;
    if (this.pathChars > MAX_OFFER_PATH_CHARS) {
      return `more than ${MAX_OFFER_PATH_CHARS} characters of file names`;
    }
    if (this.bytes > MAX_SAFE_SIZE) return 'more than 8 PiB';
    return undefined;
  }
}

export const encodeControl = (message: TransferControl): string => JSON.stringify(message);

/** A data frame: header and payload in one buffer, ready for RTCDataChannel.send. */
export function encodeChunk(
  index: number,
  offset: number,
  payload: Uint8Array,
): Uint8Array<ArrayBuffer> {
  return writeChunk(new Uint8Array(CHUNK_HEADER_BYTES + payload.length), index, offset, payload);
}

/**
 * Writes a data frame into `frame` (at least header + payload bytes) and returns the view of
 * it to send. RTCDataChannel.send copies its argument, so a sender reuses one frame buffer
 * instead of allocating (and garbage-collecting) one per chunk.
 */
export function writeChunk(
  frame: Uint8Array<ArrayBuffer>,
  index: number,
  offset: number,
  payload: Uint8Array,
): Uint8Array<ArrayBuffer> {
  const length = CHUNK_HEADER_BYTES + payload.length;
  if (frame.length < length) throw new RangeError('the frame buffer is too small');
  const view = new DataView(frame.buffer, frame.byteOffset, length);
  view.setUint8(0, CHUNK_KIND);
  view.setUint32(1, index);
  view.setBigUint64(5, BigInt(offset));
  frame.set(payload, CHUNK_HEADER_BYTES);
  return frame.subarray(0, length);
}

export interface Chunk {
  index: number;
  offset: number;
  /** A view into the received buffer: no copy. */
  data: Uint8Array<ArrayBuffer>;
}

export function decodeChunk(buffer: ArrayBuffer): Chunk | undefined {
  if (buffer.byteLength < CHUNK_HEADER_BYTES) return undefined;
  const view = new DataView(buffer);
  if (view.getUint8(0) !== CHUNK_KIND) return undefined;
  const offset = view.getBigUint64(5);
  if (offset > BigInt(MAX_SAFE_SIZE)) return undefined;
  return {
    index: view.getUint32(1),
    offset: Number(offset),
    data: new Uint8Array(buffer, CHUNK_HEADER_BYTES),
  };
}

/** The next checkpoint boundary strictly after `offset`. */
export const nextCheckpoint = (offset: number): number =>
  (Math.floor(offset / CHECKPOINT_BYTES) + 1) * CHECKPOINT_BYTES;

/** The last checkpoint at or before `offset` (where a resume restarts). */
export const lastCheckpoint = (offset: number): number =>
  Math.floor(offset / CHECKPOINT_BYTES) * CHECKPOINT_BYTES;

/**
 * Where the sender's next chunk ends: at most `maxPayload` bytes, never past a checkpoint
 * boundary (so both sides hash exactly up to it), never past the end of the file.
 */
export const chunkEnd = (offset: number, size: number, maxPayload: number): number =>
  Math.min(offset + maxPayload, nextCheckpoint(offset), size);

/**
 * Where the sender's next disk read ends: `chunks` whole payloads at most, never past a
 * checkpoint or the end of the file. Cut the same way as chunks, every block splits into
 * whole chunks (see `chunkEnd`), so no chunk straddles two reads.
 */
export const blockEnd = (offset: number, size: number, maxPayload: number, chunks: number) =>
  Math.min(offset + maxPayload * chunks, nextCheckpoint(offset), size);

/** The largest payload that fits the peer's SCTP max-message-size (0 = unlimited). */
export function payloadSize(maxMessageSize: number | null | undefined, cap = 256 * 1024): number {
  const limit = maxMessageSize && maxMessageSize > 0 ? Math.min(maxMessageSize, cap) : cap;
  return limit - CHUNK_HEADER_BYTES;
}
