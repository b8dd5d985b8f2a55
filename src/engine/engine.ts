/**
 * The engine: the one session the UI shows, the lines to remembered devices, the link courier
 * and tab sharing, behind typed methods a host answers its pages with (over their ports,
 * page-protocol.ts). It reaches its host only through `Platform`.
 */
import { CONNECT_RATE, decideConnect } from '../core/device-consent.js';
import { DeviceRateLimiter } from '../core/device-rate-limit.js';
import { PeerbeamError } from '../core/errors.js';
import { derivePairingSecret, pairedMailboxId } from '../core/pairing.js';
import type { SessionKind } from '../core/peer-signal.js';
import type { TabShareView, TabWatch, ViewerSignal } from '../core/tab-share-view.js';
import type { TabQuality } from '../core/tab-quality.js';
import { receiveByCode, sendByCode } from '../rtc/code-sessions.js';
import type { EstablishContext, Established } from '../rtc/established.js';
import { DeviceLines, type DeviceLine } from './device-lines.js';
import { deviceIdFor, deviceIdentity } from './device-store.js';
import type { OutgoingFile } from './file-sender.js';
import { LinkCourier } from './link-courier.js';
import { once } from './once.js';
import type { Platform } from './platform.js';
import { opfsScratch } from './opfs-scratch.js';
import { TransferKeeper, discardScratch, sortRecords } from './resumable-transfer.js';
import { Session, type SessionOptions } from './session.js';
import type { ViewerSink } from './tab-viewer-bridge.js';
import { Tabs, type StartTabShare } from './tabs.js';
import type { DeviceView, LinkView, SessionRole, SessionView, Settings } from './views.js';

export type { OutgoingFile } from './file-sender.js';
export type { StartTabShare } from './tabs.js';

export interface EngineOptions {
  /** This device's public key (default: the key pair in IndexedDB, device-store.ts). */
  identity?: () => Promise<{ publicKey: string }>;
}

export class Engine {
  private settings: Settings | undefined;
  private current: Session | undefined;
  /** The paired device whose line carries `current`, when it is a paired session. */
  private currentPairedWith: string | undefined;
  private readonly connectRate = new DeviceRateLimiter(CONNECT_RATE);
  private readonly tabs: Tabs;
  private readonly lines: DeviceLines;
  private readonly courier: LinkCourier;
  private readonly identity: () => Promise<{ publicKey: string }>;
  /** Keeps the running transfer for a host that may be stopped under it (Platform.transfers). */
  private readonly keeper: TransferKeeper | undefined;

  constructor(
    private readonly platform: Platform,
    options: EngineOptions = {},
  ) {
    const { events } = platform;
    this.identity = options.identity ?? deviceIdentity;
    this.keeper = platform.transfers && new TransferKeeper(platform.transfers);
    this.tabs = new Tabs(platform, () => this.requireSettings(), this.identity);
    this.lines = new DeviceLines({
      signalingUrl: () => this.requireSettings().signalingUrl,
      changed: () => events.devicesChanged(this.lines.list()),
      connectRequested: (line, kind, sid) => this.connectRequested(line, kind, sid),
      online: (line) => void this.courier.flush(line),
      linkReceived: (line, message) => void this.courier.received(line, message),
      linkAcked: (id, refused) => void this.courier.acked(id, refused),
    });
    this.courier = new LinkCourier(() => this.lines, {
      changed: () => void this.courier.list().then((list) => events.linksChanged(list)),
      show: (link) => events.linkReceived(link),
    });
  }

  /** Boot: the host's settings, then a line to every remembered device. */
  async start(): Promise<void> {
    this.configure({ settings: await this.platform.loadSettings() });
    await this.resumeTransfer();
    await this.lines.load();
  }

  /**
   * A transfer the host was running when it was stopped: taken up again (the peer is still
   * trying to get it back), or, when its peer has given up by now, its copies deleted.
   */
  private async resumeTransfer(): Promise<void> {
    const store = this.platform.transfers;
    if (!store) return;
    try {
      const { resume, drop } = sortRecords(await store.load(), Date.now());
      for (const record of drop) {
        await store.remove(record.id);
        if (record.receive) await discardScratch(this.platform.scratch ?? opfsScratch, record.id);
      }
      if (!resume) return;
      const never = () => Promise.reject(new PeerbeamError('INTERNAL', 'a resumed session'));
      await this.startSession(resume.role, never, { restored: resume, sid: resume.sid });
    } catch (error) {
      console.warn('peerbeam: a stopped transfer could not be taken up again', error);
    }
  }

  configure({ settings: next }: { settings: Settings }): void {
    const urlChanged =
      this.settings !== undefined && this.settings.signalingUrl !== next.signalingUrl;
    this.settings = next;
    if (urlChanged) this.lines.restart();
  }

