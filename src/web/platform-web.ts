/**
 * The engine's third host (DESIGN.md "One engine, three hosts"): the no-install web page runs
 * the engine itself, and this is its platform. Settings are the page's own server (it trusts
 * the server that serves it); received files become downloads of their verified disk copy
 * (downloads.ts); the room for an offer is what is left of the page's storage quota, so an
 * offer too large for this browser is refused before Accept; a page cannot capture a tab.
 */
import { PeerbeamError } from '../core/errors.js';
import { signalingUrlFor } from '../core/tab-links.js';
import type { EngineEvents, Platform } from '../engine/platform.js';
import { Downloads } from './downloads.js';

export interface WebPlatform extends Platform {
  readonly downloads: Downloads;
}

/** Whether this browser can stream received files to disk (OPFS, as the engine writes it). */
export const canStageOnDisk = (): boolean =>
  typeof navigator.storage?.getDirectory === 'function' && typeof Worker === 'function';

/** Bytes the page may still store (quota minus usage); 0 without OPFS, undefined if unknown. */
export async function storageRoom(): Promise<number | undefined> {
  if (!canStageOnDisk()) return 0;
  const { quota, usage } = await navigator.storage.estimate();
  return quota === undefined ? undefined : Math.max(0, quota - (usage ?? 0));
}

export function webPlatform(events: EngineEvents, deviceName: () => string): WebPlatform {
  const downloads = new Downloads();
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
    async saveFile(file, relativePath, release) {
      downloads.save(file, relativePath, release);
    },
    room: storageRoom,
    captureTab: () =>
      Promise.reject(new PeerbeamError('TAB_SHARE_UNSUPPORTED', 'a web page cannot capture a tab')),
    // A tab is watched on the watch screen, which holds its own connection (web-viewer/).
    openTabViewer: () =>
      Promise.reject(new PeerbeamError('TAB_SHARE_UNSUPPORTED', 'watch on the watch screen')),
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
