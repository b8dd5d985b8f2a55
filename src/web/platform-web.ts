/**
 * The engine's third host (DESIGN.md "One engine, three hosts"): the no-install web page runs
 * the engine itself, and this is its platform. Settings are the page's own server (it trusts
 * the server that serves it); received files wait on disk (OPFS) or, in a browser without it,
 * in memory (staging.ts), and become downloads of their verified copy (downloads.ts); the room
 * for an offer is what is left of the page's storage quota, or of the memory limit, so an
 * offer too large for this browser is refused before Accept; a page cannot capture a tab, and
 * plays a watched one on its own watch screen (tab-viewer.ts).
 */
import { PeerbeamError } from '../core/errors.js';
import { signalingUrlFor } from '../core/tab-links.js';
import { opfsScratch, type Scratch } from '../engine/opfs-scratch.js';
import type { EngineEvents, Platform } from '../engine/platform.js';
import { Downloads } from './downloads.js';
import { MemoryScratch, memoryLimit } from './memory-scratch.js';
import { sweepLeftovers } from './opfs-sweep.js';
import { staging, stagesInMemory } from './staging.js';

export interface WebPlatform extends Platform {
  readonly downloads: Downloads;
}

/** The page's one memory scratch (its room is shared by every transfer of the page). */
let memory: MemoryScratch | undefined;
const memoryScratch = (): MemoryScratch =>
  (memory ??= new MemoryScratch(memoryLimit(matchMedia('(pointer: coarse)').matches)));

/** The scratch the engine's receiver writes to: the one this browser stages files in. */
const stagedScratch = (): Scratch => (stagesInMemory() ? memoryScratch() : opfsScratch);
const webScratch: Scratch = {
  createWriter: () => stagedScratch().createWriter(),
  file: (transferId, index) => stagedScratch().file(transferId, index),
  remove: (transferId, index) => stagedScratch().remove(transferId, index),
};

export interface Room {
  /** Bytes a new offer may take now; undefined if the browser does not say. */
  bytes: number | undefined;
  /** Set when files wait in memory: the most this page ever takes at once. */
  memoryLimit?: number;
}

/** What this page can take for an offer now: its storage quota left, or its memory left. */
export async function offerRoom(): Promise<Room> {
  if ((await staging()) === 'memory') {
    const scratch = memoryScratch();
    return { bytes: scratch.room(), memoryLimit: scratch.limit };
  }
  const { quota, usage } = await navigator.storage.estimate();
  return { bytes: quota === undefined ? undefined : Math.max(0, quota - (usage ?? 0)) };
}

export function webPlatform(
  events: EngineEvents,
  deviceName: () => string,
  openTabViewer: Platform['openTabViewer'],
): WebPlatform {
  const downloads = new Downloads();
  // Before the first offer is weighed (and so before anything is written): leftovers go first.
  const swept = staging()
    .then((staged) => (staged === 'disk' ? sweepLeftovers() : undefined))
    .catch(() => undefined);
  let holds = 0;
  // Leaving the page ends its sessions: while one runs, the browser asks first.
  const warn = (event: BeforeUnloadEvent) => event.preventDefault();
  addEventListener('pagehide', () => void downloads.releaseAll());

  return {
    downloads,
    loadSettings: async () => ({
      signalingUrl: signalingUrlFor(location.href),
      deviceName: deviceName(),
    }),
    saveFile: (file, relativePath, release) => downloads.save(file, relativePath, release),
    room: async () => {
      await swept;
      return (await offerRoom()).bytes;
    },
    scratch: webScratch,
    captureTab: () =>
      Promise.reject(new PeerbeamError('TAB_SHARE_UNSUPPORTED', 'a web page cannot capture a tab')),
    openTabViewer,
    keepAlive() {
      if (holds++ === 0) addEventListener('beforeunload', warn);
      let held = true;
      return () => {
        if (!held) return;
        held = false;
        if (--holds === 0) removeEventListener('beforeunload', warn);
      };
    },
    events,
  };
}
