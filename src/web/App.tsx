/**
 * The web page's start screen: receive by code (typed, or from a link's fragment), send files
 * (the extension's own send component), chat by code (a text or a link), or go to the watch
 * screen. A tab share's code typed here plays on the watch screen, which then takes the page's
 * place (tab-viewer.ts). The code field and sessions are the extension's own components; only
 * the room notice is this page's.
 */
import '../popup/popup.css';
import '../send/send.css';
import './web.css';
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { toErrorData, type ErrorData } from '../core/errors.js';
import { codeFromFragment } from '../core/tab-links.js';
import { Session } from '../popup/Session.js';
import { ReceiveLink } from '../send/ReceiveLink.js';
import { SendPage } from '../send/SendPage.js';
import { engine } from '../shared/engine-client.js';
import { describeError, setPageLanguage, t } from '../shared/i18n.js';
import { newerView, type SessionView } from '../shared/session-view.js';
import { FolderChoice, ReceiveForm, RoomNotice } from './Receive.js';

/** The session this page started by code (its answer precedes its first change). */
let startedId: string | undefined;
let showSession: ((view: SessionView) => void) | undefined;
engine.on('sessionChanged', (view) => {
  if (view.id === startedId) showSession?.(view);
});

/** A code in the fragment (a scanned link), taken once and removed from the address bar. */
function takeFragmentCode(): string | undefined {
  const code = codeFromFragment(location.hash);
  if (code) history.replaceState(null, '', location.pathname + location.search);
  return code;
}

function App() {
  const [screen, setScreen] = useState<'home' | 'send'>('home');
  const [session, setSession] = useState<SessionView | null>(null);
  const [error, setError] = useState<ErrorData | undefined>();
  const [typed, setTyped] = useState('');

  /** Starts a session: receive by a code, or chat (a text or a link) with a code of ours. */
  const begin = (start: () => Promise<SessionView>) => {
    setError(undefined);
    startedId = undefined;
    start().then(
      (view) => {
        startedId = view.id;
        setSession((current) => (current?.id === view.id ? newerView(current, view) : view));
      },
      (e: unknown) => setError(toErrorData(e)),
    );
  };
  const receive = (code: string) => {
    setTyped(code);
    begin(() => engine.request('startReceive', { code }));
  };

  useEffect(() => {
    document.title = t('web_title');
    setPageLanguage();
    showSession = (view) => setSession((current) => (current ? newerView(current, view) : view));
    const fromLink = takeFragmentCode();
    if (fromLink) receive(fromLink);
    const onHash = () => {
      const code = takeFragmentCode();
      if (code) receive(code);
    };
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);

  if (screen === 'send') {
    return (
      <>
        <button type="button" class="secondary" id="back" onClick={() => setScreen('home')}>
          {t('web_back')}
        </button>
        <SendPage />
      </>
    );
  }

  const done = () => {
    startedId = undefined;
    setSession(null);
  };
  return (
    <>
      <h1 class="brand">Peerbeam</h1>
      <p id="intro">{t('web_intro')}</p>
      {session ? (
        <>
          <RoomNotice view={session} />
          <FolderChoice view={session} />
          <Session
            view={session}
            host="send-page"
            onDone={done}
            // A receiver's retry is the code field again (the code may be mistyped).
            onRetry={done}
          />
          {session.receiveUrl && session.step === 'waiting-for-peer' && (
            <ReceiveLink link={session.receiveUrl} />
          )}
        </>
      ) : (
        <>
          <ReceiveForm initial={typed} onReceive={receive} />
          <RoomNotice />
          {error && (
            <p class="error" id="receive-error" role="alert" data-code={error.code}>
              {describeError(error)}
            </p>
          )}
          <h2 id="send-heading">{t('web_sendHeading')}</h2>
          <button
            type="button"
            id="send-files"
            class="secondary wide"
            onClick={() => setScreen('send')}
          >
            {t('sendFiles')}
          </button>
          <button
            type="button"
            id="send-text"
            class="secondary wide"
            onClick={() => begin(() => engine.request('startSend'))}
          >
            {t('popup_chatByCode')}
          </button>
          <p>
            <a href="/watch" id="watch-link">
              {t('web_watchLink')}
            </a>
          </p>
        </>
      )}
      <p class="status" id="trust">
        {t('web_trust', location.host)}
      </p>
    </>
  );
}

export function showApp(root: HTMLElement): void {
  render(<App />, root);
}