  // --- sessions ---

  async startSend(): Promise<SessionView> {
    const { signalingUrl } = await this.freshSettings();
    return this.startSession('send', sendByCode(signalingUrl), { intent: 'chat' });
  }

  async startReceive({ code }: { code: string }): Promise<SessionView> {
    const { signalingUrl } = await this.freshSettings();
    return this.startSession('receive', receiveByCode(signalingUrl, code));
  }

  /** Sends `files` by code, or to a paired device. */
  async startSendFiles({
    files,
    deviceId,
  }: {
    files: OutgoingFile[];
    deviceId?: string;
  }): Promise<SessionView> {
    const { signalingUrl } = await this.freshSettings();
    // The page holding a restored transfer's files hands them again (resumable-transfer.ts).
    if (!deviceId && this.current?.takeFiles(files)) return this.current.snapshot();
    if (deviceId) return this.connectPaired(this.lines.get(deviceId), 'files', files);
    return this.startSession('send', sendByCode(signalingUrl), {
      intent: 'files',
      files,
    });
  }

  acceptFiles(): void {
    this.requireSession().acceptFiles();
  }

  declineFiles(): void {
    this.requireSession().declineFiles();
  }

  cancelTransfer(): void {
    this.requireSession().cancelTransfer();
  }

  getSession(): SessionView | null {
    return this.current?.snapshot() ?? null;
  }

  sendText({ text }: { text: string }): void {
    this.requireSession().sendText(text);
  }

  closeSession(): void {
    this.current?.close();
  }

  /** "Remember this device": store the peer with a secret derived from this session's key. */
  async rememberPeer(): Promise<void> {
    const session = this.requireSession();
    const { peer, sealed } = session;
    if (!peer || !sealed) {
      throw new PeerbeamError('NO_SESSION', 'the other device is not known yet');
    }
    const secret = derivePairingSecret(sealed.keys.sessionKey);
    await this.lines.add({
      id: await deviceIdFor(peer.publicKey),
      name: peer.name,
      publicKey: peer.publicKey,
      secret,
      mailbox: pairedMailboxId(secret),
      pairedAt: Date.now(),
    });
    session.markRemembered();
  }

  // --- paired devices and links ---

  listDevices(): DeviceView[] {
    return this.lines.list();
  }

  connectDevice({ id }: { id: string }): Promise<SessionView> {
    return this.connectPaired(this.lines.get(id), 'chat');
  }

  unpairDevice({ id }: { id: string }): Promise<void> {
    return this.lines.get(id).unpair();
  }

  sendLink({
    deviceId,
    url,
    title,
  }: {
    deviceId: string;
    url: string;
    title: string;
  }): Promise<LinkView> {
    return this.courier.send(deviceId, url, title);
  }

  listLinks(): Promise<LinkView[]> {
    return this.courier.list();
  }

  setAutoOpenLinks({ deviceId, on }: { deviceId: string; on: boolean }): Promise<void> {
    return this.lines.update(deviceId, { autoOpenLinks: on });
  }

  // --- tab share ---

  async startTabShare(params: StartTabShare): Promise<TabShareView> {
    await this.freshSettings();
    return this.tabs.startTabShare(params);
  }

  stopTabShare(): void {
    this.tabs.stopTabShare();
  }

  getTabShare(): TabShareView | null {
    return this.tabs.getTabShare();
  }

  resumeTabShareCodes(): void {
    this.tabs.resumeTabShareCodes();
  }

  dismissTabShareWarning(): void {
    this.tabs.dismissTabShareWarning();
  }

  /** The sharer changes quality while live (capture track and every viewer's sender). */
  setTabShareQuality({ quality }: { quality: TabQuality }): Promise<void> {
    return this.tabs.setTabShareQuality(quality);
  }

  removeTabViewer({ viewerId }: { viewerId: string }): void {
    this.tabs.removeTabViewer(viewerId);
  }

  setTabShareLink({ on }: { on: boolean }): void {
    this.tabs.setTabShareLink(on);
  }

  renewTabShareLink(): void {
    this.tabs.renewTabShareLink();
  }

  tabGone(params: { tabId: number; reason: 'closed' | 'navigated' }): void {
    this.tabs.tabGone(params);
  }

  /** A viewer page takes the watch it was opened for; `sink` hears the sharer. */
  watchTab({ viewerId }: { viewerId: string }, sink: ViewerSink): TabWatch {
    return this.tabs.watchTab(viewerId, sink);
  }

  viewerSignal({ viewerId, signal }: { viewerId: string; signal: ViewerSignal }): void {
    this.tabs.viewerSignal(viewerId, signal);
  }

