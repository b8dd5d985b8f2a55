/**
 * The no-install viewer: served by the signaling service at /watch, next to its WebSocket.
 * The code is typed, or arrives in the URL fragment (`/watch#7-apple-river`), which the
 * browser never sends to the server; it is removed from the address bar once read.
 */
import '../viewer/player.css';
import './web.css';
import { parseCode } from '../core/code.js';
import { toErrorData, type ErrorData } from '../core/errors.js';
import { codeFromFragment, signalingUrlFor } from '../core/tab-links.js';
import { Player, type PlayerTexts } from '../viewer/player.js';
import { WEB_TEXTS, fill, pickLanguage, type WebTexts } from './strings.js';
import { watchByCode } from './watch.js';

const language = pickLanguage(navigator.languages);
const texts: WebTexts = WEB_TEXTS[language];

const playerTexts: PlayerTexts = {
  connecting: texts.connecting,
  watching: (name) => (name ? fill(texts.watchingNamed, { name }) : texts.watching),
  ended: texts.ended,
  failed: (detail) => fill(texts.failed, { detail }),
  fullscreen: texts.fullscreen,
  exitFullscreen: texts.exitFullscreen,
  volume: texts.volume,
  mute: texts.mute,
  unmute: texts.unmute,
  clickToUnmute: texts.clickToUnmute,
};

function describe(error: ErrorData): string {
  if (error.code === 'BAD_REQUEST') return texts.notATab;
  return fill(texts.errors[error.code] ?? texts.errors.other, { detail: error.message });
}

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const form = byId<HTMLFormElement>('code-form');
const input = byId<HTMLInputElement>('code');
const app = byId<HTMLElement>('app');

document.documentElement.lang = language === 'zh' ? 'zh-CN' : 'en';
document.title = texts.title;
byId('code-label').textContent = texts.codeLabel;
byId('watch').textContent = texts.watch;
byId('intro').textContent = texts.intro;
input.placeholder = texts.codePlaceholder;

let player = new Player(app, playerTexts);
let leaving: AbortController | undefined;

/** Each attempt gets a fresh player: ended and failed are final states. */
function freshPlayer(): Player {
  player.root.remove();
  player = new Player(app, playerTexts);
  return player;
}

function start(code: string): void {
  leaving?.abort();
  const shown = freshPlayer();
  // Checked here first: a typo must not spend the code's one guess.
  const parsed = parseCode(code);
  if (!parsed.ok) {
    shown.failed(describe({ code: 'CODE_INVALID', message: parsed.error.message }));
    return;
  }
  const abort = new AbortController();
  leaving = abort;
  shown.connecting();
  watchByCode(
    signalingUrlFor(location.href),
    code,
    texts.viewerName,
    {
      step: (step) => shown.connecting(texts.steps[step]),
      playing: (stream, name) => shown.play(stream, name),
      ended: () => shown.ended(),
    },
    abort.signal,
  ).catch((error: unknown) => {
    if (!abort.signal.aborted) shown.failed(describe(toErrorData(error)));
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
  const fromLink = codeFromFragment(location.hash);
  if (!fromLink) return;
  history.replaceState(null, '', location.pathname + location.search);
  if (player.state === 'connecting' || player.state === 'playing') return;
  input.value = fromLink;
  start(fromLink);
}

// A link opened in a tab that already shows this page changes only the fragment.
addEventListener('hashchange', startFromFragment);
startFromFragment();
