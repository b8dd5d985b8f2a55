/**
 * The signaling after the PAKE: every frame sealed with the session keys, every frame
 * from the peer opened and checked before anyone sees it. A frame that fails to open ends the
 * link (TAMPERED), after telling the peer why. Steps and formats: src/core/PROTOCOL.md.
 */
import { PeerbeamError } from '../core/errors.js';
import { decodeRelayBody, encodeRelayBody, RelayKind } from '../core/handshake-wire.js';
import { createHandshake, PairingError, type SessionKeys } from '../core/pake.js';
import { decodePeerSignal, type PeerSignal, type PeerSignalInput } from '../core/peer-signal.js';
import { PROTOCOL_VERSION } from '../core/protocol.js';
import type { SignalingConnection } from './signaling-client.js';

export type Side = 'A' | 'B';
type SignalOf<T extends PeerSignal['t']> = Extract<PeerSignal, { t: T }>;

const EXPECT_TIMEOUT_MS = 15_000;

/** Each step of the PAKE (the peer's share, then its confirmation) must come within this. */
export const HANDSHAKE_STEP_TIMEOUT_MS = 15_000;

/**
 * Reads the next relay body of `kind` from the mailbox, within `timeoutMs` if given; the peer
 * leaving ends the wait. Handshake steps are bounded, so a peer that goes silent mid-PAKE
 * cannot hold a session (or a tab share's seat) open forever.
 */
async function nextRelay(
  connection: SignalingConnection,
  kind: RelayKind,
  signal?: AbortSignal,
  timeoutMs?: number,
): Promise<Uint8Array> {
  const timeout = timeoutMs === undefined ? undefined : AbortSignal.timeout(timeoutMs);
  const step = timeout && signal ? AbortSignal.any([signal, timeout]) : (timeout ?? signal);
  for (;;) {
    let frame;
    try {
      frame = await connection.next(step);
    } catch (error) {
      if (timeout?.aborted && !signal?.aborted) {
        throw new PeerbeamError('TIMEOUT', 'the other side stopped answering during the handshake');
      }
      throw error;
    }
    if (frame.type === 'peer') {
      throw frame.mood === 'scary'
        ? new PeerbeamError('CODE_MISMATCH', 'the code did not match')
        : new PeerbeamError('PEER_LEFT', 'the other side left');
    }
    if (frame.type !== 'relay') continue;
    const decoded = decodeRelayBody(frame.body);
    if (!decoded.ok || decoded.kind !== kind) {
      throw new PeerbeamError('TAMPERED', 'an unexpected message arrived during the handshake');
    }
    return decoded.bytes;
  }
}

export interface EstablishOptions {
  role: Side;
  /** The code's words, or a paired device's secret (hex). */
  password: string;
  /** The nameplate, or the paired mailbox id. */
  context: string;
  signal?: AbortSignal;
  /** Per PAKE step; HANDSHAKE_STEP_TIMEOUT_MS unless a test needs it shorter. */
  stepTimeoutMs?: number;
}

/** PAKE over the mailbox: shares, then key confirmation. A failure burns the nameplate. */
export async function establishSealedSignaling(
  connection: SignalingConnection,
  { role, password, context, signal, stepTimeoutMs = HANDSHAKE_STEP_TIMEOUT_MS }: EstablishOptions,
): Promise<SealedSignaling> {
  const handshake = createHandshake({ role, password, context, version: PROTOCOL_VERSION });
  try {
    connection.send({ type: 'relay', body: encodeRelayBody(RelayKind.Share, handshake.share) });
    const peerShare = await nextRelay(connection, RelayKind.Share, signal, stepTimeoutMs);
    const { confirmation } = handshake.receiveShare(peerShare);
    connection.send({ type: 'relay', body: encodeRelayBody(RelayKind.Confirm, confirmation) });
    const keys = handshake.receiveConfirmation(
      await nextRelay(connection, RelayKind.Confirm, signal, stepTimeoutMs),
    );
    return new SealedSignaling(connection, keys, role);
  } catch (error) {
    if (!(error instanceof PairingError)) throw error;
    // A wrong code or a forged share: the nameplate must not get a second guess.
    connection.send({ type: 'release', mood: 'scary' });
    throw error.code === 'CODE_MISMATCH'
      ? new PeerbeamError('CODE_MISMATCH', 'the code did not match')
      : new PeerbeamError('TAMPERED', `the handshake was tampered with (${error.code})`);
  }
}

