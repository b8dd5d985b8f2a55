/**
 * The offscreen document owns every RTCPeerConnection and every signaling socket, because it
 * outlives the popup and, unlike the service worker, is not stopped when idle.
 */
import { PeerbeamError } from '../core/errors.js';
import { notify, registerMethods } from '../shared/messaging.js';
import type { SessionView } from '../shared/session-view.js';
import { PairingSession, type SessionOptions } from './pairing-session.js';

let current: PairingSession | undefined;

function start(options: Omit<SessionOptions, 'onChange'>): SessionView {
  current?.close();
  const session = new PairingSession({
    ...options,
    onChange: (view) => notify('popup', 'sessionChanged', view),
  });
  current = session;
  void session.run();
  return session.snapshot();
}

function requireSession(): PairingSession {
  if (!current) throw new PeerbeamError('NO_SESSION', 'no session is running');
  return current;
}

registerMethods('offscreen', {
  startSend: ({ signalingUrl }) => start({ role: 'send', signalingUrl }),
  startReceive: ({ code, signalingUrl }) => start({ role: 'receive', signalingUrl, code }),
  getSession: () => current?.snapshot() ?? null,
  sendText: ({ text }) => requireSession().sendText(text),
  closeSession: () => {
    current?.close();
  },
  ping: () => 'pong' as const,
});
