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

const PREFIX = 'transfer:';
export const RESUME_ALARM = 'peerbeam-resume';
/** How often a stopped page is woken while a transfer waits in it (Firefox sets no minimum). */
export const RESUME_WAKE_MINUTES = 5 / 60;

async function keys(): Promise<string[]> {
  return Object.keys(await browser.storage.session.get(null)).filter((key) =>
    key.startsWith(PREFIX),
  );
}

async function wakeWhileKept(): Promise<void> {
  const kept = (await keys()).length > 0;
  const alarm = await browser.alarms.get(RESUME_ALARM);
  if (kept && !alarm) {
    await browser.alarms.create(RESUME_ALARM, { periodInMinutes: RESUME_WAKE_MINUTES });
  } else if (!kept && alarm) {
    await browser.alarms.clear(RESUME_ALARM);
  }
}

export const transferRecords: TransferStore = {
  async load() {
    const all = await browser.storage.session.get(null);
    return Object.entries(all)
      .filter(([key]) => key.startsWith(PREFIX))
      .map(([, value]) => value as ResumableTransfer);
  },
  async save(record) {
    await browser.storage.session.set({ [PREFIX + record.id]: record });
    await wakeWhileKept();
  },
  async remove(id) {
    await browser.storage.session.remove(PREFIX + id);
    await wakeWhileKept();
  },
};

/**
 * Registered at top level: Firefox starts a stopped page for an alarm only if its listener was
 * there. Waking is all it is for: the engine resumes what it finds when it starts.
 */
export function onResumeWake(woke: () => void): void {
  browser.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === RESUME_ALARM) woke();
  });
}
