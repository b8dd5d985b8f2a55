/**
 * One peer-to-peer session as the popup sees it, as an explicit sequence of named steps
 * (src/core/PROTOCOL.md):
 *
 *   connecting → waiting-for-peer → handshaking → connecting-peer → open → closed
 *        (any step) ───────────────────────────────────────────────────→ failed
 *
 * How the sealed signaling comes about is the caller's (`establish`): by code (allocate
 * or claim a nameplate, then the PAKE) or from a paired device's line. From the sealed signaling on,
 * every session is the same: identities, intent, then WebRTC with sealed SDP and ICE.
 *
 * While files are moving, a lost connection is recovered rather than fatal: first an ICE
 * restart on the same peer connection (its data channel survives), then, if that does not
 * bring it back, a new peer connection and a resume from the receiver's last checkpoint. When
 * signaling dropped too, both sides meet again in a mailbox derived from the session key. What
 * to try when is recovery-policy.ts's; recovery.ts drives it through `recoveryHost`.
 *
 * A host that may be stopped mid-transfer keeps what `resumable()` returns; a new host builds
 * the session again from it (`restored`), which starts right in such a recovery, with lost
 * signaling (resumable-transfer.ts).
 */
import { fromBase64Url, toBase64Url, toHex } from '../core/bytes.js';
import { PeerbeamError, toErrorData } from '../core/errors.js';
import { pairedMailboxId, resumeSecret } from '../core/pairing.js';
import type { ByeReason, PeerSignal, SessionKind } from '../core/peer-signal.js';
import type { IceServer } from '../core/protocol.js';
import { receiveLink } from '../core/tab-links.js';
import { decodeControl, encodeControl } from '../core/transfer-protocol.js';
import type { EstablishContext, Established, PeerIdentity } from '../rtc/established.js';
import { greet } from '../rtc/greeting.js';
import { dataWire, PeerConnection, type DataSignal } from '../rtc/peer-connection.js';
import { establishSealedSignaling, type SealedSignaling } from '../rtc/sealed-signaling.js';
import { SignalingConnection } from '../rtc/signaling-client.js';
import type { SessionRole, SessionStep, SessionView } from './views.js';
import { FileReceiver, type Room, type SaveFile } from './file-receiver.js';
import { FileSender, type OutgoingFile } from './file-sender.js';
import type { Scratch } from './opfs-scratch.js';
import { driveRecovery, type RecoveryHost } from './recovery.js';
import { RECOVERY_TIMINGS, type RecoveryFailure, type RecoveryStep } from './recovery-policy.js';
import { sameFiles, type ResumableState } from './resumable-transfer.js';

/** What a session uses of its peer connection (rtc/peer-connection.ts; a test brings a fake). */
export type SessionConnection = Pick<
  PeerConnection<DataSignal>,
  | 'channel'
  | 'closed'
  | 'maxMessageSize'
  | 'offer'
  | 'restartIce'
  | 'waitConnected'
  | 'handleSignal'
  | 'selectedPair'
  | 'close'
> & {
  readonly pc: {
    readonly connectionState: RTCPeerConnectionState;
    addEventListener(type: 'connectionstatechange', listener: () => void): void;
  };
};

/** How a session asks for the peer connection of one generation. */
export interface SessionConnectionOptions {
  role: 'offerer' | 'answerer';
  generation: number;
  iceServers: IceServer[];
  sendSignal(signal: DataSignal): void;
  signal: AbortSignal;
}

const dataConnection = (options: SessionConnectionOptions): SessionConnection =>
  new PeerConnection({ ...options, carries: { kind: 'data' }, wire: dataWire(options.generation) });

const MAX_CHAT_LINES = 200;
/** How long a restored sender waits for the page that holds its files to hand them again. */
const FILES_AGAIN_MS = 60_000;
const MAX_TEXT_CHARS = 4_000;

