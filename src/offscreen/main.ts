/**
 * The offscreen document owns every RTCPeerConnection and every signaling socket, because it
 * outlives the popup and, unlike the service worker, is not stopped when idle. It keeps the
 * one session the popup shows, and the links to remembered devices.
 */
import { CONNECT_RATE, decideConnect } from '../core/device-consent.js';
import { DeviceRateLimiter } from '../core/device-rate-limit.js';
import { PeerbeamError } from '../core/errors.js';
import type { SessionKind } from '../core/peer-signal.js';
import { derivePairingSecret, pairedMailboxId } from '../core/pairing.js';
import { call, notify, registerMethods } from '../shared/messaging.js';
import type { SessionRole, SessionView, Settings } from '../shared/session-view.js';
import { receiveByCode, sendByCode } from '../rtc/code-sessions.js';
import { DeviceLinks, type DeviceLink } from './device-links.js';
import { deviceIdFor, deviceIdentity } from './device-store.js';
import type { EstablishContext, Established } from '../rtc/establish.js';
import type { SaveFile } from './file-receiver.js';
import type { OutgoingFile } from './file-sender.js';
import { opfsPath } from './opfs-messages.js';
import { LinkCourier } from './link-courier.js';
import { Session, type SessionOptions } from './session.js';
import { createTabHost } from './tab-share-host.js';
import { FILE_BATCH_CHANNEL } from '../shared/file-batch.js';

let settings: Settings | undefined;
let current: Session | undefined;
/** The paired device whose link carries `current`, when it is a paired session. */
let currentPairedWith: string | undefined;
const connectRate = new DeviceRateLimiter(CONNECT_RATE);
/** Sharing a tab live, and watching one in a viewer page. */
const tabs = createTabHost(configure);

const links: DeviceLinks = new DeviceLinks({
  signalingUrl: () => requireSettings().signalingUrl,
  changed: () => {
    const devices = links.list();
    notify('popup', 'devicesChanged', devices);
    void call('background', 'devicesChanged', devices);
  },
  connectRequested: (link, kind, sid) => connectRequested(link, kind, sid),
  online: (link) => void courier.flush(link),
  linkReceived: (link, message) => void courier.received(link, message),
  linkAcked: (id, refused) => void courier.acked(id, refused),
});

