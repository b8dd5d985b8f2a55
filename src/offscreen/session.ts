/**
 * One peer-to-peer session as the popup sees it, as an explicit sequence of named steps
 * (src/core/PROTOCOL.md):
 *
 *   connecting → waiting-for-peer → handshaking → connecting-peer → open → closed
 *        (any step) ───────────────────────────────────────────────────→ failed
 *
 * How the sealed signaling link comes about is the caller's (`establish`): by code (allocate
 * or claim a nameplate, then the PAKE) or from a paired device's link. From the sealed link on,
 * every session is the same: identities, then WebRTC with sealed SDP and ICE.
 */
import { PeerbeamError, toErrorData } from '../core/errors.js';
import type { PeerSignal, SessionKind } from '../core/peer-signal.js';
import type { IceServer } from '../core/protocol.js';
import type { SessionRole, SessionStep, SessionView } from '../shared/session-view.js';
import { PeerLink } from '../rtc/peer-link.js';
import type { EstablishContext, Established, PeerIdentity } from '../rtc/establish.js';
import type { SealedSignaling } from '../rtc/sealed-signaling.js';

const MAX_CHAT_LINES = 200;
const MAX_TEXT_CHARS = 4_000;

export interface SessionOptions {
  role: SessionRole;
  /** This device, as the peer will see it. */
  self: PeerIdentity;
  establish(context: EstablishContext): Promise<Established>;
  /** Set on the side that starts the session; the other side learns it from the peer. */
  intent?: SessionKind;
  /** The peer offers a live tab: hand the sealed link to a viewer page. */
  onTabOffered(established: Established): Promise<void>;
  onChange(view: SessionView): void;
}

export class Session {
  private readonly abort = new AbortController();
  private readonly view: SessionView;
  private established: Established | undefined;
  private channel: RTCDataChannel | undefined;
  peer: PeerIdentity | undefined;

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

  get sealed(): SealedSignaling | undefined {
    return this.established?.sealed;
  }

  get isOver(): boolean {
    return this.view.step === 'closed' || this.view.step === 'failed';
  }

  /** Runs the session to `open` (or `failed`); never throws. */
  async run(): Promise<void> {
    try {
      const established = await this.options.establish({
        signal: this.abort.signal,
        setStep: (step) => this.setStep(step),
        showCode: (code) => {
          this.view.code = code;
        },
      });
      this.established = established;
      this.abort.signal.throwIfAborted();
      const { sealed } = established;
      this.view.verifier = sealed.keys.verifier;
      void sealed.ended.then((reason) => {
        if (this.view.step !== 'open') this.fail(reason);
      });
      this.peer = established.peer ?? (await this.exchangeIdentities(sealed));
      this.view.peerName = this.peer.name;
      const kind = await this.exchangeIntent(sealed);
      this.view.kind = kind;
      if (kind === 'tab') {
        // A MediaStream cannot move between documents: the viewer page owns that connection.
        await this.options.onTabOffered(established);
        this.setStep('open');
        return;
      }
      await this.connectPeer(sealed, established.iceServers);
    } catch (error) {
      this.fail(error);
    }
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
    this.channel.send(trimmed);
    this.addLine('me', trimmed);
  }

  close(): void {
    if (this.isOver) return;
    this.established?.sealed.trySend({ t: 'bye' });
    this.setStep('closed');
    this.teardown('happy');
  }

  private async exchangeIdentities(sealed: SealedSignaling): Promise<PeerIdentity> {
    const identity = sealed.expect('identity');
    sealed.send({ t: 'identity', ...this.options.self });
    const { name, publicKey } = await identity;
    return { name, publicKey };
  }

  /** The side that started the session says what it offers; the other side learns it. */
  private async exchangeIntent(sealed: SealedSignaling): Promise<SessionKind> {
    if (this.options.intent) {
      sealed.send({ t: 'intent', kind: this.options.intent });
      return this.options.intent;
    }
    return (await sealed.expect('intent')).kind;
  }

  private async connectPeer(sealed: SealedSignaling, iceServers: IceServer[]): Promise<void> {
    this.setStep('connecting-peer');
    const link = new PeerLink({
      role: sealed.role,
      iceServers,
      signal: this.abort.signal,
      sendSignal: (signal) => sealed.trySend(signal),
    });
    const unsubscribe = sealed.subscribe((signal) => this.onPeerSignal(link, signal));
    this.abort.signal.addEventListener('abort', unsubscribe, { once: true });
    if (sealed.role === 'A') await link.offer();
    const channel = await link.channel;
    this.channel = channel;
    channel.addEventListener('message', (event) => {
      if (typeof event.data === 'string') this.addLine('peer', event.data.slice(0, MAX_TEXT_CHARS));
    });
    channel.addEventListener('close', () => {
      if (this.view.step === 'open') {
        this.setStep('closed');
        this.teardown('happy');
      }
    });
    const pair = await link.selectedPair();
    if (pair) {
      this.view.path = pair.path;
      this.view.candidates = `${pair.local} → ${pair.remote}`;
    }
    this.setStep('open');
  }

  private onPeerSignal(link: PeerLink, signal: PeerSignal): void {
    if (signal.t === 'bye') {
      if (this.view.step !== 'open')
        this.fail(new PeerbeamError('PEER_LEFT', 'the other side left'));
      return;
    }
    if (signal.t === 'description' || signal.t === 'candidate') {
      link.handleSignal(signal).catch((error: unknown) => this.fail(error));
    }
  }

  private addLine(from: 'me' | 'peer', text: string): void {
    this.view.messages.push({ from, text, at: Date.now() });
    if (this.view.messages.length > MAX_CHAT_LINES) this.view.messages.shift();
    this.changed();
  }

  private fail(error: unknown): void {
    if (this.isOver) return;
    this.view.error = toErrorData(error);
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
    this.abort.abort();
    this.channel?.close();
    this.established?.release(mood);
  }
}