/** Why the peer ended a session before it was open; a refused `connect` names the device. */
function byeError(reason: ByeReason | undefined, peerName: string): PeerbeamError {
  switch (reason) {
    case 'CONNECTION_FAILED':
      return new PeerbeamError('CONNECTION_FAILED', 'the other side found no path to this device');
    case 'BUSY':
      return new PeerbeamError('PEER_BUSY', peerName);
    case 'RATE_LIMITED':
      return new PeerbeamError('PEER_RATE_LIMITED', peerName);
    case 'REFUSED':
      return new PeerbeamError('PEER_REFUSED', peerName);
    case undefined:
      return new PeerbeamError('PEER_LEFT', 'the other side left');
  }
}

export interface SessionOptions {
  role: SessionRole;
  /** This device, as the peer will see it. */
  self: PeerIdentity;
  establish(context: EstablishContext): Promise<Established>;
  /** Set on the side that starts the session; the other side learns it from the peer. */
  intent?: SessionKind;
  /** Both sides already know the intent (a paired device's connect request carried it). */
  intentAgreed?: boolean;
  /** Tags this session's signals on a shared (paired) link; '' for a link of its own. */
  sid?: string;
  /** The files to send, when the intent is 'files'. */
  files?: OutgoingFile[];
  /** A transfer a stopped host was running, to take up again (`establish` is not used). */
  restored?: ResumableState;
  /** The peer offers a live tab: hand the sealed signaling to a viewer page. */
  onTabOffered(established: Established): Promise<void>;
  /** Saves a received, verified file (Chromium: into Downloads). */
  saveFile: SaveFile;
  /** Where received files wait until saved (default: OPFS). */
  scratch?: Scratch;
  /** How much this host can keep for a received offer (default: no limit known). */
  room?: Room;
  /** Makes the peer connection (default: a real one, rtc/peer-connection.ts). */
  createConnection?: (options: SessionConnectionOptions) => SessionConnection;
  /** Where to reconnect if signaling drops mid-transfer. */
  signalingUrl(): string;
  onChange(view: SessionView): void;
  /** A transfer reached a final state (for a notification). */
  onTransferEnd?(view: SessionView): void;
}

export class Session {
  private readonly abort = new AbortController();
  private readonly view: SessionView;
  private established: Established | undefined;
  private sealedSignaling: SealedSignaling | undefined;
  private readonly extraSignaling: SignalingConnection[] = [];
  private connection: SessionConnection | undefined;
  /** The connection's generation: each new connection of the session counts one up. */
  private generation = -1;
  private channel: RTCDataChannel | undefined;
  private transfer: FileSender | FileReceiver | undefined;
  private recovering: Promise<void> | undefined;
  private disconnectedTimer: ReturnType<typeof setTimeout> | undefined;
  /** TURN credentials from a re-established mailbox (the first ones may have expired). */
  private freshIceServers: IceServer[] | undefined;
  /** This side in the PAKE, and the secret both sides meet again with (resumeSecret). */
  private side: 'A' | 'B' | undefined;
  private resumeKey: Uint8Array | undefined;
  /** A restored sender waits here for its files (`takeFiles`). */
  private filesAgain: ((files: OutgoingFile[]) => void) | undefined;
  peer: PeerIdentity | undefined;
  private readonly sid: string;

  constructor(private readonly options: SessionOptions) {
    this.sid = options.sid ?? '';
    this.view = {
      id: options.restored?.id ?? crypto.randomUUID(),
      revision: 0,
      role: options.role,
      step: 'connecting',
      messages: [],
    };
  }

  snapshot(): SessionView {
    return structuredClone({ ...this.view, transfer: this.transfer?.progress?.snapshot() });
  }

  get sealed(): SealedSignaling | undefined {
    return this.sealedSignaling;
  }

  get isOver(): boolean {
    return this.view.step === 'closed' || this.view.step === 'failed';
  }

