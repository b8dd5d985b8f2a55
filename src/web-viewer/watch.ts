/**
 * Watching a shared tab from any browser, without the extension: the same pure core and rtc
 * glue as the extension (code parsing, CPace, sealed signaling), then a receive-only
 * RTCPeerConnection.
 *
 *   claim the code → PAKE → identities → intent{tab} → sharer's offer → answer + ICE (sealed)
 *     → playing ── bye / sharer left / connection lost ──→ ended
 */
import { toBase64Url } from '../core/bytes.js';
import { PeerbeamError } from '../core/errors.js';
import type { PeerSignal } from '../core/peer-signal.js';
import { receiveByCode } from '../rtc/code-sessions.js';
import type { SessionStep } from '../shared/session-view.js';
import { TabReceiver } from '../viewer/tab-receiver.js';

export interface WatchHooks {
  step: (step: SessionStep) => void;
  playing: (stream: MediaStream, sharerName: string) => void;
  /** Final: the sharer stopped, or the connection ended after it was up. */
  ended: () => void;
}

/**
 * Runs until the share ends for this viewer; rejects (PeerbeamError) if it never started.
 * `signal` aborts it (the page is leaving): the sharer is told goodbye.
 */
export async function watchByCode(
  signalingUrl: string,
  code: string,
  viewerName: string,
  hooks: WatchHooks,
  signal: AbortSignal,
): Promise<void> {
  const abort = new AbortController();
  signal.addEventListener('abort', () => abort.abort(), { once: true });
  const established = await receiveByCode(
    signalingUrl,
    code,
  )({
    signal: abort.signal,
    setStep: hooks.step,
    showCode: () => undefined,
  });
  const { sealed } = established;
  let connected = false;
  try {
    // Subscribed before anything is sent: the sharer's offer follows its intent closely.
    const early: PeerSignal[] = [];
    let deliver = (peerSignal: PeerSignal) => void early.push(peerSignal);
    const ended = new Promise<void>((resolve, reject) => {
      const unsubscribe = sealed.subscribe((peerSignal) => {
        if (peerSignal.t === 'bye') resolve();
        else if (peerSignal.t === 'tab-description' || peerSignal.t === 'tab-candidate') {
          deliver(peerSignal);
        }
      });
      abort.signal.addEventListener('abort', unsubscribe, { once: true });
      void sealed.ended.then((reason) => {
        // After media flows the signaling socket may close on its own (an idle mailbox
        // expires); only the sharer leaving ends the watch then.
        if (connected && reason.code !== 'PEER_LEFT') return;
        if (connected || reason.code === 'PEER_LEFT') resolve();
        else reject(reason);
      });
    });
    ended.catch(() => undefined);

    const identity = sealed.expect('identity');
    const intent = sealed.expect('intent');
    // This viewer is never remembered: an ephemeral key stands in for a device identity.
    const publicKey = toBase64Url(crypto.getRandomValues(new Uint8Array(32)));
    sealed.send({ t: 'identity', name: viewerName, publicKey });
    const sharer = await identity;
    if ((await intent).kind !== 'tab') {
      throw new PeerbeamError('NOT_A_TAB', 'not a shared tab');
    }

    hooks.step('connecting-peer');
    const receiver = new TabReceiver({
      iceServers: established.iceServers,
      sendSignal: (peerSignal) => sealed.trySend(peerSignal),
      signal: abort.signal,
    });
    const failures = new Promise<never>((_, reject) => {
      deliver = (peerSignal) => void receiver.handleSignal(peerSignal).catch(reject);
      for (const peerSignal of early.splice(0)) deliver(peerSignal);
    });
    failures.catch(() => undefined);
    void receiver.stream.then((stream) => hooks.playing(stream, sharer.name));
    const outcome = await Promise.race([
      receiver.connected.then(() => 'connected' as const),
      failures,
      ended.then(() => 'ended' as const),
    ]);
    if (outcome === 'ended') {
      hooks.ended();
      return;
    }
    connected = true;
    await Promise.race([ended, receiver.lost]);
    hooks.ended();
  } finally {
    sealed.trySend({ t: 'bye' });
    abort.abort();
    established.release('happy');
  }
}
