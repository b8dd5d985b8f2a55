import { afterEach, describe, expect, it, vi } from 'vitest';
import { takeBatch } from './file-batches.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('the files of a send wait for the send page', () => {
  it('files that never arrive from the send page → FILES_NOT_RECEIVED after 10 s', async () => {
    vi.useFakeTimers();
    const taken = takeBatch('batch-that-never-came');
    const outcome = expect(taken).rejects.toMatchObject({ code: 'FILES_NOT_RECEIVED' });
    await vi.advanceTimersByTimeAsync(10_000);
    await outcome;
  });
});
