/**
 * One pairing session, as an explicit sequence of named steps (see src/core/PROTOCOL.md):
 *
 *   connecting → waiting-for-peer → handshaking → connecting-peer → open → closed
 *        (any step) ───────────────────────────────────────────────────→ failed
 *
 * The sender allocates a nameplate and shows the code; the receiver claims it. Both run the
 * PAKE over the mailbox, and from then on every signaling frame is sealed, so the server can
 * neither read nor alter the SDP (which carries the DTLS fingerprints).
 */
import { formatCode, generatePassword, parseCode } from '../core/code.js';
import { PeerbeamError, toErrorData } from '../core/errors.js';
import { decodeRelayBody, encodeRelayBody, RelayKind } from '../core/handshake-wire.js';
import { createHandshake, PairingError, type SessionKeys } from '../core/pake.js';
import { decodePeerSignal, type PeerSignal } from '../core/peer-signal.js';
import { PROTOCOL_VERSION, type IceServer } from '../core/protocol.js';
import type { SessionRole, SessionStep, SessionView } from '../shared/session-view.js';
import { SignalingConnection } from '../shared/signaling-client.js';
import { PeerLink } from './peer-link.js';

const MAX_CHAT_LINES = 200;
const MAX_TEXT_CHARS = 4_000;

export interface SessionOptions {
  role: SessionRole;
  signalingUrl: string;
  /** Receiver only: the code as the person typed it. */
  code?: string;
  onChange(view: SessionView): void;
}

type Side = 'A' | 'B';

export class PairingSession {
  private readonly abort = new AbortController();
  private readonly view: SessionView;
  private signaling: SignalingConnection | undefined;
  private keys: SessionKeys | undefined;
  private channel: RTCDataChannel | undefined;
  private link: PeerLink | undefined;

  constructor(private readonly options: SessionOptions) {
    this.view = {
      id: crypto.randomUUID(),
      revision: 0,
      role: options.role,
      step: 'connecting',
      messages: [],
    };
  }

  snapshot(): SessionView {
    return structuredClone(this.view);
  }

  private changed(): void {
    this.view.revision++;
    this.options.onChange(this.snapshot());
  }

  /** Runs the session to `open` (or `failed`); never throws. */
  async run(): Promise<void> {
    try {
      if (this.options.role === 'send') await this.runSender();
      else await this.runReceiver();
    } catch (error) {
      this.fail(error);
    }
  }

  sendText(text: string): void {
    if (!this.channel || this.channel.readyState !== 'open') {
      throw new PeerbeamError('NO_SESSION', 'not connected to a peer');
    }
    const trimmed = text.slice(0, MAX_TEXT_CHARS);
    this.channel.send(trimmed);
    this.addLine('me', trimmed);
  }

  close(): void {
    if (this.view.step === 'closed' || this.view.step === 'failed') return;
    this.trySendSealed({ t: 'bye' });
    this.signaling?.send({ type: 'release', mood: 'happy' });
    this.setStep('closed');
    this.teardown();
  }

  private async runSender(): Promise<void> {
    const signaling = await this.connect();
    signaling.send({ type: 'allocate' });
    const { nameplate } = await signaling.expect('allocated', this.abort.signal);
    const words = generatePassword();
    this.view.code = formatCode({ nameplate, words });
    this.setStep('waiting-for-peer');
    const { iceServers } = await signaling.expect('paired', this.abort.signal);
    await this.handshake('A', words.join('-'), nameplate);
    await this.connectPeer('A', iceServers);
  }

  private async runReceiver(): Promise<void> {
    const parsed = parseCode(this.options.code ?? '');
    if (!parsed.ok) throw new PeerbeamError('CODE_INVALID', parsed.error.message);
    const { nameplate, words } = parsed.code;
    const signaling = await this.connect();
    signaling.send({ type: 'claim', nameplate });
    await signaling.expect('claimed', this.abort.signal);
    const { iceServers } = await signaling.expect('paired', this.abort.signal);
    await this.handshake('B', words.join('-'), nameplate);
    await this.connectPeer('B', iceServers);
  }

  private async connect(): Promise<SignalingConnection> {
    this.setStep('connecting');
    this.signaling = await SignalingConnection.open(this.options.signalingUrl, this.abort.signal);
    return this.signaling;
  }

  /** PAKE over the mailbox: shares, then key confirmation. A mismatch burns the nameplate. */
  private async handshake(side: Side, password: string, nameplate: string): Promise<void> {
    this.setStep('handshaking');
    const signaling = this.requireSignaling();
    const handshake = createHandshake({
      role: side,
      password,
      context: nameplate,
      version: PROTOCOL_VERSION,
    });
    signaling.send({ type: 'relay', body: encodeRelayBody(RelayKind.Share, handshake.share) });
    try {
      const peerShare = await this.nextRelay(RelayKind.Share);
      const { confirmation } = handshake.receiveShare(peerShare);
      signaling.send({ type: 'relay', body: encodeRelayBody(RelayKind.Confirm, confirmation) });
      const peerConfirmation = await this.nextRelay(RelayKind.Confirm);
      this.keys = handshake.receiveConfirmation(peerConfirmation);
    } catch (error) {
      if (!(error instanceof PairingError)) throw error;
      // Either a wrong code or a forged share: the nameplate must not get a second guess.
      signaling.send({ type: 'release', mood: 'scary' });
      throw error.code === 'CODE_MISMATCH'
        ? new PeerbeamError('CODE_MISMATCH', 'the code did not match')
        : new PeerbeamError('TAMPERED', `the handshake was tampered with (${error.code})`);
    }
    this.view.verifier = this.keys.verifier;
  }

