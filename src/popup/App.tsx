import { useEffect, useRef, useState } from 'preact/hooks';
import { toErrorData, type ErrorData } from '../core/errors.js';
import { call } from '../shared/messaging.js';
import { engine } from '../shared/engine-client.js';
import { describeError, t } from '../shared/i18n.js';
import {
  newerView,
  type DeviceView,
  type LinkView,
  type SessionView,
} from '../shared/session-view.js';
import { Links } from './Links.js';
import { Devices } from './Devices.js';
import { dismissedSession, rememberDismissed } from './dismissed.js';
import { Home } from './Home.js';
import { KnownAs } from './KnownAs.js';
import { Session } from './Session.js';
import { SettingsForm } from './SettingsForm.js';
import type { TabShareView } from '../core/tab-share-view.js';
import {
  TabSharePanel,
  TabShareStart,
  TabWatching,
  newerShare,
  shareStartError,
  startTabShare,
} from './TabShare.js';

let showSession: ((view: SessionView) => void) | undefined;
let showDevices: ((devices: DeviceView[]) => void) | undefined;
let showTabShare: ((view: TabShareView) => void) | undefined;
let showLinks: ((links: LinkView[]) => void) | undefined;
const dismissed = new Set<string>();

// Subscribed at module load: the engine streams every change over the popup's port.
engine.on('sessionChanged', (view) => showSession?.(view));
engine.on('devicesChanged', (devices) => showDevices?.(devices));
engine.on('tabShareChanged', (view) => showTabShare?.(view));
engine.on('linksChanged', (links) => showLinks?.(links));

/** What a reopened popup shows: a running session, or the finish of a completed transfer. */
function worthShowing(view: SessionView | null, dismissedId: unknown): SessionView | null {
  if (!view || view.id === dismissedId) return null;
  const ended = view.step === 'closed' || view.step === 'failed';
  return !ended || view.transfer?.state === 'complete' ? view : null;
}

