/** Messages between the receiver (in the engine's host document) and its OPFS writer worker. */
export type WriterRequest =
  | { op: 'open'; transferId: string; index: number }
  /** Opens a copy a stopped host left, kept to its last whole checkpoint and hashed again. */
  | { op: 'reopen'; transferId: string; index: number }
  | { op: 'write'; index: number; offset: number; buffer: ArrayBuffer; byteOffset: number }
  | { op: 'finish'; index: number }
  | { op: 'rollback'; index: number }
  | { op: 'discard'; transferId: string };

export type WriterReply =
  | { op: 'opened'; index: number }
  | { op: 'reopened'; index: number; offset: number }
  | { op: 'written'; index: number; offset: number }
  | { op: 'finished'; index: number; digest: string; size: number }
  | { op: 'rolled-back'; index: number; offset: number }
  | { op: 'discarded'; transferId: string }
  | { op: 'error'; index?: number; message: string };

/** Where a received file waits in the Origin Private File System until it is saved. */
export const opfsPath = (transferId: string, index: number): [string, string, string] => [
  'incoming',
  transferId,
  String(index),
];
