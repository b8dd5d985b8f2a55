/**
 * A running transfer whose host may be stopped under it (Firefox stops its background event
 * page whenever it likes, with every socket and peer connection in it): what to keep so a new
 * host can take the transfer up again, when to write it, and which kept record is still worth
 * resuming. The host keeps the records (Platform.transfers); the engine reads them at start
 * and rebuilds the session, which then recovers as after a lost connection (recovery.ts): a
 * new PAKE in the mailbox derived from the session key, a new peer connection, and a resume
 * from the receiver's checkpoint.
 *
 * The record holds the session's resume secret, so a host keeps it in memory only (Firefox:
 * storage.session, gone when the browser quits), never on disk. Neither bytes nor offsets are
 * in it: a receiver's bytes are in OPFS, which outlives the host, and the new receiver reads
 * them back and hashes them again (only whole checkpoints count, as after any reconnect), so
 * the disk, not a throttled copy of a counter, says where to go on from. A sender's files died
 * with its host: the page that picked them (still open, it holds them) hands them again, and
 * the sender hashes each up to where the receiver resumes.
 */
import type { IceServer } from '../core/protocol.js';
import type { PeerIdentity } from '../rtc/established.js';
import type { ReceiverCheckpoint } from './file-receiver.js';
import type { OutgoingFile, SenderCheckpoint } from './file-sender.js';
import { discardCopies, type Scratch } from './opfs-scratch.js';
import { RECOVERY_TIMINGS } from './recovery-policy.js';
import type { SessionRole } from './views.js';

/** What a session keeps of itself while its files move (Session.resumable). */
export interface ResumableState {
  /** The session's id; its received copies wait in OPFS under it. */
  id: string;
  role: SessionRole;
  /** Its side in the PAKE: A drives a recovery, B waits for A. */
  side: 'A' | 'B';
  /** Its tag on a shared (paired) link; '' for a link of its own. */
  sid: string;
  peer: PeerIdentity;
  verifier?: string;
  /** resumeSecret(sessionKey), base64url: finds the peer's mailbox and is the PAKE's password. */
  resumeSecret: string;
  iceServers: IceServer[];
  /** The peer connection's generation: a new one after the restart counts on from it. */
  generation: number;
  /** The receiver's side of the transfer. */
  receive?: ReceiverCheckpoint;
  /** The sender's side: its files are not in it (a File dies with its host; see sameFiles). */
  send?: SenderCheckpoint;
}

export interface ResumableTransfer extends ResumableState {
  version: 1;
  /** When the host last wrote it, alive: the peer's two-minute clock starts soon after. */
  aliveAt: number;
}

/** Where a host keeps the records, in memory only (they hold a session secret). */
export interface TransferStore {
  load(): Promise<ResumableTransfer[]>;
  save(record: ResumableTransfer): Promise<void>;
  remove(id: string): Promise<void>;
}

/**
 * Whether `files`, handed again by the page that picked them, are the ones a restored sender
 * was sending: the same paths and sizes, in the same order (the receiver's offsets refer to
 * them by index). The bytes are checked end to end anyway: every file's BLAKE3.
 */
export function sameFiles(
  wanted: readonly { path: string; size: number }[],
  files: readonly OutgoingFile[],
): boolean {
  return (
    wanted.length === files.length &&
    wanted.every(({ path, size }, index) => {
      const offered = files[index]!;
      return offered.path === path && offered.file.size === size;
    })
  );
}

/** A record is written again at least this often while its transfer runs. */
export const ALIVE_EVERY_MS = 5_000;

/**
 * Which records to resume (the newest one still within the peer's deadline: the engine runs
 * one session at a time) and which to drop (the rest: their peers have given up, or will).
 */
export function sortRecords(
  records: readonly ResumableTransfer[],
  now: number,
): { resume: ResumableTransfer | undefined; drop: ResumableTransfer[] } {
  const fresh = records
    .filter((record) => record.version === 1 && now - record.aliveAt < RECOVERY_TIMINGS.deadlineMs)
    .sort((a, b) => b.aliveAt - a.aliveAt);
  const resume = fresh[0];
  return { resume, drop: records.filter((record) => record !== resume) };
}

/**
 * Writes a session's record as it changes: when what it holds changed, and at least every
 * ALIVE_EVERY_MS while it runs (progress alone changes nothing in it, so a fast transfer costs
 * a write every few seconds); removes it once the transfer is over. Writes go in order, so a
 * late save never brings back a removed record.
 */
export class TransferKeeper {
  private kept: { id: string; key: string; at: number } | undefined;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: TransferStore,
    private readonly now: () => number = Date.now,
  ) {}

  /** Session `id` changed: `state` is what to keep of it, undefined when there is nothing. */
  keep(id: string, state: ResumableState | undefined): void {
    if (!state) {
      if (this.kept?.id !== id) return;
      this.kept = undefined;
      this.write(() => this.store.remove(id));
      return;
    }
    const key = JSON.stringify(state);
    const at = this.now();
    const kept = this.kept;
    if (kept?.id === state.id && kept.key === key && at - kept.at < ALIVE_EVERY_MS) return;
    if (kept && kept.id !== state.id) this.write(() => this.store.remove(kept.id));
    this.kept = { id: state.id, key, at };
    this.write(() => this.store.save({ ...state, version: 1, aliveAt: at }));
  }

  /** Resolves once every write asked for so far is done. */
  settled(): Promise<void> {
    return this.queue;
  }

  private write(action: () => Promise<void>): void {
    this.queue = this.queue.then(action).catch((error: unknown) => {
      console.warn('peerbeam: cannot keep the transfer for a restart', error);
    });
  }
}

/** Deletes what a transfer that will not be resumed left in scratch space. */
export const discardScratch = (scratch: Scratch, transferId: string): Promise<void> =>
  discardCopies(scratch.createWriter(), transferId);
