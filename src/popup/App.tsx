import { useEffect, useState } from 'preact/hooks';
import { toErrorData } from '../core/errors.js';
import { call, registerMethods } from '../shared/messaging.js';
import { describeError, t } from '../shared/i18n.js';
import {
  newerView,
  type DeviceView,
  type LinkView,
  type SessionView,
} from '../shared/session-view.js';
import { Links } from './Links.js';
import { Devices } from './Devices.js';
import { Home } from './Home.js';
import { Session } from './Session.js';
import { SettingsForm } from './SettingsForm.js';
import type { TabShareView } from '../core/tab-share-view.js';
import {
  TabSharePanel,
  TabShareStart,
  TabWatching,
  newerShare,
  shareStartError,
} from './TabShare.js';

let showSession: ((view: SessionView) => void) | undefined;
let showDevices: ((devices: DeviceView[]) => void) | undefined;
let showTabShare: ((view: TabShareView) => void) | undefined;
let showLinks: ((links: LinkView[]) => void) | undefined;
const dismissed = new Set<string>();

// Registered at module load: the offscreen document streams every change.
registerMethods('popup', {
  sessionChanged: (view) => showSession?.(view),
  devicesChanged: (devices) => showDevices?.(devices),
  tabShareChanged: (view) => showTabShare?.(view),
  linksChanged: (links) => showLinks?.(links),
});

export function App() {
  const [session, setSession] = useState<SessionView | null>(null);
  const [devices, setDevices] = useState<DeviceView[]>([]);
  const [links, setLinks] = useState<LinkView[]>([]);
  const [error, setError] = useState<string | undefined>();
  const [tabShare, setTabShare] = useState<TabShareView | null>(null);

  useEffect(() => {
    showSession = (view) => {
      // Late events of a session the person already dismissed must not bring it back.
      if (dismissed.has(view.id)) return;
      setSession((current) =>
        !current || current.id === view.id ? newerView(current, view) : current,
      );
    };
    // Re-attach: the popup closes whenever it loses focus, the session lives on offscreen.
    call('background', 'getSession')
      .then((view) => {
        // A session that already ended is history: a fresh popup starts at Send / Receive.
        const live = view && view.step !== 'closed' && view.step !== 'failed' ? view : null;
        setSession((current) => current ?? live);
      })
      .catch((e: unknown) => setError(describeError(toErrorData(e))));
    showDevices = setDevices;
    call('background', 'listDevices')
      .then(setDevices)
      .catch((e: unknown) => setError(describeError(toErrorData(e))));
    showLinks = setLinks;
    call('background', 'listLinks')
      .then(setLinks)
      .catch((e: unknown) => setError(describeError(toErrorData(e))));
    showTabShare = (view) => setTabShare((current) => newerShare(current, view));
    call('background', 'getTabShare')
      .then((view) => {
        if (view?.step === 'live') setTabShare((current) => current ?? view);
      })
      .catch((e: unknown) => setError(describeError(toErrorData(e))));
    return () => {
      showSession = undefined;
      showDevices = undefined;
      showTabShare = undefined;
      showLinks = undefined;
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
      {tabShare && (
        <TabSharePanel
          view={tabShare}
          onStop={() => {
            call('background', 'stopTabShare').catch((e: unknown) =>
              setError(describeError(toErrorData(e))),
            );
          }}
          onDone={() => setTabShare(null)}
        />
      )}
      {session?.kind === 'tab' && session.role !== 'send' ? (
        <TabWatching
          view={session}
          onStop={() => {
            dismissed.add(session.id);
            void call('background', 'closeSession').then(() => setSession(null));
          }}
          onDone={() => {
            dismissed.add(session.id);
            setSession(null);
          }}
        />
      ) : session ? (
        <Session
          view={session}
          onDone={() => {
            dismissed.add(session.id);
            setSession(null);
          }}
        />
      ) : (
        <>
          <Home
            onSend={() => run(() => call('background', 'startSend'))}
            onReceive={(code) => run(() => call('background', 'startReceive', { code }))}
          />
          {tabShare?.step !== 'live' && (
            <TabShareStart
              onStart={(quality) => {
                setError(undefined);
                call('background', 'startTabShare', { quality })
                  .then((view) => setTabShare((current) => newerShare(current, view)))
                  .catch((e: unknown) => setError(shareStartError(toErrorData(e))));
              }}
            />
          )}
          <Devices
            devices={devices}
            onConnect={(id) => run(() => call('background', 'connectDevice', { id }))}
            onUnpair={(id) => {
              call('background', 'unpairDevice', { id }).catch((e: unknown) =>
                setError(describeError(toErrorData(e))),
              );
            }}
            onAutoOpen={(deviceId, on) => {
              call('background', 'setAutoOpenLinks', { deviceId, on }).catch((e: unknown) =>
                setError(describeError(toErrorData(e))),
              );
            }}
          />
          <Links links={links} />
        </>
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