  /** What a new host needs to take this session's transfer up again; undefined if nothing. */
  resumable(): ResumableState | undefined {
    const receive = this.transfer instanceof FileReceiver ? this.transfer.checkpoint() : undefined;
    const send = this.transfer instanceof FileSender ? this.transfer.checkpoint() : undefined;
    if (!(receive ?? send) || !this.peer || !this.side || !this.resumeKey || this.isOver) {
      return undefined;
    }
    return {
      id: this.view.id,
      role: this.view.role,
      side: this.side,
      sid: this.sid,
      peer: this.peer,
      ...(this.view.verifier ? { verifier: this.view.verifier } : {}),
      resumeSecret: toBase64Url(this.resumeKey),
      iceServers: this.iceServers(),
      generation: this.generation,
      ...(receive ? { receive } : {}),
      ...(send ? { send } : {}),
    };
  }

  /** A page hands files again for a restored send: taken if they are its files. */
  takeFiles(files: OutgoingFile[]): boolean {
    const wanted = this.options.restored?.send?.files;
    if (!this.filesAgain || !wanted || !sameFiles(wanted, files)) return false;
    this.filesAgain(files);
    this.filesAgain = undefined;
    return true;
  }

  /** Runs the session to `open` (or `failed`); never throws. */
  async run(): Promise<void> {
    if (this.options.restored) return this.runRestored(this.options.restored);
    try {
      const established = await this.options.establish({
        signal: this.abort.signal,
        setStep: (step) => this.setStep(step),
        showCode: (code) => {
          this.view.code = code;
          const link = receiveLink(this.options.signalingUrl(), code);
          if (link) this.view.receiveUrl = link;
        },
      });
      this.established = established;
      this.abort.signal.throwIfAborted();
      const { sealed } = established;
      this.view.verifier = sealed.keys.verifier;
      this.side = sealed.role;
      this.resumeKey = resumeSecret(sealed.keys.sessionKey);
      this.useSealed(sealed);
      const { intent, intentAgreed, self } = this.options;
      const greeting = await greet(sealed, { self, peer: established.peer, intent, intentAgreed });
      this.peer = greeting.peer;
      this.view.peerName = this.peer.name;
      const { kind } = greeting;
      this.view.kind = kind;
      if (kind === 'tab') {
        // A MediaStream cannot move between documents: the viewer page owns that connection.
        await this.options.onTabOffered(established);
        this.setStep('open');
        return;
      }
      if (kind === 'files') this.transfer = this.createTransfer();
      this.setStep('connecting-peer');
      await this.connect(0);
      this.setStep('open');
    } catch (error) {
      this.fail(error);
    }
  }

  /** Rebuilt in a new host: the transfer as it was, then a recovery from lost signaling. */
  private async runRestored(restored: ResumableState): Promise<void> {
    this.side = restored.side;
    this.resumeKey = fromBase64Url(restored.resumeSecret);
    this.freshIceServers = restored.iceServers;
    this.generation = restored.generation;
    this.peer = restored.peer;
    Object.assign(this.view, {
      peerName: restored.peer.name,
      kind: 'files',
      ...(restored.verifier ? { verifier: restored.verifier } : {}),
    });
    try {
      this.transfer = await this.restoreTransfer(restored);
    } catch (error) {
      return this.fail(error);
    }
    this.setStep('open');
    await this.recover();
  }

  /**
   * The transfer as the stopped host had it. A sender's files died with that host: the page
   * that holds them hands them again (engine.startSendFiles → `takeFiles`).
   */
  private async restoreTransfer(restored: ResumableState): Promise<FileSender | FileReceiver> {
    if (!this.resumeKey) throw new PeerbeamError('INTERNAL', 'no resume secret');
    const { send, receive } = restored;
    if (send) {
      const files = await new Promise<OutgoingFile[]>((resolve, reject) => {
        const timer = setTimeout(() => {
          this.filesAgain = undefined;
          reject(new PeerbeamError('FILES_NOT_RECEIVED', 'the files were not handed again'));
        }, FILES_AGAIN_MS);
        this.filesAgain = (files) => {
          clearTimeout(timer);
          resolve(files);
        };
      });
      const sender = this.createTransfer(files);
      if (sender instanceof FileSender) sender.restore(send);
      return sender;
    }
    if (!receive) throw new PeerbeamError('INTERNAL', 'nothing to resume');
    const receiver = this.createTransfer();
    if (receiver instanceof FileReceiver) receiver.restore(receive);
    return receiver;
  }

