/**
 * Firefox may stop the background page however awake it is kept (an update, a forced stop:
 * extension.terminateBackground), and a stopped page has no signaling socket for a paired
 * device to reach: a link for this browser then waits in the sender's outbox, one sent from
 * here in ours. An alarm is one of the events that start an event page again, so while there
 * are paired devices or queued links one stays set; the woken page's engine comes online and
 * both outboxes drain (the couriers deliver what waits for a device that comes online).
 */
import browser from 'webextension-polyfill';

/** The test build wakes sooner (vite.config.ts), so the e2e suite need not wait a minute. */
declare const __PEERBEAM_TEST_WAKE_MINUTES__: number | undefined;

/** A stopped page wakes within this; Firefox sets no minimum period. */
export const WAKE_PERIOD_MINUTES =
  typeof __PEERBEAM_TEST_WAKE_MINUTES__ === 'number' ? __PEERBEAM_TEST_WAKE_MINUTES__ : 1;

/** A periodic alarm that starts a stopped page again while it is set. */
export interface WakeAlarm {
  /** Keeps the alarm set while `needed`, and cleared otherwise. */
  wakeWhile(needed: boolean): Promise<void>;
  /**
   * Registered at top level: Firefox starts a stopped page for an alarm only if the listener
   * was there. Waking is all it is for: the engine starts with the page.
   */
  onWake(woke: () => void): void;
}

export function wakeAlarm(name: string, periodInMinutes: number): WakeAlarm {
  return {
    async wakeWhile(needed) {
      const alarm = await browser.alarms.get(name);
      if (needed && !alarm) await browser.alarms.create(name, { periodInMinutes });
      else if (!needed && alarm) await browser.alarms.clear(name);
    },
    onWake(woke) {
      browser.alarms.onAlarm.addListener((alarm) => {
        if (alarm.name === name) woke();
      });
    },
  };
}

/** While there are paired devices or queued links. */
export const linkWake = wakeAlarm('peerbeam-wake', WAKE_PERIOD_MINUTES);
