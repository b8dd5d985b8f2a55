/**
 * The engine's host exists only when needed (core/host-idle.ts). The host counts its
 * keep-alive holds here and learns what IndexedDB keeps (paired devices, queued links); once
 * nothing has happened for the grace period and there is no work, it is told `idle(epoch)`
 * and asks to be closed. The closer confirms with `stillIdle(epoch)` just before: anything
 * that happened meanwhile (a request, a hold) moved the epoch on, and the host stays.
 */
import { decideHost, type HostDecision, type HostWork } from '../core/host-idle.js';
import { listDevices, listLinks } from './device-store.js';

export type StoredWork = Pick<HostWork, 'pairedDevices' | 'queuedLinks'>;

/** Paired devices and queued links, as this origin's IndexedDB holds them. */
export async function storedWork(): Promise<StoredWork> {
  const [devices, links] = await Promise.all([listDevices(), listLinks()]);
  const paired = new Set(devices.map((device) => device.id));
  return {
    pairedDevices: devices.length,
    // A link to a device unpaired since can never go: it keeps nothing alive.
    queuedLinks: links.filter(
      (link) => link.direction === 'sent' && link.state === 'pending' && paired.has(link.deviceId),
    ).length,
  };
}

export interface HostIdleWatchOptions {
  graceMs: number;
  stored: () => Promise<StoredWork>;
  /** No work for `graceMs`: the host may go, if `stillIdle(epoch)` holds when it does. */
  idle: (epoch: number) => void;
}

export class HostIdleWatch {
  private readonly holds = new Map<number, string>();
  private nextHold = 0;
  private epoch = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Unknown until read: until then (or if IndexedDB fails) the host stays. */
  private stored: StoredWork | undefined;

  constructor(private readonly options: HostIdleWatchOptions) {}

  /** Platform.keepAlive: work that must not be stopped, until the returned function runs. */
  hold(reason: string): () => void {
    const id = this.nextHold++;
    this.holds.set(id, reason);
    this.touch();
    return () => {
      if (this.holds.delete(id)) this.touch();
    };
  }

  /** Something happened (a request, a hold taken or given back): the grace starts again. */
  touch(): void {
    this.epoch++;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.stored === undefined || this.decision().action === 'keep') return;
    const epoch = this.epoch;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.options.idle(epoch);
    }, this.options.graceMs);
  }

  /** Paired devices or queued links may have changed: read them again. */
  async refresh(): Promise<void> {
    try {
      this.stored = await this.options.stored();
    } catch (error) {
      console.warn('peerbeam: cannot read the stored devices; the host stays', error);
      this.stored = undefined;
    }
    this.touch();
  }

  /** True when nothing happened since `epoch` and there is still no work. */
  stillIdle(epoch: number): boolean {
    return epoch === this.epoch && this.stored !== undefined && this.decision().action === 'close';
  }

  decision(): HostDecision {
    return this.stored === undefined
      ? { action: 'keep', because: 'stored devices not read yet' }
      : decideHost({ holds: [...this.holds.values()], ...this.stored });
  }
}
