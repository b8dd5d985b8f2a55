/**
 * The send page: a full tab (the popup closes when it loses focus, e.g. to a file dialog), for
 * picking or dropping files and folders. Picked files go to the offscreen document by
 * structured clone over a BroadcastChannel; the page then shows the code and the progress.
 */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { toErrorData, type ErrorData } from '../core/errors.js';
import { formatBytes } from '../core/progress.js';
import { FILE_BATCH_CHANNEL, type FileBatch } from '../shared/file-batch.js';
import { describeError, t } from '../shared/i18n.js';
import { call, registerMethods } from '../shared/messaging.js';
import { StartedSessionView, type DeviceView, type SessionView } from '../shared/session-view.js';
import { Session } from '../popup/Session.js';
import { fromDrop, fromInput, type PickedFile } from './pick.js';

const started = new StartedSessionView();
let showSession: ((view: SessionView | null) => void) | undefined;
registerMethods('popup', {
  sessionChanged: (view) => showSession?.(started.changed(view)),
  devicesChanged: () => undefined,
  tabShareChanged: () => undefined,
  linksChanged: () => undefined,
});

async function startSending(picked: PickedFile[], deviceId?: string): Promise<SessionView> {
  await call('background', 'ensureReady');
  const batch: FileBatch = { batchId: crypto.randomUUID(), files: picked };
  const channel = new BroadcastChannel(FILE_BATCH_CHANNEL);
  channel.postMessage(batch);
  try {
    return await call('background', 'startSendFiles', {
      batchId: batch.batchId,
      ...(deviceId ? { deviceId } : {}),
    });
  } finally {
    // Closed only once the offscreen document has the batch: closing right after posting
    // can lose a large message still in flight.
    channel.close();
  }
}

function SendPage() {
  const [picked, setPicked] = useState<PickedFile[]>([]);
  const [session, setSession] = useState<SessionView | null>(null);
  const [devices, setDevices] = useState<DeviceView[]>([]);
  const [over, setOver] = useState(false);
  const [error, setError] = useState<ErrorData | undefined>();

  useEffect(() => {
    document.title = t('sendPageTitle');
    showSession = setSession;
    void call('background', 'listDevices').then(setDevices);
  }, []);

  const send = (deviceId?: string) => {
    setError(undefined);
    started.starting();
    startSending(picked, deviceId)
      .then((view) => setSession(started.started(view)))
      .catch((e: unknown) => {
        started.reset();
        setError(toErrorData(e));
      });
  };

  if (session) {
    return (
      <>
        <h1>{t('sendPageTitle')}</h1>
        <Session
          view={session}
          onDone={() => {
            started.reset();
            setSession(null);
          }}
        />
      </>
    );
  }
  const total = picked.reduce((sum, { file }) => sum + file.size, 0);
  return (
    <>
      <h1>{t('sendPageTitle')}</h1>
      <div
        class={`drop ${over ? 'over' : ''}`}
        id="drop"
        onDragOver={(event) => {
          event.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(event) => {
          event.preventDefault();
          setOver(false);
          if (event.dataTransfer) {
            void fromDrop(event.dataTransfer.items).then((more) =>
              setPicked((current) => [...current, ...more]),
            );
          }
        }}
      >
        <p>{t('dropHere')}</p>
        <div class="row" style={{ justifyContent: 'center' }}>
          <label class="button">
            <input
              id="pick-files"
              type="file"
              multiple
              hidden
              onChange={(event) => {
                const more = fromInput(event.currentTarget.files);
                setPicked((current) => [...current, ...more]);
              }}
            />
            <span class="secondary-button">{t('pickFiles')}</span>
          </label>
          <label class="button">
            <input
              id="pick-folder"
              type="file"
              hidden
              {...{ webkitdirectory: true }}
              onChange={(event) => {
                const more = fromInput(event.currentTarget.files);
                setPicked((current) => [...current, ...more]);
              }}
            />
            <span class="secondary-button">{t('pickFolder')}</span>
          </label>
        </div>
      </div>
      {picked.length > 0 && (
        <>
          <p class="status" id="picked">
            {picked.length} · {formatBytes(total)}
          </p>
          <div class="row">
            <button type="button" id="send-by-code" onClick={() => send()}>
              {t('sendByCode')}
            </button>
            {devices
              .filter((device) => device.online)
              .map((device) => (
                <button
                  type="button"
                  class="secondary"
                  key={device.id}
                  data-device={device.name}
                  onClick={() => send(device.id)}
                >
                  {device.name}
                </button>
              ))}
          </div>
        </>
      )}
      {error && (
        <p class="error" id="send-error" role="alert" data-code={error.code}>
          {describeError(error)}
        </p>
      )}
    </>
  );
}

const root = document.getElementById('app');
if (root) render(<SendPage />, root);