  viewerState({ viewerId, state }: { viewerId: string; state: 'connected' | 'failed' }): void {
    this.tabs.viewerState(viewerId, state);
  }

  /** The viewer page went (closed, navigated): that viewer left. */
  viewerLeft({ viewerId }: { viewerId: string }): void {
    this.tabs.viewerLeft(viewerId);
  }

  // --- inside ---

  /**
   * The settings as the host keeps them now: read again at every start, so a change made
   * anywhere (another page, another writer of the host's storage) is in effect.
   */
  private async freshSettings(): Promise<Settings> {
    const settings = await this.platform.loadSettings();
    this.configure({ settings });
    return settings;
  }

  private requireSettings(): Settings {
    if (!this.settings) throw new PeerbeamError('INTERNAL', 'not configured yet');
    return this.settings;
  }

  private requireSession(): Session {
    if (!this.current) throw new PeerbeamError('NO_SESSION', 'no session is running');
    return this.current;
  }

  /**
   * A paired device asks for a session. It gets one only for what the app itself asks for,
   * never by ending a session that runs, and within its rate (core/device-consent.ts);
   * otherwise it is told why, with a `bye` for the session it asked for.
   */
  private connectRequested(line: DeviceLine, kind: SessionKind, sid: string): void {
    const current = this.current;
    const running = current && !current.isOver ? { pairedWith: this.currentPairedWith } : undefined;
    const decision = decideConnect({
      kind,
      deviceId: line.device.id,
      withinRate: this.connectRate.allow(line.device.id),
      running,
    });
    if (decision.action === 'refuse') {
      line.sealed?.trySend({ t: 'bye', sid, reason: decision.reason });
      return;
    }
    this.startPaired(line, { intent: kind, sid }).catch((error: unknown) => {
      console.warn('peerbeam: a paired session did not start', error);
    });
  }

  private async startSession(
    role: SessionRole,
    establish: (context: EstablishContext) => Promise<Established>,
    extra: Pick<SessionOptions, 'intent' | 'files' | 'intentAgreed' | 'sid' | 'restored'> = {},
    pairedWith?: string,
  ): Promise<SessionView> {
    const { publicKey } = await this.identity();
    this.current?.close();
    const { events } = this.platform;
    const release = once(this.platform.keepAlive('session'));
    const session: Session = new Session({
      role,
      self: { name: this.requireSettings().deviceName, publicKey },
      establish,
      ...extra,
      onTabOffered: (established) =>
        this.tabs.offerTab(established, {
          ...(session.peer ? { sharerName: session.peer.name } : {}),
          onEnded: () => session.close(),
        }),
      saveFile: (file, relativePath, releaseCopy) =>
        this.platform.saveFile(file, relativePath, releaseCopy),
      room: () => this.platform.room?.() ?? Promise.resolve(undefined),
      scratch: this.platform.scratch,
      signalingUrl: () => this.requireSettings().signalingUrl,
      onChange: (view) => {
        if (view.step === 'closed' || view.step === 'failed') release();
        this.keeper?.keep(view.id, session.resumable());
        events.sessionChanged(view);
      },
      onTransferEnd: (view) => events.transferEnded(view),
    });
    this.current = session;
    this.currentPairedWith = pairedWith;
    // After the answer: a page learns the session's id before its first change (page-protocol).
    setTimeout(() => void session.run(), 0);
    return session.snapshot();
  }

  /** A session with a paired device over its line: no code, no new PAKE on a nameplate. */
  private startPaired(
    line: DeviceLine,
    { intent, sid, files }: { intent: SessionKind; sid: string; files?: OutgoingFile[] },
  ): Promise<SessionView> {
    const sealed = line.sealed;
    if (!sealed) throw new PeerbeamError('NO_SESSION', `${line.device.name} is not online`);
    const { name, publicKey } = line.device;
    return this.startSession(
      'paired',
      async ({ setStep }) => {
        setStep('handshaking');
        return {
          sealed,
          iceServers: line.iceServers,
          peer: { name, publicKey },
          release: () => undefined,
        };
      },
      { intent, sid, intentAgreed: true, ...(files ? { files } : {}) },
      line.device.id,
    );
  }

  /** Asks a paired device to open a session of `kind` with us, and opens ours. */
  private connectPaired(
    line: DeviceLine,
    kind: SessionKind,
    files?: OutgoingFile[],
  ): Promise<SessionView> {
    const sid = crypto.randomUUID();
    line.sealed?.send({ t: 'connect', kind, sid });
    return this.startPaired(line, { intent: kind, sid, ...(files ? { files } : {}) });
  }
}
