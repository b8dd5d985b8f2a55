/**
 * The extension's viewer page: opened by the engine (in Chromium, the offscreen document) when a
 * code session turns out to be a shared tab (src/engine/tab-viewer-bridge.ts). It owns the
 * receiving RTCPeerConnection, because a MediaStream cannot move between documents; its signals
 * travel over its port to the engine, and from there through the sealed signaling. Closing the page
 * closes the port: the engine takes that as the viewer leaving.
 */
import { toErrorData, type ErrorData } from '../core/errors.js';
import type { ViewerSignal } from '../core/tab-share-view.js';
import { VIEWER_PORT } from '../engine/page-protocol.js';
import { receiveTab } from '../rtc/peer-connection.js';
import { EngineClient } from '../shared/engine-client.js';
import { describeError, t } from '../shared/i18n.js';
import { Player, playerTextsFrom, type PlayerTexts } from './player.js';

const texts: PlayerTexts = playerTextsFrom(t);

/** How the share ended decides what the page says: the sharer stopping is not a failure. */
const isPlainEnd = (ended: ErrorData) => ended.code === 'PEER_LEFT' || ended.code === 'CANCELLED';

async function watch(viewerId: string, player: Player): Promise<void> {
  const engine = new EngineClient(VIEWER_PORT);
  const abort = new AbortController();
  // Heard from the start; held until the receiver exists (the watch's answer comes first).
  let handle: ((signal: ViewerSignal) => void) | undefined;
  const early: ViewerSignal[] = [];
  engine.on('viewerSignal', (signal) => (handle ? handle(signal) : early.push(signal)));
  let connected = false;
  engine.on('viewerEnded', (ended) => {
    if (abort.signal.aborted) return;
    if (connected || isPlainEnd(ended)) player.ended();
    else player.failed(describeError(ended));
    abort.abort();
  });
  engine.onGone(() => {
    if (abort.signal.aborted) return;
    player.failed(describeError({ code: 'HOST_GONE', message: 'the engine stopped' }));
    abort.abort();
  });
  try {
    const { iceServers, sharerName, signals } = await engine.request('watchTab', { viewerId });
    document.title = texts.watching(sharerName);
    // One after another: an answer must not be overtaken by its own candidates.
    let outbox = Promise.resolve();
    const send = (signal: ViewerSignal) => {
      outbox = outbox.then(() => engine.request('viewerSignal', { signal })).catch(() => undefined);
    };
    const receiver = receiveTab({ iceServers, sendSignal: send, signal: abort.signal });
    handle = (signal) =>
      void receiver.handleSignal(signal).catch((error: unknown) => {
        if (abort.signal.aborted) return;
        player.failed(describeError(toErrorData(error)));
        abort.abort();
      });
    for (const signal of [...signals, ...early.splice(0)]) handle(signal);
    void receiver.stream.then((stream) => player.play(stream, sharerName));
    receiver.connected.then(
      async () => {
        connected = true;
        await engine.request('viewerState', { state: 'connected' });
        await receiver.lost;
        if (abort.signal.aborted) return;
        player.ended();
        abort.abort();
      },
      (error: unknown) => {
        if (abort.signal.aborted) return;
        player.failed(describeError(toErrorData(error)));
        void engine.request('viewerState', { state: 'failed' }).catch(() => undefined);
        abort.abort();
      },
    );
  } catch (error) {
    player.failed(describeError(toErrorData(error)));
    abort.abort();
  }
}

// The language of the messages shown, not the browser's UI language: a French browser gets
// the English messages and must not be marked `fr`.
document.documentElement.lang = t('viewerLanguageTag');
document.title = t('viewerTitle');
const app = document.getElementById('app');
if (app) {
  const player = new Player(app, texts);
  player.connecting();
  void watch(decodeURIComponent(location.hash.slice(1)), player);
}