  private async connectPeer(side: Side, iceServers: IceServer[]): Promise<void> {
    this.setStep('connecting-peer');
    const link = new PeerLink({
      role: side,
      iceServers,
      signal: this.abort.signal,
      sendSignal: (signal) => this.trySendSealed(signal),
    });
    this.link = link;
    void this.pumpPeerSignals(link);
    if (side === 'A') await link.offer();
    const channel = await link.channel;
    this.channel = channel;
    channel.addEventListener('message', (event) => {
      if (typeof event.data === 'string') this.addLine('peer', event.data.slice(0, MAX_TEXT_CHARS));
    });
    channel.addEventListener('close', () => {
      if (this.view.step === 'open') {
        this.setStep('closed');
        this.teardown();
      }
    });
    const pair = await link.selectedPair();
    if (pair) {
      this.view.path = pair.path;
      this.view.candidates = `${pair.local} → ${pair.remote}`;
    }
    this.setStep('open');
  }

  /** Sealed signals from the peer, until the session ends. Anything unsealable is fatal. */
  private async pumpPeerSignals(link: PeerLink): Promise<void> {
    try {
      for (;;) {
        const signal = await this.nextPeerSignal();
        if (signal.t === 'abort') {
          throw new PeerbeamError(
            signal.code,
            'the other side stopped: it received an altered message',
          );
        }
        if (signal.t === 'bye') {
          if (this.view.step !== 'open')
            throw new PeerbeamError('PEER_LEFT', 'the other side left');
          continue;
        }
        await link.handleSignal(signal);
      }
    } catch (error) {
      if (error instanceof PeerbeamError && error.code === 'TAMPERED') this.sendAbort();
      // After `open`, losing signaling does not end the data channel.
      if (this.view.step !== 'open') this.fail(error);
    }
  }

  private async nextPeerSignal(): Promise<PeerSignal> {
    const sealed = await this.nextRelay(RelayKind.Sealed);
    let value: unknown;
    try {
      value = this.requireKeys().channel.openJson(sealed);
    } catch {
      throw new PeerbeamError(
        'TAMPERED',
        'a signaling message failed authentication: someone tampered with the session',
      );
    }
    const signal = decodePeerSignal(value);
    if (!signal) throw new PeerbeamError('TAMPERED', 'the peer sent an unknown message');
    return signal;
  }

  private async nextRelay(kind: RelayKind): Promise<Uint8Array> {
    const signaling = this.requireSignaling();
    for (;;) {
      const frame = await signaling.next(this.abort.signal);
      if (frame.type === 'peer') {
        throw new PeerbeamError(
          frame.mood === 'scary' ? 'CODE_MISMATCH' : 'PEER_LEFT',
          frame.mood === 'scary' ? 'the code did not match' : 'the other side left',
        );
      }
      if (frame.type !== 'relay') continue;
      const decoded = decodeRelayBody(frame.body);
      if (!decoded.ok || decoded.kind !== kind) {
        throw new PeerbeamError('TAMPERED', 'an unexpected message arrived during the handshake');
      }
      return decoded.bytes;
    }
  }

  private trySendSealed(signal: PeerSignal): void {
    if (!this.keys || !this.signaling) return;
    try {
      const sealed = this.keys.channel.sealJson(signal);
      this.signaling.send({ type: 'relay', body: encodeRelayBody(RelayKind.Sealed, sealed) });
    } catch {
      // Signaling already closed: nothing more to tell the peer.
    }
  }

  /** Our outbound direction is still sound after a bad inbound frame: say why we stop. */
  private sendAbort(): void {
    if (!this.keys || !this.signaling) return;
    try {
      const sealed = this.keys.channel.sealFinal({
        t: 'abort',
        code: 'TAMPERED',
      } satisfies PeerSignal);
      this.signaling.send({ type: 'relay', body: encodeRelayBody(RelayKind.Sealed, sealed) });
    } catch {
      // Signaling already closed.
    }
  }

  private requireSignaling(): SignalingConnection {
    if (!this.signaling) throw new PeerbeamError('INTERNAL', 'signaling not connected');
    return this.signaling;
  }

  private requireKeys(): SessionKeys {
    if (!this.keys) throw new PeerbeamError('INTERNAL', 'no session keys');
    return this.keys;
  }

  private addLine(from: 'me' | 'peer', text: string): void {
    this.view.messages.push({ from, text, at: Date.now() });
    if (this.view.messages.length > MAX_CHAT_LINES) this.view.messages.shift();
    this.changed();
  }

  private fail(error: unknown): void {
    if (this.view.step === 'closed' || this.view.step === 'failed') return;
    this.view.error = toErrorData(error);
    this.setStep('failed');
    this.teardown();
  }

  private setStep(step: SessionStep): void {
    this.view.step = step;
    this.changed();
  }

  private teardown(): void {
    this.abort.abort();
    this.channel?.close();
    this.signaling?.close();
    this.link = undefined;
  }
}
