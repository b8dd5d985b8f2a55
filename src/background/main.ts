/**
 * Service worker: routes events, keeps no state that matters in variables (it is stopped after
 * ~30 s idle). Listeners are registered at top level so a message that wakes the worker finds
 * them in place.
 */
import { call, registerMethods } from '../shared/messaging.js';
import { loadSettings, saveSettings } from '../shared/settings.js';
import { ensureOffscreenDocument } from './offscreen-document.js';

async function offscreen(): Promise<void> {
  await ensureOffscreenDocument();
}

registerMethods('background', {
  async startSend() {
    const { signalingUrl } = await loadSettings();
    await offscreen();
    return call('offscreen', 'startSend', { signalingUrl });
  },
  async startReceive({ code }) {
    const { signalingUrl } = await loadSettings();
    await offscreen();
    return call('offscreen', 'startReceive', { code, signalingUrl });
  },
  async getSession() {
    await offscreen();
    return call('offscreen', 'getSession');
  },
  async sendText(params) {
    await offscreen();
    return call('offscreen', 'sendText', params);
  },
  async closeSession() {
    await offscreen();
    return call('offscreen', 'closeSession');
  },
  getSettings: loadSettings,
  setSettings: saveSettings,
});
