/**
 * Who watches a shared tab, and which code the next viewer uses.
 *
 * Several viewers: every viewer gets its own one-time code. A code allows one guess (a wrong
 * one burns the nameplate), so one code shared by many viewers would either give an attacker
 * as many guesses as there are seats, or lock out everyone after a typo. Instead at most one
 * code is on offer at a time; the moment a viewer claims it (the server pairs the mailbox),
 * the sharer allocates the next one and the popup shows it. Each viewer then has its own
 * PAKE, its own sealed signaling and its own RTCPeerConnection.
 *
 *   (no offer) ──offering──→ offered ──codeShown──→ offered+code ──claimed──→ viewer joining
 *                               └──offerFailed──→ (no offer)      viewer ──watching──→ watching
 *                                                                 viewer ──left──→ (gone)
 *
 * Pure bookkeeping: the offscreen document does the networking and asks `wantsOffer`.
 */
import type { IcePath } from './ice-path.js';

/** Each viewer is a separate encoder in the sharer's browser: the cap bounds its CPU. */
export const MAX_TAB_VIEWERS = 6;

export type ViewerStage = 'joining' | 'watching';

export interface TabViewer {
  id: string;
  name?: string;
  stage: ViewerStage;
  path?: IcePath;
  /** The selected candidate pair's types, e.g. 'host → host'. */
  candidates?: string;
}

export interface RosterSnapshot {
  /** The code for the next viewer, once allocated. */
  code?: string;
  viewers: TabViewer[];
  /** Viewers whose media connection is up. */
  watching: number;
  full: boolean;
}

export class TabRoster {
  private offer: { id: string; code?: string } | undefined;
  private readonly viewers = new Map<string, TabViewer>();

  constructor(readonly maxViewers = MAX_TAB_VIEWERS) {}

  /** No code is on offer and there is room for one more viewer. */
  get wantsOffer(): boolean {
    return this.offer === undefined && this.viewers.size < this.maxViewers;
  }

  offering(id: string): void {
    if (!this.wantsOffer) throw new Error('a code is already on offer, or the share is full');
    this.offer = { id };
  }

  codeShown(id: string, code: string): void {
    if (this.offer?.id === id) this.offer.code = code;
  }

  /** A viewer claimed the offered code: it becomes a joining viewer and the offer is free. */
  claimed(id: string): void {
    if (this.offer?.id !== id) return;
    this.offer = undefined;
    this.viewers.set(id, { id, stage: 'joining' });
  }

  /** The offer ended before anyone claimed it (signaling lost, mailbox expired). */
  offerFailed(id: string): void {
    if (this.offer?.id === id) this.offer = undefined;
  }

  named(id: string, name: string): void {
    const viewer = this.viewers.get(id);
    if (viewer) viewer.name = name;
  }

  watching(id: string, pair?: { path: IcePath; local: string; remote: string }): void {
    const viewer = this.viewers.get(id);
    if (!viewer) return;
    viewer.stage = 'watching';
    if (pair) {
      viewer.path = pair.path;
      viewer.candidates = `${pair.local} → ${pair.remote}`;
    }
  }

  /** The viewer left, failed to connect, or was dropped. Returns whether it was known. */
  left(id: string): boolean {
    return this.viewers.delete(id);
  }

  has(id: string): boolean {
    return this.viewers.has(id);
  }

  snapshot(): RosterSnapshot {
    const viewers = [...this.viewers.values()].map((viewer) => ({ ...viewer }));
    return {
      ...(this.offer?.code ? { code: this.offer.code } : {}),
      viewers,
      watching: viewers.filter((viewer) => viewer.stage === 'watching').length,
      full: this.viewers.size >= this.maxViewers,
    };
  }
}
