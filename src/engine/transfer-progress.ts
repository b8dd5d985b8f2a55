/**
 * The progress of one transfer, as the popup shows it: per file and total, speed and ETA.
 * Changes are coalesced, so a fast transfer does not flood the popup with messages.
 */
import { RateMeter } from '../core/progress.js';
import type { TransferFileState, TransferState, TransferView } from './views.js';

const LISTED_FILES = 50;
const REPORT_EVERY_MS = 250;
const FINAL: readonly TransferState[] = ['complete', 'declined', 'cancelled', 'failed'];

export class TransferProgress {
  private readonly view: TransferView;
  private readonly sizes: number[];
  private readonly meter = new RateMeter();
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    direction: TransferView['direction'],
    files: { path: string; size: number }[],
    private readonly onChange: () => void,
  ) {
    this.sizes = files.map((f) => f.size);
    this.view = {
      direction,
      state: 'preparing',
      fileCount: files.length,
      totalBytes: this.sizes.reduce((a, b) => a + b, 0),
      doneBytes: 0,
      bytesPerSecond: 0,
      files: files.slice(0, LISTED_FILES).map(({ path, size }) => ({
        path,
        size,
        done: 0,
        state: 'waiting',
      })),
      recoveries: 0,
      resentBytes: 0,
      failedFiles: 0,
    };
  }

  get isFinal(): boolean {
    return FINAL.includes(this.view.state);
  }

  get state(): TransferState {
    return this.view.state;
  }

  snapshot(): TransferView {
    const remaining = this.view.totalBytes - this.view.doneBytes;
    return {
      ...this.view,
      files: this.view.files.map((f) => ({ ...f })),
      bytesPerSecond: Math.round(this.meter.bytesPerSecond),
      ...(this.view.state === 'transferring'
        ? { etaSeconds: this.meter.etaSeconds(remaining) }
        : {}),
    };
  }

  setState(state: TransferState): void {
    if (this.isFinal) return;
    if (state === 'reconnecting' && this.view.state !== 'reconnecting') this.view.recoveries++;
    this.view.state = state;
    // Complete means every byte arrived and was verified: the counts say so too, whatever the
    // last throttled report said ("149 MB of 152 MB" beside "complete").
    if (state === 'complete') {
      this.view.doneBytes = this.view.totalBytes;
      for (const file of this.view.files) file.done = file.size;
    }
    this.flush();
  }

  setDone(total: number): void {
    this.view.doneBytes = Math.min(total, this.view.totalBytes);
    this.meter.sample(this.view.doneBytes, performance.now());
    this.schedule();
  }

  fileDone(index: number, bytes: number): void {
    const file = this.view.files[index];
    if (file) file.done = bytes;
    this.schedule();
  }

  fileState(index: number, state: TransferFileState): void {
    if (state === 'failed') this.view.failedFiles++;
    const file = this.view.files[index];
    if (file) {
      file.state = state;
      if (state === 'saved') file.done = file.size;
    }
    this.schedule();
  }

  resent(bytes: number): void {
    this.view.resentBytes += bytes;
  }

  private schedule(): void {
    this.timer ??= setTimeout(() => this.flush(), REPORT_EVERY_MS);
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.onChange();
  }
}