  markRemembered(): void {
    this.view.remembered = true;
    this.changed();
  }

  sendText(text: string): void {
    if (!this.channel || this.channel.readyState !== 'open') {
      throw new PeerbeamError('NO_SESSION', 'not connected to a peer');
    }
    const trimmed = text.slice(0, MAX_TEXT_CHARS);
    this.channel.send(encodeControl({ t: 'chat', text: trimmed }));
    this.addLine('me', trimmed);
  }

  acceptFiles(): void {
    if (!(this.transfer instanceof FileReceiver)) throw new PeerbeamError('NO_SESSION', 'no offer');
    this.transfer.accept();
  }

  declineFiles(): void {
    if (!(this.transfer instanceof FileReceiver)) throw new PeerbeamError('NO_SESSION', 'no offer');
    this.transfer.decline();
  }

  cancelTransfer(): void {
    this.transfer?.cancel();
  }

  close(): void {
    if (this.isOver) return;
    if (this.transfer && !this.transfer.progress?.isFinal) this.transfer.cancel();
    this.sealedSignaling?.trySend({ t: 'bye', sid: this.sid });
    this.setStep('closed');
    this.teardown('happy');
  }

  private createTransfer(files = this.options.files): FileSender | FileReceiver {
    const onEnd = (error?: PeerbeamError) => {
      if (error) this.view.error = error.toData();
      this.changed();
      this.options.onTransferEnd?.(this.snapshot());
    };
    if (files) return new FileSender(files, () => this.changed(), onEnd);
    return new FileReceiver(
      this.view.id,
      this.options.saveFile,
      () => this.changed(),
      onEnd,
      this.options.scratch,
      this.options.room,
    );
  }

  private get transferActive(): boolean {
    const progress = this.transfer?.progress;
    return progress !== undefined && !progress.isFinal;
  }

  /** Routes a (new) sealed signaling's signals here; its end starts a recovery mid-transfer. */
  private useSealed(sealed: SealedSignaling): void {
    this.sealedSignaling = sealed;
    sealed.subscribe((signal) => this.onPeerSignal(signal));
    void sealed.ended.then((reason) => {
      if (this.sealedSignaling !== sealed || this.isOver) return;
      if (this.view.step !== 'open' && !this.recovering) this.fail(reason);
      else if (this.transferActive && reason.code !== 'TAMPERED') void this.recover();
      else if (reason.code === 'TAMPERED') this.fail(reason);
    });
  }

  private newConnection(generation: number): SessionConnection {
    this.connection?.close();
    const create = this.options.createConnection ?? dataConnection;
    const connection = create({
      role: this.role === 'A' ? 'offerer' : 'answerer',
      iceServers: this.iceServers(),
      signal: this.abort.signal,
      generation,
      sendSignal: (signal) => this.sealedSignaling?.trySend({ ...signal, sid: this.sid }),
    });
    this.connection = connection;
    this.generation = generation;
    connection.pc.addEventListener('connectionstatechange', () => this.watchConnection(connection));
    return connection;
  }

  /** Makes the connection of `generation` (side A offers) and attaches its channel when open. */
  private async connect(generation: number): Promise<void> {
    const connection = this.newConnection(generation);
    if (this.requireSealed().role === 'A') await connection.offer();
    await this.attachChannel(connection);
  }