const courier = new LinkCourier(() => links, {
  changed: () => void courier.list().then((list) => notify('popup', 'linksChanged', list)),
  show: (link) => void call('background', 'showLink', link),
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

/**
 * A paired device asks for a session. It gets one only for what the app itself asks for, never
 * by ending a session that runs, and within its rate (core/device-consent.ts); otherwise it is
 * told why, with a `bye` for the session it asked for.
 */
function connectRequested(link: DeviceLink, kind: SessionKind, sid: string): void {
  const running = current && !current.isOver ? { pairedWith: currentPairedWith } : undefined;
  const decision = decideConnect({
    kind,
    deviceId: link.device.id,
    withinRate: connectRate.allow(link.device.id),
    running,
  });
  if (decision.action === 'refuse') {
    link.sealed?.trySend({ t: 'bye', sid, reason: decision.reason });
    return;
  }
  startPaired(link, { intent: kind, sid }).catch((error: unknown) => {
    console.warn('peerbeam: a paired session did not start', error);
  });
}

async function start(
  role: SessionRole,
  establish: (context: EstablishContext) => Promise<Established>,
  extra: Pick<SessionOptions, 'intent' | 'files' | 'intentAgreed' | 'sid'> = {},
  pairedWith?: string,
): Promise<SessionView> {
  const { publicKey } = await deviceIdentity();
  current?.close();
  const session: Session = new Session({
    role,
    self: { name: requireSettings().deviceName, publicKey },
    establish,
    ...extra,
    onTabOffered: (established) =>
      tabs.offerTab(established, {
        ...(session.peer ? { sharerName: session.peer.name } : {}),
        onEnded: () => session.close(),
      }),
    saveFile,
    signalingUrl: () => requireSettings().signalingUrl,
    onChange: (view) => notify('popup', 'sessionChanged', view),
    onTransferEnd: (view) => void call('background', 'transferEnded', view),
  });
  current = session;
  currentPairedWith = pairedWith;
  void session.run();
  return session.snapshot();
}

/** A session with a paired device over its link: no code, no new PAKE on a nameplate. */
function startPaired(
  link: DeviceLink,
  { intent, sid, files }: { intent: SessionKind; sid: string; files?: OutgoingFile[] },
): Promise<SessionView> {
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
    { intent, sid, intentAgreed: true, ...(files ? { files } : {}) },
    link.device.id,
  );
}

/** Asks a paired device to open a session of `kind` with us, and opens ours. */
function connectPaired(
  link: DeviceLink,
  kind: SessionKind,
  files?: OutgoingFile[],
): Promise<SessionView> {
  const sid = crypto.randomUUID();
  link.sealed?.send({ t: 'connect', kind, sid });
  return startPaired(link, { intent: kind, sid, ...(files ? { files } : {}) });
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

/** Received files wait in OPFS until their download finished; then their copy goes. */
const savedFiles = new Map<string, { transferId: string; index: number }>();

const saveFile: SaveFile = async (file, relativePath, where) => {
  // As octet-stream, so Chromium keeps the sender's extension instead of guessing one.
  const url = URL.createObjectURL(file.slice(0, file.size, 'application/octet-stream'));
  savedFiles.set(url, where);
  await call('background', 'saveDownload', { url, filename: `Peerbeam/${relativePath}` });
};

async function downloadEnded(url: string): Promise<void> {
  const where = savedFiles.get(url);
  URL.revokeObjectURL(url);
  if (!where) return;
  savedFiles.delete(url);
  const [root, transfer, name] = opfsPath(where.transferId, where.index);
  const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle(root);
  const transferDir = await dir.getDirectoryHandle(transfer);
  await transferDir.removeEntry(name).catch(() => undefined);
}

/**
 * Files picked on the send page arrive here by structured clone (File objects cannot travel
 * through runtime messages, which are JSON). They wait, by batch id, for startSendFiles.
 */
const fileBatches = new Map<string, OutgoingFile[]>();
const batchWaiters = new Map<string, () => void>();
// Held for the document's lifetime: a channel only a listener refers to must not be collected
// (the spec says so), but a lost batch costs a send, so nothing rests on that.
const batchChannel = new BroadcastChannel(FILE_BATCH_CHANNEL);
batchChannel.addEventListener('message', (event: MessageEvent<unknown>) => {
  const batch = event.data as { batchId?: unknown; files?: unknown };
  if (typeof batch.batchId !== 'string' || !Array.isArray(batch.files)) return;
  const files = (batch.files as { file?: unknown; path?: unknown }[]).filter(
    (entry): entry is OutgoingFile => entry.file instanceof File && typeof entry.path === 'string',
  );
  fileBatches.set(batch.batchId, files);
  batchWaiters.get(batch.batchId)?.();
});

async function takeBatch(batchId: string): Promise<OutgoingFile[]> {
  if (!fileBatches.has(batchId)) {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new PeerbeamError('BAD_REQUEST', 'the files never arrived')),
        10_000,
      );
      batchWaiters.set(batchId, () => {
        clearTimeout(timer);
        resolve();
      });
    });
    batchWaiters.delete(batchId);
  }
  const files = fileBatches.get(batchId)!;
  fileBatches.delete(batchId);
  return files;
}

registerMethods('offscreen', {
  configure: ({ settings: next }) => configure(next),
  startSend: ({ settings: next }) => {
    configure(next);
    return start('send', sendByCode(next.signalingUrl), { intent: 'chat' });
  },
  startReceive: ({ code, settings: next }) => {
    configure(next);
    return start('receive', receiveByCode(next.signalingUrl, code));
  },
  startSendFiles: async ({ batchId, settings: next, deviceId }) => {
    configure(next);
    const files = await takeBatch(batchId);
    if (deviceId) {
      return connectPaired(links.get(deviceId), 'files', files);
    }
    return start('send', sendByCode(next.signalingUrl), { intent: 'files', files });
  },
  acceptFiles: () => requireSession().acceptFiles(),
  declineFiles: () => requireSession().declineFiles(),
  cancelTransfer: () => requireSession().cancelTransfer(),
  downloadEnded: ({ url }) => downloadEnded(url),
  sendLink: ({ deviceId, url, title }) => courier.send(deviceId, url, title),
  listLinks: () => courier.list(),
  setAutoOpenLinks: ({ deviceId, on }) => links.update(deviceId, { autoOpenLinks: on }),
  getSession: () => current?.snapshot() ?? null,
  sendText: ({ text }) => requireSession().sendText(text),
  closeSession: () => {
    current?.close();
  },
  rememberPeer,
  listDevices: () => links.list(),
  connectDevice: ({ id }) => {
    return connectPaired(links.get(id), 'chat');
  },
  unpairDevice: ({ id }) => links.get(id).unpair(),
  ping: () => 'pong' as const,
  ...tabs.methods,
});

// Boot: settings live in chrome.storage, which only the service worker can read.
void call('background', 'getSettings').then(async (loaded) => {
  configure(loaded);
  await links.load();
});