export class SealedSignaling {
  private readonly listeners = new Set<(signal: PeerSignal) => void>();
  private endedWith: PeerbeamError | undefined;
  private readonly endWaiters = new Set<(reason: PeerbeamError) => void>();
  /** Stops the pump's pending read, so frames after the end stay for the connection's owner. */
  private readonly stopReading = new AbortController();
  /** Resolves with the reason once the link ends (peer left, tampering, socket closed). */
  readonly ended: Promise<PeerbeamError>;

  constructor(
    readonly connection: SignalingConnection,
    readonly keys: SessionKeys,
    readonly role: Side,
  ) {
    this.ended = new Promise((resolve) => this.endWaiters.add(resolve));
    void this.pump();
  }

  get isOpen(): boolean {
    return this.endedWith === undefined;
  }

  send(signal: PeerSignalInput): void {
    if (this.endedWith) throw this.endedWith;
    const sealed = this.keys.channel.sealJson(signal);
    this.connection.send({ type: 'relay', body: encodeRelayBody(RelayKind.Sealed, sealed) });
  }

  /** Sends unless the link already ended (teardown paths: nothing left to tell). */
  trySend(signal: PeerSignalInput): void {
    try {
      this.send(signal);
    } catch {
      // Ended or socket closed.
    }
  }

  subscribe(listener: (signal: PeerSignal) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The next signal of kind `t`, bounded in time; the link ending rejects. */
  expect<T extends PeerSignal['t']>(t: T, timeoutMs = EXPECT_TIMEOUT_MS): Promise<SignalOf<T>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        done();
        reject(new PeerbeamError('TIMEOUT', `no ${t} from the other side`));
      }, timeoutMs);
      const unsubscribe = this.subscribe((signal) => {
        if (signal.t !== t) return;
        done();
        resolve(signal as SignalOf<T>);
      });
      const onEnd = (reason: PeerbeamError) => {
        done();
        reject(reason);
      };
      const done = () => {
        clearTimeout(timer);
        unsubscribe();
        this.endWaiters.delete(onEnd);
      };
      if (this.endedWith) onEnd(this.endedWith);
      else this.endWaiters.add(onEnd);
    });
  }

  /** Ends the link on our side; the signaling connection stays with its owner. */
  end(reason: PeerbeamError): void {
    if (this.endedWith) return;
    this.endedWith = reason;
    this.stopReading.abort();
    this.keys.channel.close();
    for (const waiter of [...this.endWaiters]) waiter(reason);
    this.endWaiters.clear();
    this.listeners.clear();
  }

  private async pump(): Promise<void> {
    try {
      for (;;) {
        const signal = await this.nextSignal();
        if (!this.isOpen) return;
        if (signal.t === 'abort') {
          throw new PeerbeamError(
            signal.code,
            signal.code === 'TAMPERED'
              ? 'the other side stopped: it received an altered message'
              : 'the other side found no path to this device',
          );
        }
        for (const listener of [...this.listeners]) listener(signal);
      }
    } catch (error) {
      const reason =
        error instanceof PeerbeamError
          ? error
          : new PeerbeamError('SIGNALING_CLOSED', String(error));
      if (reason.code === 'TAMPERED' && this.isOpen) this.sendAbort();
      this.end(reason);
    }
  }

  private async nextSignal(): Promise<PeerSignal> {
    const sealed = await nextRelay(this.connection, RelayKind.Sealed, this.stopReading.signal);
    let value: unknown;
    try {
      value = this.keys.channel.openJson(sealed);
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

  /** Our outbound direction is still sound after a bad inbound frame: say why we stop. */
  private sendAbort(): void {
    try {
      const sealed = this.keys.channel.sealFinal({
        t: 'abort',
        code: 'TAMPERED',
      } satisfies PeerSignal);
      this.connection.send({ type: 'relay', body: encodeRelayBody(RelayKind.Sealed, sealed) });
    } catch {
      // Signaling already closed.
    }
  }
}
