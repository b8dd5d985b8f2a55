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
import { receiveByCode } from '../rtc/code-sessions.js';
import { greet, TabSignals } from '../rtc/greeting.js';
import { receiveTab } from '../rtc/peer-connection.js';
import type { Established } from '../rtc/established.js';
import { joinByLink } from '../rtc/tab-link-sessions.js';
import type { SessionStep } from '../shared/session-view.js';

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
  await watchOver(established, viewerName, hooks, abort);
}

/**
 * The same over the share's stable link (`/watch#s=<secret>`): resolves 'link-off' when
 * nobody answers at the link within a bounded wait (turned off, or the share ended).
 */
export async function watchByLink(
  signalingUrl: string,
  secret: string,
  viewerName: string,
  hooks: WatchHooks,
  signal: AbortSignal,
): Promise<'link-off' | void> {
  const abort = new AbortController();
  signal.addEventListener('abort', () => abort.abort(), { once: true });
  hooks.step('connecting');
  const established = await joinByLink(signalingUrl, secret, abort.signal, () =>
    hooks.step('handshaking'),
  );
  if (established === 'link-off') return 'link-off';
  await watchOver(established, viewerName, hooks, abort);
}

async function watchOver(
  established: Established,
  viewerName: string,
  hooks: WatchHooks,
  abort: AbortController,
): Promise<void> {
  const { sealed } = established;
  try {
    // Subscribed before anything is sent: the sharer's offer follows its intent closely.
    const tabSignals = new TabSignals(sealed, abort.signal);
    // Before media flows, the link ending for any reason but the sharer leaving is a failure
    // (after, TabSignals lets only the sharer leaving end the watch).
    const ended = tabSignals.ended.then((reason) => {
      if (reason && reason.code !== 'PEER_LEFT') throw reason;
    });
    ended.catch(() => undefined);

    // This viewer is never remembered: an ephemeral key stands in for a device identity.
    const publicKey = toBase64Url(crypto.getRandomValues(new Uint8Array(32)));
    const greeting = await greet(sealed, { self: { name: viewerName, publicKey } });
    if (greeting.kind !== 'tab') throw new PeerbeamError('NOT_A_TAB', 'not a shared tab');

    hooks.step('connecting-peer');
    const receiver = receiveTab({
      iceServers: established.iceServers,
      sendSignal: (peerSignal) => sealed.trySend(peerSignal),
      signal: abort.signal,
    });
    const failures = new Promise<never>((_, reject) => {
      tabSignals.deliver((peerSignal) => void receiver.handleSignal(peerSignal).catch(reject));
    });
    failures.catch(() => undefined);
    void receiver.stream.then((stream) => hooks.playing(stream, greeting.peer.name));
    const outcome = await Promise.race([
      receiver.connected.then(() => 'connected' as const),
      failures,
      ended.then(() => 'ended' as const),
    ]);
    if (outcome === 'ended') {
      hooks.ended();
      return;
    }
    tabSignals.mediaFlows();
    await Promise.race([ended, receiver.lost]);
    hooks.ended();
  } finally {
    sealed.trySend({ t: 'bye' });
    abort.abort();
    established.release('happy');
  }
}
