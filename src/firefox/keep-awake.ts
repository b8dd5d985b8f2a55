/**
 * Firefox stops an idle event page after its timeout (30 s), even with an open
 * RTCPeerConnection or WebSocket: only extension API calls count as activity (measured: one
 * call a second kept the page alive). While the engine has work, this makes that call; once
 * the host's idle watch says there is none, it stops and lets Firefox put the page to sleep.
 */
import browser from 'webextension-polyfill';

const TICK_MS = 1_000;

export class KeepAwake {
  private timer: ReturnType<typeof setInterval> | undefined;

  /** Keeps the page alive until `sleep()`; calling it again changes nothing. */
  awake(): void {
    this.timer ??= setInterval(() => {
      browser.runtime.getPlatformInfo().catch(() => undefined);
    }, TICK_MS);
  }

  sleep(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  get isAwake(): boolean {
    return this.timer !== undefined;
  }
}
