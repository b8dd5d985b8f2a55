import { describe, expect, it } from 'vitest';
import { TransferProgress } from './transfer-progress.js';

describe('a finished transfer shows 100 %', () => {
  it('complete sets every count to the full size, whatever the last report said', () => {
    const progress = new TransferProgress(
      'send',
      [
        { path: 'a.bin', size: 100 },
        { path: 'b.bin', size: 50 },
      ],
      () => undefined,
    );
    progress.setState('transferring');
    progress.setDone(120);
    progress.fileDone(0, 100);
    progress.fileDone(1, 20);
    progress.setState('complete');
    const view = progress.snapshot();
    expect(view.doneBytes).toBe(150);
    expect(view.files.map((file) => file.done)).toEqual([100, 50]);
  });
});
