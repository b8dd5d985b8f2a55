/**
 * Firefox may stop the background page in the middle of a transfer (an update, a forced stop:
 * extension.terminateBackground), and every peer connection goes with it. The engine keeps a
 * record of the running transfer here (../engine/resumable-transfer.ts) and resumes it when the
 * page starts again; the peer keeps trying for two minutes.
 *
 * In `storage.session`: it holds the session's resume secret, and storage.session lives in
 * memory only, never on disk, and is cleared when the browser quits (a transfer cannot outlive
 * that anyway: the sender's files are gone with its page). It outlives a stopped page.
 *
 * A stopped page starts again only for an event: while a record exists, a short periodic alarm
 * is that event, so the page is back within seconds, well inside the peer's two minutes.
 */
import browser from 'webextension-polyfill';
import type { ResumableTransfer, TransferStore } from '../engine/resumable-transfer.js';
import { wakeAlarm } from './wake-alarm.js';

const PREFIX = 'transfer:';
/** Every 5 s while a transfer waits in a stopped page (Firefox sets no minimum). */
export const resumeWake = wakeAlarm('peerbeam-resume', 5 / 60);

async function load(): Promise<ResumableTransfer[]> {
  const all = await browser.storage.session.get(null);
  return Object.entries(all)
    .filter(([key]) => key.startsWith(PREFIX))
    .map(([, value]) => value as ResumableTransfer);
}

const wakeWhileKept = async (): Promise<void> => resumeWake.wakeWhile((await load()).length > 0);

export const transferRecords: TransferStore = {
  load,
  async save(record) {
    await browser.storage.session.set({ [PREFIX + record.id]: record });
    await wakeWhileKept();
  },
  async remove(id) {
    await browser.storage.session.remove(PREFIX + id);
    await wakeWhileKept();
  },
};
