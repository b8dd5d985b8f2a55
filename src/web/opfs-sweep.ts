/**
 * Deletes what closed pages left in the Origin Private File System. A page's partial files
 * live only as long as it does (a transfer cannot outlive its page), but a page that is closed
 * or crashes mid-transfer never deletes them, and they would count against the quota for good.
 *
 * Other open pages of this origin may be receiving into the same folder, so it sweeps only when
 * it is the only page: every page holds a shared Web Lock for its life, and a page that loads
 * sweeps only if it can take that lock exclusively at once (no page holds it).
 */
import { opfsPath } from '../engine/opfs-messages.js';

const PAGES_LOCK = 'peerbeam-pages';

/** Sweeps if no other page is open; then holds this page's share of the lock until it goes. */
export async function sweepLeftovers(): Promise<void> {
  if (!navigator.locks) return;
  await navigator.locks.request(PAGES_LOCK, { ifAvailable: true }, async (alone) => {
    if (!alone) return;
    const root = await navigator.storage.getDirectory();
    await root.removeEntry(opfsPath('', 0)[0], { recursive: true }).catch(() => undefined);
  });
  void navigator.locks.request(PAGES_LOCK, { mode: 'shared' }, () => new Promise(() => undefined));
}
