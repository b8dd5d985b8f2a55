/**
 * What every session says first over its sealed signaling (PROTOCOL.md, "Sealed messages
 * between peers"): both sides send who they are, then the side that started says what it
 * offers. And, for a tab share, the watch over that link: the media connection's signals,
 * and what ends the viewer.
 */
import type { PeerbeamError } from '../core/errors.js';
import type { PeerSignal, SessionKind } from '../core/peer-signal.js';
import type { PeerIdentity } from './established.js';
import type { SealedSignaling } from './sealed-signaling.js';

/** A tab's media signals that arrive before their handler: a bound, against a flood. */
const MAX_EARLY_SIGNALS = 500;

type Sealed = Pick<SealedSignaling, 'send' | 'expect' | 'subscribe' | 'ended'>;

export interface GreetOptions {
  self: PeerIdentity;
  /** Known already (a paired device): identities are not exchanged. */
  peer?: PeerIdentity;
  /** This side started the session and offers this; absent: learn it from the peer. */
  intent?: SessionKind;
  /** Both sides know the intent already (a paired `connect` carried it): nothing is sent. */
  intentAgreed?: boolean;
}

export interface Greeting {
  peer: PeerIdentity;
  kind: SessionKind;
}

/** Identities, then the intent; each wait is bounded (SealedSignaling.expect). */
export async function greet(sealed: Sealed, options: GreetOptions): Promise<Greeting> {
  const { intent } = options;
  // Awaited from the start: the peer's intent may follow its identity at once.
  const kind =
    intent === undefined
      ? sealed.expect('intent').then((signal) => signal.kind)
      : Promise.resolve(intent);
  kind.catch(() => undefined);
  let peer = options.peer;
  if (!peer) {
    const theirs = sealed.expect('identity');
    theirs.catch(() => undefined);
    sealed.send({ t: 'identity', ...options.self });
    const { name, publicKey } = await theirs;
    peer = { name, publicKey };
  }
  if (intent !== undefined && !options.intentAgreed) sealed.send({ t: 'intent', kind: intent });
  return { peer, kind: await kind };
}

export type TabSignal = Extract<PeerSignal, { t: 'tab-description' | 'tab-candidate' }>;

/**
 * A tab share's media signals over a sealed signaling, and its end. Subscribe before greeting: the
 * sharer's offer follows its intent closely, so signals that come before `deliver` are kept,
 * in order. `signal` unsubscribes.
 */
export class TabSignals {
  /**
   * Resolves when the peer says `bye` (undefined) or the sealed signaling ends (its reason). Once
   * media flows, the signaling socket may close on its own (an idle mailbox expires): only the
   * peer leaving (PEER_LEFT) ends the watch then.
   */
  readonly ended: Promise<PeerbeamError | undefined>;
  private handler: ((signal: TabSignal) => void) | undefined;
  private readonly early: TabSignal[] = [];
  private flowing = false;

  constructor(sealed: Sealed, signal: AbortSignal) {
    this.ended = new Promise((resolve) => {
      if (signal.aborted) return;
      const unsubscribe = sealed.subscribe((peerSignal) => {
        if (peerSignal.t === 'bye') resolve(undefined);
        else if (peerSignal.t === 'tab-description' || peerSignal.t === 'tab-candidate') {
          if (this.handler) this.handler(peerSignal);
          else if (this.early.length < MAX_EARLY_SIGNALS) this.early.push(peerSignal);
        }
      });
      signal.addEventListener('abort', unsubscribe, { once: true });
      void sealed.ended.then((reason) => {
        if (!this.flowing || reason.code === 'PEER_LEFT') resolve(reason);
      });
    });
  }

  /** From now on signals go to `handler`; the ones that came early go first, in order. */
  deliver(handler: (signal: TabSignal) => void): void {
    this.handler = handler;
    for (const signal of this.early.splice(0)) handler(signal);
  }

  /** The media connection is up: from now on only `bye` or the peer leaving end the watch. */
  mediaFlows(): void {
    this.flowing = true;
  }
}
