/**
 * Watching a shared tab from any browser, without the extension: the same pure core and rtc
 * glue as the extension (code parsing, CPace, sealed signaling), then a receive-only
 * RTCPeerConnection.
 *
 *   claim the code → PAKE → identities → intent{tab} → sharer's offer → answer + ICE (sealed)
 *     → playing ── bye / sharer left / connection lost ──→ ended
 *
 * Or the web page's own engine already holds that sealed signaling (a tab share's code typed
 * on the start screen): the watch then only answers the offer the engine relays (watchInPage).
 */
import { toBase64Url } from '../core/bytes.js';
import { PeerbeamError, type ErrorData } from '../core/errors.js';
import type { ViewerSignal } from '../core/tab-share-view.js';
import type {
  PageEvent,
  PageEvents,
  PageMethod,
  PageParams,
  PageResult,
} from '../engine/page-protocol.js';
import { receiveByCode } from '../rtc/code-sessions.js';
import { greet, TabSignals } from '../rtc/greeting.js';
import { receiveTab } from '../rtc/peer-connection.js';
import type { Established } from '../rtc/established.js';
import { joinByLink } from '../rtc/tab-link-sessions.js';
import type { SessionStep } from '../shared/session-view.js';

export interface WatchHooks {
  step: (step: SessionStep) => void;
  playing: (stream: MediaStream, sharerName?: string) => void;
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
  const abort = following(signal);
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
  const abort = following(signal);
  hooks.step('connecting');
  const established = await joinByLink(signalingUrl, secret, abort.signal, () =>
    hooks.step('handshaking'),
  );
  if (established === 'link-off') return 'link-off';
  await watchOver(established, viewerName, hooks, abort);
}

/** This watch's own controller, aborted with the caller's `signal` too. */
function following(signal: AbortSignal): AbortController {
  const abort = new AbortController();
  signal.addEventListener('abort', () => abort.abort(), { once: true });
  return abort;
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

/** The web page's engine, as a viewer page reaches it (page-protocol.ts `watchTab`). */
export interface ViewerEngine {
  request<M extends PageMethod>(method: M, ...params: PageParams<M>): Promise<PageResult<M>>;
  on<E extends PageEvent>(event: E, listener: (params: PageEvents[E]) => void): () => void;
}

/** The sharer stopping, or the watch being left, is an end, not a failure. */
const isPlainEnd = (ended: ErrorData) => ended.code === 'PEER_LEFT' || ended.code === 'CANCELLED';

/**
 * Watches the share the page's engine offered as `viewerId` (its session learned intent{tab}
 * after the code): the sharer's offer and candidates come from the engine, the answer goes
 * back through it. Settles as watchByCode does.
 */
export async function watchInPage(
  engine: ViewerEngine,
  viewerId: string,
  hooks: WatchHooks,
  signal: AbortSignal,
): Promise<void> {
  const abort = following(signal);
  // Heard from the start; held until the receiver exists (the watch's answer comes first).
  let handle: ((peerSignal: ViewerSignal) => void) | undefined;
  const early: ViewerSignal[] = [];
  const unsubscribe = [
    engine.on('viewerSignal', (peerSignal) =>
      handle ? handle(peerSignal) : early.push(peerSignal),
    ),
  ];
  const ended = new Promise<void>((resolve, reject) => {
    unsubscribe.push(
      engine.on('viewerEnded', (reason) =>
        isPlainEnd(reason) ? resolve() : reject(new PeerbeamError(reason.code, reason.message)),
      ),
    );
  });
  ended.catch(() => undefined);
  let connected = false;
  try {
    hooks.step('connecting-peer');
    const watch = await engine.request('watchTab', { viewerId });
    // One after another: an answer must not be overtaken by its own candidates.
    let outbox = Promise.resolve();
    const receiver = receiveTab({
      iceServers: watch.iceServers,
      sendSignal: (answer) => {
        outbox = outbox
          .then(() => engine.request('viewerSignal', { signal: answer }))
          .catch(() => undefined);
      },
      signal: abort.signal,
    });
    const failures = new Promise<never>((_, reject) => {
      handle = (peerSignal) => void receiver.handleSignal(peerSignal).catch(reject);
    });
    failures.catch(() => undefined);
    for (const peerSignal of [...watch.signals, ...early.splice(0)]) handle?.(peerSignal);
    void receiver.stream.then((stream) => hooks.playing(stream, watch.sharerName));
    const outcome = await Promise.race([
      receiver.connected.then(() => 'connected' as const),
      failures,
      ended.then(() => 'ended' as const),
    ]);
    if (outcome === 'connected') {
      connected = true;
      await engine.request('viewerState', { state: 'connected' });
      await Promise.race([ended.catch(() => undefined), receiver.lost]);
    }
    hooks.ended();
  } catch (error) {
    if (!connected) void engine.request('viewerState', { state: 'failed' }).catch(() => undefined);
    throw error;
  } finally {
    for (const off of unsubscribe) off();
    abort.abort();
  }
}
