/**
 * The no-install viewer, the web page's watch screen (`/watch`, old links included), served by
 * the signaling service next to its WebSocket.
 * The code is typed (in words, or the same code in digits), or arrives in the URL fragment
 * (`/watch#7-apple-river`), which the browser never sends to the server; it is removed from
 * the address bar once read. Its words are the extension's `_locales` (texts.ts).
 */
import '../viewer/player.css';
import './web.css';
import { toErrorData } from '../core/errors.js';
import { codeFromFragment, signalingUrlFor } from '../core/tab-links.js';
import { linkSecretFromFragment } from '../core/tab-share-link.js';
import { Player } from '../viewer/player.js';
import { codeStillUsable, readTypedCode } from './typed-code.js';
import { describeCodeError, describeError, playerTexts, stepText, webTexts } from './texts.js';
import { watchByCode, watchByLink, type WatchHooks } from './watch.js';

/** The screen's markup: plain elements, filled with words below (no inline script or style). */
const MARKUP = `
<header class="bar">
  <h1 class="brand">Peerbeam</h1>
  <form id="code-form">
    <label for="code" id="code-label"></label>
    <input id="code" autocomplete="off" autocapitalize="off" spellcheck="false" enterkeyhint="go" />
    <button type="submit" id="watch"></button>
  </form>
  <p id="intro"></p>
  <a href="/" id="home-link"></a>
</header>
<main id="app"></main>`;

/** A watch that is already under way elsewhere on the page (watch.ts watchInPage). */
export type InPageWatch = (hooks: WatchHooks, signal: AbortSignal) => Promise<void>;

/**
 * Shows the watch screen in `root` (the page's body) and starts from the URL fragment, or
 * plays `inPage` (a tab share's code typed on the start screen, whose code is spent already).
 */
export function showWatchScreen(root: HTMLElement, inPage?: InPageWatch): void {
  root.innerHTML = MARKUP;
  const texts = webTexts(navigator.languages);
  const { t } = texts;
  const shownTexts = playerTexts(texts);

  const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
  const form = byId<HTMLFormElement>('code-form');
  const input = byId<HTMLInputElement>('code');
  const app = byId<HTMLElement>('app');

  document.documentElement.lang = texts.lang;
  document.title = t('watchTitle');
  byId('code-label').textContent = t('watchCodeLabel');
  byId('watch').textContent = t('watchButton');
  byId('intro').textContent = t('watchIntro');
  byId('home-link').textContent = t('web_homeLink');
  input.placeholder = t('watchCodePlaceholder');

  let player = new Player(app, shownTexts);
  let leaving: AbortController | undefined;

  /** Each attempt gets a fresh player: ended and failed are final states. */
  function freshPlayer(): Player {
    player.root.remove();
    player = new Player(app, shownTexts);
    return player;
  }

  /** After an attempt: a used code is not offered again; the field takes the next one. */
  function settle(outcome: Parameters<typeof codeStillUsable>[0]): void {
    if (!codeStillUsable(outcome)) input.value = '';
    input.focus();
  }

  /** A watch begins in `shown`: the one to abort when the next begins. */
  function connectingIn(shown: Player): AbortController {
    const abort = new AbortController();
    leaving = abort;
    shown.connecting();
    // The form is hidden from now on: focus must not fall back to the page's body.
    shown.focus();
    return abort;
  }

  function start(typed: string): void {
    leaving?.abort();
    const shown = freshPlayer();
    // Checked here first: a typo must not spend the code's one guess.
    const read = readTypedCode(typed);
    if (!read.ok) {
      shown.failed(describeCodeError(texts, read.error));
      settle('CODE_INVALID');
      return;
    }
    const abort = connectingIn(shown);
    watchByCode(
      signalingUrlFor(location.href),
      read.code,
      t('watchViewerName'),
      hooksFor(shown),
      abort.signal,
    ).catch((error: unknown) => {
      if (abort.signal.aborted) return;
      const data = toErrorData(error);
      shown.failed(describeError(texts, data));
      settle(data.code);
    });
  }

  function hooksFor(shown: Player): WatchHooks {
    return {
      step: (step) => shown.connecting(stepText(texts, step)),
      playing: (stream, name) => {
        shown.play(stream, name);
        shown.focus();
      },
      ended: () => {
        shown.ended();
        settle('ended');
      },
    };
  }

  /** The share's stable link: no code to type or spend; a link nobody answers is off. */
  function startFromLink(secret: string): void {
    leaving?.abort();
    const shown = freshPlayer();
    const abort = connectingIn(shown);
    watchByLink(
      signalingUrlFor(location.href),
      secret,
      t('watchViewerName'),
      hooksFor(shown),
      abort.signal,
    ).then(
      (outcome) => {
        if (outcome === 'link-off' && !abort.signal.aborted) {
          shown.failed(t('tabLinkWatchOff'));
          input.focus();
        }
      },
      (error: unknown) => {
        if (abort.signal.aborted) return;
        shown.failed(describeError(texts, toErrorData(error)));
        input.focus();
      },
    );
  }

  /** The start screen's engine holds the connection: no code left to type or spend. */
  function startInPage(watch: InPageWatch): void {
    const shown = freshPlayer();
    const abort = connectingIn(shown);
    watch(hooksFor(shown), abort.signal).catch((error: unknown) => {
      if (abort.signal.aborted) return;
      shown.failed(describeError(texts, toErrorData(error)));
      settle('ended');
    });
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (player.state === 'connecting' || player.state === 'playing') return;
    start(input.value);
  });

  addEventListener('pagehide', () => leaving?.abort());

  /** A code in the fragment starts watching; it is then removed from the address bar. */
  function startFromFragment(): void {
    const secret = linkSecretFromFragment(location.hash);
    if (secret) {
      history.replaceState(null, '', location.pathname + location.search);
      if (player.state === 'connecting' || player.state === 'playing') return;
      startFromLink(secret);
      return;
    }
    const fromLink = codeFromFragment(location.hash);
    if (!fromLink) return;
    history.replaceState(null, '', location.pathname + location.search);
    if (player.state === 'connecting' || player.state === 'playing') return;
    input.value = fromLink;
    start(fromLink);
  }

  // A link opened in a tab that already shows this page changes only the fragment.
  addEventListener('hashchange', startFromFragment);
  if (inPage) startInPage(inPage);
  else startFromFragment();
}
