/**
 * Firefox may stop the background page however awake it is kept (an update, a forced stop:
 * extension.terminateBackground), and a stopped page has no signaling socket for a paired
 * device to reach: a link for this browser then waits in the sender's outbox, one sent from
 * here in ours. An alarm is one of the events that start an event page again, so while there
 * are paired devices or queued links one stays set; the woken page's engine comes online and
 * both outboxes drain (the couriers deliver what waits for a device that comes online).
 */
import browser from 'webextension-polyfill';

const WAKE_ALARM = 'peerbeam-wake';

/** The test build wakes sooner (vite.config.ts), so the e2e suite need not wait a minute. */
declare const __PEERBEAM_TEST_WAKE_MINUTES__: number | undefined;

/** A stopped page wakes within this; Firefox sets no minimum period. */
export const WAKE_PERIOD_MINUTES =
  typeof __PEERBEAM_TEST_WAKE_MINUTES__ === 'number' ? __PEERBEAM_TEST_WAKE_MINUTES__ : 1;

/** Keeps the wake alarm set while `needed`, and cleared otherwise. */
export async function wakeWhile(needed: boolean): Promise<void> {
  const alarm = await browser.alarms.get(WAKE_ALARM);
  if (needed && !alarm) {
    await browser.alarms.create(WAKE_ALARM, { periodInMinutes: WAKE_PERIOD_MINUTES });
  } else if (!needed && alarm) {
    await browser.alarms.clear(WAKE_ALARM);
  }
}

/**
 * Registered at top level: Firefox starts a stopped page for an alarm only if the listener was
 * there. Waking is all it is for: the engine starts with the page.
 */
export function onWake(woke: () => void): void {
  browser.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === WAKE_ALARM) woke();
  });
}