  private async attachChannel(connection: SessionConnection): Promise<void> {
    const channel = await connection.channel;
    if (this.connection !== connection) return;
    this.channel = channel;
    channel.addEventListener('message', (event) => {
      if (typeof event.data !== 'string') return;
      const message = decodeControl(event.data);
      if (message?.t === 'chat') this.addLine('peer', message.text);
    });
    channel.addEventListener('close', () => {
      if (this.channel !== channel || this.isOver) return;
      if (this.transferActive) void this.recover();
      else if (this.view.step === 'open') {
        this.setStep('closed');
        this.teardown('happy');
      }
    });
    this.transfer?.attach(channel, connection.maxMessageSize);
    const pair = await connection.selectedPair();
    if (pair) {
      this.view.path = pair.path;
      this.view.candidates = `${pair.local} → ${pair.remote}`;
    }
    this.changed();
  }

  private watchConnection(connection: SessionConnection): void {
    if (this.connection !== connection || !this.transferActive) return;
    const state = connection.pc.connectionState;
    clearTimeout(this.disconnectedTimer);
    if (state === 'failed') void this.recover();
    if (state === 'disconnected') {
      this.disconnectedTimer = setTimeout(
        () => void this.recover(),
        RECOVERY_TIMINGS.disconnectedGraceMs,
      );
    }
  }

  private onPeerSignal(signal: PeerSignal): void {
    if (signal.t !== 'description' && signal.t !== 'candidate' && signal.t !== 'bye') return;
    if (signal.sid !== this.sid) return; // another session over the same paired link
    if (signal.t === 'bye') {
      if (this.view.step === 'open') return;
      this.fail(byeError(signal.reason, this.peer?.name ?? ''));
      return;
    }
    if (signal.gen < this.generation) return; // a connection we already replaced
    if (signal.gen > this.generation) {
      // Side A gave up on the old connection and offers a new one: follow it.
      if (this.requireSealed().role !== 'B' || signal.t !== 'description') return;
      this.transfer?.detach();
      const connection = this.newConnection(signal.gen);
      void this.attachChannel(connection).catch((error: unknown) => {
        if (!this.recovering) this.fail(error);
      });
    }
    this.connection
      ?.handleSignal(signal)
      .catch((error: unknown) => (this.recovering ? undefined : this.fail(error)));
  }

  /** Single flight: every trigger during a recovery joins the one running. */
  private recover(): Promise<void> {
    this.recovering ??= this.runRecovery().finally(() => {
      this.recovering = undefined;
    });
    return this.recovering;
  }

  private async runRecovery(): Promise<void> {
    const progress = this.transfer?.progress;
    progress?.setState('reconnecting');
    this.changed();
    const outcome = await driveRecovery(this.recoveryHost());
    if (outcome === 'over' || this.isOver) return;
    if (outcome === 'gave-up') {
      this.transfer?.cancel();
      this.fail(new PeerbeamError('CONNECTION_FAILED', 'the connection could not be recovered'));
      return;
    }
    if (progress?.state === 'reconnecting') progress.setState('transferring');
    this.changed();
  }

  /** The session as the recovery driver sees it: what is broken, and each step's doing. */
  private recoveryHost(): RecoveryHost {
    return {
      role: this.role,
      isOver: () => this.isOver,
      healthy: () => this.healthy(),
      diagnose: () => this.diagnose(),
      take: (step, timeoutMs) => this.takeStep(step, timeoutMs),
    };
  }

  private diagnose(): RecoveryFailure | undefined {
    // (A restored session has none until the first new PAKE.)
    if (!this.sealedSignaling?.isOpen) return 'signaling-lost';
    if (this.healthy()) return undefined;
    const connection = this.connection;
    const channelStands = connection && !connection.closed && this.channel?.readyState === 'open';
    return channelStands ? 'ice-failed' : 'connection-lost';
  }

