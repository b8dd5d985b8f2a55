import { useEffect, useState } from 'preact/hooks';
import { toErrorData } from '../core/errors.js';
import { call, registerMethods } from '../shared/messaging.js';
import { describeError, t } from '../shared/i18n.js';
import { newerView, type SessionView } from '../shared/session-view.js';
import { Home } from './Home.js';
import { Session } from './Session.js';
import { SettingsForm } from './SettingsForm.js';

let showSession: ((view: SessionView) => void) | undefined;

// Registered at module load: the offscreen document streams every change of the session.
registerMethods('popup', {
  sessionChanged: (view) => showSession?.(view),
});

export function App() {
  const [session, setSession] = useState<SessionView | null>(null);
  const [error, setError] = useState<string | undefined>();

  useEffect(() => {
    showSession = (view) =>
      setSession((current) =>
        !current || current.id === view.id ? newerView(current, view) : current,
      );
    // Re-attach: the popup closes whenever it loses focus, the session lives on offscreen.
    call('background', 'getSession')
      .then((view) => {
        // A session that already ended is history: a fresh popup starts at Send / Receive.
        const live = view && view.step !== 'closed' && view.step !== 'failed' ? view : null;
        setSession((current) => current ?? live);
      })
      .catch((e: unknown) => setError(describeError(toErrorData(e))));
    return () => {
      showSession = undefined;
    };
  }, []);

  const run = (action: () => Promise<SessionView>) => {
    setError(undefined);
    action()
      .then((view) => setSession((current) => newerView(current, view)))
      .catch((e: unknown) => setError(describeError(toErrorData(e))));
  };

  return (
    <>
      <h1>{t('extName')}</h1>
      {session ? (
        <Session view={session} onDone={() => setSession(null)} />
      ) : (
        <Home
          onSend={() => run(() => call('background', 'startSend'))}
          onReceive={(code) => run(() => call('background', 'startReceive', { code }))}
        />
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <SettingsForm />
    </>
  );
}
