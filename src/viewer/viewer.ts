/**
 * The extension's viewer page: opened by the engine (in Chromium, the offscreen document) when a code session turns out
 * to be a shared tab (src/engine/tab-viewer-bridge.ts). It owns the receiving
 * RTCPeerConnection, because a MediaStream cannot move between documents; its signals travel
 * through the offscreen document's sealed link.
 */
import { toErrorData, type ErrorData } from '../core/errors.js';
import type { ViewerSignal } from '../core/tab-share-view.js';
import { describeError, t } from '../shared/i18n.js';
import { call } from '../shared/messaging.js';
import { Player, playerTextsFrom, type PlayerTexts } from './player.js';
import { TabReceiver } from './tab-receiver.js';

const texts: PlayerTexts = playerTextsFrom(t);

/** How the share ended decides what the page says: the sharer stopping is not a failure. */
const isPlainEnd = (ended: ErrorData) => ended.code === 'PEER_LEFT' || ended.code === 'CANCELLED';

async function watch(viewerId: string, player: Player): Promise<void> {
  const abort = new AbortController();
  try {
    const { iceServers, sharerName } = await call('offscreen', 'tabViewerAttach', { viewerId });
    document.title = texts.watching(sharerName);
    // One after another: an answer must not be overtaken by its own candidates.
    let outbox = Promise.resolve();
    const send = (signal: ViewerSignal) => {
      outbox = outbox
        .then(() => call('offscreen', 'tabViewerSignal', { viewerId, signal }))
        .catch(() => undefined);
    };
    const receiver = new TabReceiver({ iceServers, sendSignal: send, signal: abort.signal });
    let connected = false;
    void receiver.stream.then((stream) => player.play(stream, sharerName));
    receiver.connected.then(
      async () => {
        connected = true;
        await call('offscreen', 'tabViewerState', { viewerId, state: 'connected' });
        await receiver.lost;
        player.ended();
        abort.abort();
      },
      (error: unknown) => {
        if (abort.signal.aborted) return;
        player.failed(describeError(toErrorData(error)));
        void call('offscreen', 'tabViewerState', { viewerId, state: 'failed' }).catch(
          () => undefined,
        );
        abort.abort();
      },
    );
    while (!abort.signal.aborted) {
      const { signals, ended } = await call('offscreen', 'tabViewerPull', { viewerId });
      for (const signal of signals) await receiver.handleSignal(signal);
      if (ended) {
        if (connected || isPlainEnd(ended)) player.ended();
        else player.failed(describeError(ended));
        break;
      }
    }
  } catch (error) {
    player.failed(describeError(toErrorData(error)));
  } finally {
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
