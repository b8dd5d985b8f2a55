/**
 * The offscreen document owns every RTCPeerConnection and every signaling socket, because it
 * outlives the popup and, unlike the service worker, is not stopped when idle. It keeps the
 * one session the popup shows, and the links to remembered devices.
 */
import { PeerbeamError } from '../core/errors.js';
import type { SessionKind } from '../core/peer-signal.js';
import { derivePairingSecret, pairedMailboxId } from '../core/pairing.js';
import { call, notify, registerMethods } from '../shared/messaging.js';
import type { SessionRole, SessionView, Settings } from '../shared/session-view.js';
import { receiveByCode, sendByCode } from '../rtc/code-sessions.js';
import { DeviceLinks, type DeviceLink } from './device-links.js';
import { deviceIdFor, deviceIdentity } from './device-store.js';
import type { EstablishContext, Established } from '../rtc/establish.js';
import { Session } from './session.js';

let settings: Settings | undefined;
let current: Session | undefined;

const links = new DeviceLinks({
  signalingUrl: () => requireSettings().signalingUrl,
  changed: () => notify('popup', 'devicesChanged', links.list()),
  connectRequested: (link) => void startPaired(link),
});

function requireSettings(): Settings {
  if (!settings) throw new PeerbeamError('INTERNAL', 'not configured yet');
  return settings;
}

function configure(next: Settings): void {
  const urlChanged = settings !== undefined && settings.signalingUrl !== next.signalingUrl;
  settings = next;
  if (urlChanged) links.restart();
}

async function start(
  role: SessionRole,
  establish: (context: EstablishContext) => Promise<Established>,
  intent?: SessionKind,
): Promise<SessionView> {
  const { publicKey } = await deviceIdentity();
  current?.close();
  const session = new Session({
    role,
    self: { name: requireSettings().deviceName, publicKey },
    establish,
    intent,
    onTabOffered: () =>
      Promise.reject(
        new PeerbeamError('BAD_REQUEST', 'watching a shared tab is not supported yet'),
      ),
    onChange: (view) => notify('popup', 'sessionChanged', view),
  });
  current = session;
  void session.run();
  return session.snapshot();
}

/** A session with a paired device over its link: no code, no new PAKE on a nameplate. */
function startPaired(link: DeviceLink, intent?: SessionKind): Promise<SessionView> {
  const sealed = link.sealed;
  if (!sealed) throw new PeerbeamError('NO_SESSION', `${link.device.name} is not online`);
  const { name, publicKey } = link.device;
  return start(
    'paired',
    async ({ setStep }) => {
      setStep('handshaking');
      return {
        sealed,
        iceServers: link.iceServers,
        peer: { name, publicKey },
        release: () => undefined,
      };
    },
    intent,
  );
}

function requireSession(): Session {
  if (!current) throw new PeerbeamError('NO_SESSION', 'no session is running');
  return current;
}

/** "Remember this device": store the peer with a secret derived from this session's key. */
async function rememberPeer(): Promise<void> {
  const session = requireSession();
  const { peer, sealed } = session;
  if (!peer || !sealed) throw new PeerbeamError('NO_SESSION', 'the other device is not known yet');
  const secret = derivePairingSecret(sealed.keys.sessionKey);
  await links.add({
    id: await deviceIdFor(peer.publicKey),
    name: peer.name,
    publicKey: peer.publicKey,
    secret,
    mailbox: pairedMailboxId(secret),
    pairedAt: Date.now(),
  });
  session.markRemembered();
}

registerMethods('offscreen', {
  configure: ({ settings: next }) => configure(next),
  startSend: ({ settings: next }) => {
    configure(next);
    return start('send', sendByCode(next.signalingUrl), 'chat');
  },
  startReceive: ({ code, settings: next }) => {
    configure(next);
    return start('receive', receiveByCode(next.signalingUrl, code));
  },
  getSession: () => current?.snapshot() ?? null,
  sendText: ({ text }) => requireSession().sendText(text),
  closeSession: () => {
    current?.close();
  },
  rememberPeer,
  listDevices: () => links.list(),
  connectDevice: ({ id }) => {
    const link = links.get(id);
    link.sealed?.send({ t: 'connect' });
    return startPaired(link, 'chat');
  },
  unpairDevice: ({ id }) => links.get(id).unpair(),
  ping: () => 'pong' as const,
});

// Boot: settings live in chrome.storage, which only the service worker can read.
void call('background', 'getSettings').then(async (loaded) => {
  configure(loaded);
  await links.load();
});
