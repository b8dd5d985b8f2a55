import { describe, expect, it } from 'vitest';
import { FakeScratch } from '../../test/fakes/scratch.js';
import { RECOVERY_TIMINGS } from './recovery-policy.js';
import {
  ALIVE_EVERY_MS,
  TransferKeeper,
  discardScratch,
  sameFiles,
  sortRecords,
  type ResumableState,
  type ResumableTransfer,
  type TransferStore,
} from './resumable-transfer.js';

const state = (id: string, saved: number[] = []): ResumableState => ({
  id,
  role: 'receive',
  side: 'B',
  sid: '',
  peer: { name: 'Alice', publicKey: 'alice-key' },
  resumeSecret: 'ab'.repeat(32),
  iceServers: [],
  generation: 0,
  receive: { manifest: [{ path: 'a.bin', size: 10 }], saved, failed: [] },
});

const record = (id: string, aliveAt: number): ResumableTransfer => ({
  ...state(id),
  version: 1,
  aliveAt,
});

/** A store in memory that logs what was asked of it. */
class MemoryStore implements TransferStore {
  readonly records = new Map<string, ResumableTransfer>();
  readonly log: string[] = [];
  async load() {
    return [...this.records.values()];
  }
  async save(kept: ResumableTransfer) {
    this.log.push(`save ${kept.id}@${kept.aliveAt}`);
    this.records.set(kept.id, kept);
  }
  async remove(id: string) {
    this.log.push(`remove ${id}`);
    this.records.delete(id);
  }
}

describe('which kept transfers a starting host resumes', () => {
  it('resumes the newest record within the peer deadline and drops the rest', () => {
    const now = 1_000_000;
    const old = record('old', now - RECOVERY_TIMINGS.deadlineMs - 1);
    const older = record('older', now - 30_000);
    const newest = record('newest', now - 2_000);
    const { resume, drop } = sortRecords([old, older, newest], now);
    expect(resume).toBe(newest);
    expect(drop.map((kept) => kept.id).sort()).toEqual(['old', 'older']);
  });

  it('resumes nothing when every peer has given up, or nothing was kept', () => {
    const now = 1_000_000;
    expect(sortRecords([record('x', now - RECOVERY_TIMINGS.deadlineMs)], now)).toEqual({
      resume: undefined,
      drop: [record('x', now - RECOVERY_TIMINGS.deadlineMs)],
    });
    expect(sortRecords([], now)).toEqual({ resume: undefined, drop: [] });
  });
});

describe('keeping a running transfer for a restart', () => {
  it('writes when the record changes or has aged, not on every progress tick', async () => {
    const store = new MemoryStore();
    let now = 100;
    const keeper = new TransferKeeper(store, () => now);
    keeper.keep('s1', state('s1'));
    now += 250;
    keeper.keep('s1', state('s1')); // progress only
    now += 250;
    keeper.keep('s1', state('s1', [0])); // a file was saved
    now += ALIVE_EVERY_MS;
    keeper.keep('s1', state('s1', [0])); // still running: alive again
    await keeper.settled();
    expect(store.log).toEqual(['save s1@100', 'save s1@600', `save s1@${600 + ALIVE_EVERY_MS}`]);
    expect(store.records.get('s1')?.receive?.saved).toEqual([0]);
  });

  it('removes the record once the transfer is over, and a late change brings nothing back', async () => {
    const store = new MemoryStore();
    const keeper = new TransferKeeper(store, () => 1);
    keeper.keep('s1', state('s1'));
    keeper.keep('s1', undefined);
    keeper.keep('s1', undefined);
    await keeper.settled();
    expect(store.log).toEqual(['save s1@1', 'remove s1']);
    expect(store.records.size).toBe(0);
  });

  it("a new session's record replaces the last one's", async () => {
    const store = new MemoryStore();
    const keeper = new TransferKeeper(store, () => 1);
    keeper.keep('s1', state('s1'));
    keeper.keep('s2', state('s2'));
    keeper.keep('s1', undefined); // the old session's late change: not ours any more
    await keeper.settled();
    expect(store.log).toEqual(['save s1@1', 'remove s1', 'save s2@1']);
    expect([...store.records.keys()]).toEqual(['s2']);
  });

  it('a failing store costs a warning, not the transfer', async () => {
    const store = new MemoryStore();
    store.save = () => Promise.reject(new Error('quota'));
    const keeper = new TransferKeeper(store, () => 1);
    keeper.keep('s1', state('s1'));
    keeper.keep('s1', undefined);
    await keeper.settled();
    expect(store.log).toEqual(['remove s1']);
  });
});

describe("a dropped transfer's scratch copies", () => {
  it('are deleted', async () => {
    const scratch = new FakeScratch();
    scratch.files.set('t1/0', { bytes: new Uint8Array(5), size: 5 });
    scratch.files.set('t2/0', { bytes: new Uint8Array(5), size: 5 });
    await discardScratch(scratch, 't1');
    expect([...scratch.files.keys()]).toEqual(['t2/0']);
    expect(scratch.terminated).toBe(1);
  });
});

describe('files handed again to a restored sender', () => {
  const file = (size: number) => new File([new Uint8Array(size)], 'x');
  const wanted = [
    { path: 'a/one.bin', size: 3 },
    { path: 'two.txt', size: 0 },
  ];

  it('are taken only as the same paths and sizes, in the same order', () => {
    expect(
      sameFiles(wanted, [
        { path: 'a/one.bin', file: file(3) },
        { path: 'two.txt', file: file(0) },
      ]),
    ).toBe(true);
    expect(
      sameFiles(wanted, [
        { path: 'two.txt', file: file(0) },
        { path: 'a/one.bin', file: file(3) },
      ]),
    ).toBe(false);
    expect(
      sameFiles(wanted, [
        { path: 'a/one.bin', file: file(4) },
        { path: 'two.txt', file: file(0) },
      ]),
    ).toBe(false);
    expect(sameFiles(wanted, [{ path: 'a/one.bin', file: file(3) }])).toBe(false);
  });
});