export function App() {
  const [session, setSession] = useState<SessionView | null>(null);
  const [devices, setDevices] = useState<DeviceView[]>([]);
  const [links, setLinks] = useState<LinkView[]>([]);
  const [error, setError] = useState<ErrorData | string | undefined>();
  const [tabShare, setTabShare] = useState<TabShareView | null>(null);
  const [deviceName, setDeviceName] = useState<string | undefined>();
  const [retryCode, setRetryCode] = useState<string | undefined>();
  const [lastCode, setLastCode] = useState('');
  const [announcement, setAnnouncement] = useState('');
  // Until the engine said what runs, Home is not drawn: a reopened popup goes straight to a
  // running or finished session instead of flashing Home (and a code typed there) first.
  const [attached, setAttached] = useState(false);

  const fail = (e: unknown) => setError(toErrorData(e));

  useEffect(() => {
    showSession = (view) => {
      // Late events of a session the person already dismissed must not bring it back.
      if (dismissed.has(view.id)) return;
      setSession((current) =>
        !current || current.id === view.id ? newerView(current, view) : current,
      );
    };
    // Re-attach: the popup closes whenever it loses focus, the session lives on offscreen.
    Promise.all([engine.request('getSession'), dismissedSession()])
      .then(([view, dismissedId]) => {
        const live = worthShowing(view, dismissedId);
        setSession((current) => current ?? live);
      })
      .catch(fail)
      .finally(() => setAttached(true));
    call('background', 'getSettings')
      .then((settings) => setDeviceName(settings.deviceName))
      .catch(fail);
    showDevices = setDevices;
    engine.request('listDevices').then(setDevices).catch(fail);
    showLinks = setLinks;
    engine.request('listLinks').then(setLinks).catch(fail);
    showTabShare = (view) => setTabShare((current) => newerShare(current, view));
    engine
      .request('getTabShare')
      .then((view) => {
        if (view?.step === 'live') setTabShare((current) => current ?? view);
      })
      .catch(fail);
    return () => {
      showSession = undefined;
      showDevices = undefined;
      showTabShare = undefined;
      showLinks = undefined;
    };
  }, []);

  // Offers are announced politely, with who sends them (focus also moves to Accept).
  const offeredBy = session?.transfer?.state === 'offered' ? session.peerName : undefined;
  useEffect(() => {
    if (session?.transfer?.state === 'offered')
      setAnnouncement(t('popup_offerAnnounce', offeredBy ?? t('popup_otherDevice')));
  }, [session?.id, session?.transfer?.state, offeredBy]);

  // Back at Home after a session, focus lands on its first main control, not on <body>.
  const hadSession = useRef(false);
  useEffect(() => {
    if (session) hadSession.current = true;
    else if (hadSession.current) {
      hadSession.current = false;
      if (retryCode === undefined) document.getElementById('share-tab')?.focus();
    }
  }, [session, retryCode]);
  // The same after a tab share the person closed with Done.
  const hadShare = useRef(false);
  useEffect(() => {
    if (tabShare) hadShare.current = true;
    else if (hadShare.current) {
      hadShare.current = false;
      document.getElementById('share-tab')?.focus();
    }
  }, [tabShare]);

  const run = (action: () => Promise<SessionView>) => {
    setError(undefined);
    action()
      .then((view) => setSession((current) => newerView(current, view)))
      .catch(fail);
  };

  const leave = (view: SessionView) => {
    dismissed.add(view.id);
    rememberDismissed(view.id);
    setSession(null);
  };

  const errorText = typeof error === 'string' || !error ? error : describeError(error);

  return (
    <>
      <h1>{t('extName')}</h1>
      <div class="sr-only" id="announce" role="status" aria-live="polite" aria-atomic="true">
        {announcement}
      </div>
      {tabShare && (
        <TabSharePanel
          view={tabShare}
          onStop={() => {
            engine.request('stopTabShare').catch(fail);
          }}
          onDone={() => setTabShare(null)}
        />
      )}
      {session?.kind === 'tab' && session.role !== 'send' ? (
        <TabWatching
          view={session}
          onStop={() => {
            dismissed.add(session.id);
            void engine.request('closeSession').then(() => setSession(null));
          }}
          onDone={() => leave(session)}
        />
      ) : session ? (
        <Session
          view={session}
          onDone={() => leave(session)}
          onRetry={() => {
            leave(session);
            if (session.role === 'send') run(() => engine.request('startSend'));
            else setRetryCode(lastCode);
          }}
        />
      ) : attached ? (
        <>
          <KnownAs name={deviceName} onChanged={setDeviceName} />
          {tabShare?.step !== 'live' && (
            <TabShareStart
              onStart={(quality) => {
                setError(undefined);
                startTabShare(quality)
                  .then((view) => setTabShare((current) => newerShare(current, view)))
                  .catch((e: unknown) => setError(shareStartError(toErrorData(e))));
              }}
            />
          )}
          <Home
            {...(retryCode !== undefined ? { retryCode } : {})}
            onReceive={(code) => {
              setLastCode(code);
              setRetryCode(undefined);
              run(() => engine.request('startReceive', { code }));
            }}
          />
          <Devices
            devices={devices}
            onConnect={(id) => run(() => engine.request('connectDevice', { id }))}
            onUnpair={(id) => {
              engine.request('unpairDevice', { id }).catch(fail);
            }}
            onAutoOpen={(deviceId, on) => {
              engine.request('setAutoOpenLinks', { deviceId, on }).catch(fail);
            }}
          />
          <Links links={links} />
          <p class="more">
            <button
              type="button"
              class="link"
              id="send"
              onClick={() => run(() => engine.request('startSend'))}
            >
              {t('popup_chatByCode')}
            </button>
          </p>
        </>
      ) : null}
      {errorText && (
        <div class="error-box">
          <p class="error" role="alert" id="popup-error">
            {errorText}
          </p>
          {typeof error === 'object' && error.code === 'INTERNAL' && (
            <button type="button" class="secondary" onClick={() => location.reload()}>
              {t('popup_tryAgain')}
            </button>
          )}
        </div>
      )}
      <SettingsForm />
    </>
  );
}