  private async takeStep(step: RecoveryStep, timeoutMs: number): Promise<void> {
    switch (step) {
      case 'new-pake':
        await this.ensureSealed(timeoutMs);
        return;
      case 'ice-restart': {
        const connection = this.connection!;
        await connection.restartIce();
        await connection.waitConnected(timeoutMs);
        return;
      }
      case 'new-connection': {
        this.transfer?.detach();
        // Signaling ending meanwhile (the peer's host went) means no answer can come: give the
        // step up at once, so the next attempt rebuilds signaling first.
        const { ended } = this.requireSealed();
        const lost = ended.then((reason) => Promise.reject(reason));
        await Promise.race([this.connect(this.generation + 1), lost]);
        return;
      }
      case 'wait-for-peer':
        await this.waitHealthy(timeoutMs);
        return;
    }
  }

  private healthy(): boolean {
    return (
      this.connection?.pc.connectionState === 'connected' && this.channel?.readyState === 'open'
    );
  }

  private async waitHealthy(timeoutMs: number): Promise<boolean> {
    const until = Date.now() + timeoutMs;
    // Once signaling ends, side A cannot reach us through it: stop, and rebuild it first.
    while (Date.now() < until && !this.isOver && this.sealedSignaling?.isOpen) {
      if (this.healthy()) return true;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    return this.healthy();
  }

  /**
   * The sealed signaling, re-established if it ended: both sides join a mailbox derived from the
   * session key and run the PAKE again with a secret derived from it. The server sees a new
   * random-looking mailbox id and nothing else.
   */
  private async ensureSealed(timeoutMs: number): Promise<SealedSignaling> {
    const current = this.sealedSignaling;
    if (current?.isOpen) return current;
    const secret = this.resumeKey!;
    const mailbox = pairedMailboxId(secret);
    const signal = AbortSignal.any([this.abort.signal, AbortSignal.timeout(timeoutMs)]);
    const connection = await SignalingConnection.open(this.options.signalingUrl(), signal);
    this.extraSignaling.push(connection);
    try {
      connection.send({ type: 'join', mailbox });
      for (;;) {
        const frame = await connection.next(signal);
        if (frame.type === 'paired') {
          // A resume joins a paired mailbox, whose TURN comes out of a per-address budget:
          // when it is withheld, the session's own credentials (hours long) still serve.
          if (frame.turn !== 'withheld') this.freshIceServers = frame.iceServers;
          break;
        }
      }
      const sealed = await establishSealedSignaling(connection, {
        role: this.role,
        password: toHex(secret),
        context: mailbox,
        signal,
      });
      this.useSealed(sealed);
      return sealed;
    } catch (error) {
      connection.close();
      throw error;
    }
  }

  private iceServers(): IceServer[] {
    return this.freshIceServers ?? this.established?.iceServers ?? [];
  }

  /** This side in the PAKE: side A drives a recovery. */
  private get role(): 'A' | 'B' {
    return this.side ?? this.requireSealed().role;
  }

  private requireSealed(): SealedSignaling {
    if (!this.sealedSignaling) throw new PeerbeamError('NO_SESSION', 'no sealed signaling');
    return this.sealedSignaling;
  }

  private addLine(from: 'me' | 'peer', text: string): void {
    this.view.messages.push({ from, text, at: Date.now() });
    if (this.view.messages.length > MAX_CHAT_LINES) this.view.messages.shift();
    this.changed();
  }

  private fail(error: unknown): void {
    if (this.isOver) return;
    this.view.error = toErrorData(error);
    if (this.view.error.code === 'CONNECTION_FAILED') {
      // Tell the peer why, so both sides show the same reason instead of "the other side left".
      this.sealedSignaling?.trySend({ t: 'bye', sid: this.sid, reason: 'CONNECTION_FAILED' });
    }
    this.setStep('failed');
    this.teardown('errory');
  }

  private setStep(step: SessionStep): void {
    this.view.step = step;
    this.changed();
  }

  private changed(): void {
    this.view.revision++;
    this.options.onChange(this.snapshot());
  }

  private teardown(mood: 'happy' | 'errory'): void {
    clearTimeout(this.disconnectedTimer);
    this.abort.abort();
    this.channel?.close();
    this.connection?.close();
    this.established?.release(mood);
    for (const connection of this.extraSignaling) connection.close();
  }
}
