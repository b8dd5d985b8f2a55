/**
 * The send page: a full tab (the popup closes when it loses focus, e.g. to a file dialog), for
 * picking or dropping files and folders. Picked files go to the engine's host by structured
 * clone over a BroadcastChannel; the page then shows the code, with the web page's link and
 * its QR code beside it (a phone scans it and receives without installing anything), and the
 * progress. The no-install web page shows this same component as its send screen.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { toErrorData, type ErrorData } from '../core/errors.js';
import { formatBytes } from '../core/progress.js';
import { FILE_BATCH_CHANNEL, type FileBatch } from '../shared/file-batch.js';
import { describeError, fileCount, setPageLanguage, t } from '../shared/i18n.js';
import { engine } from '../shared/engine-client.js';
import { newerView, type DeviceView, type SessionView } from '../shared/session-view.js';
import { Session } from '../popup/Session.js';
import { rememberDismissed } from '../popup/dismissed.js';
import { fromDrop, fromInput, type PickedFile } from './pick.js';
import { SecondaryButton } from '../popup/SecondaryButton.js';
import { ReceiveLink } from './ReceiveLink.js';

/** The picked-files step lists this many (a folder can hold thousands). */
const LISTED = 200;

/**
 * The session this page started: its answer arrives before its first change (the port keeps
 * order), so changes of any other session are not this page's.
 */
let startedId: string | undefined;
let showSession: ((view: SessionView) => void) | undefined;
engine.on('sessionChanged', (view) => {
  if (view.id === startedId) showSession?.(view);
});

/**
 * The engine's host went while this page's files were moving (Firefox may stop its background
 * page): once it is back with the transfer waiting for them, the same files go to it again,
 * and it goes on from where the receiver is (src/engine/resumable-transfer.ts).
 */
let sending: PickedFile[] | undefined;
engine.onGone(() => void handAgain());

async function handAgain(): Promise<void> {
  const id = startedId;
  const picked = sending;
  for (let attempt = 0; id && picked && attempt < 30 && startedId === id; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    try {
      const view = await engine.request('getSession');
      // Only a restored send waits without a transfer; anything else is not ours to feed.
      if (view?.id !== id || view.transfer || view.step === 'failed' || view.step === 'closed') {
        return;
      }
      showSession?.(await startSending(picked));
      return;
    } catch {
      // The host is not back yet.
    }
  }
}

async function startSending(picked: PickedFile[], deviceId?: string): Promise<SessionView> {
  // The port first: it wakes the engine's host, which must be listening for the files.
  await engine.connect();
  const batch: FileBatch = { batchId: crypto.randomUUID(), files: picked };
  const channel = new BroadcastChannel(FILE_BATCH_CHANNEL);
  channel.postMessage(batch);
  try {
    return await engine.request('startSendFiles', {
      batchId: batch.batchId,
      ...(deviceId ? { deviceId } : {}),
    });
  } finally {
    // Closed only once the offscreen document has the batch: closing right after posting
    // can lose a large message still in flight.
    channel.close();
  }
}

export function SendPage() {
  const [picked, setPicked] = useState<PickedFile[]>([]);
  const [session, setSession] = useState<SessionView | null>(null);
  const [devices, setDevices] = useState<DeviceView[]>([]);
  const [over, setOver] = useState(false);
  const [error, setError] = useState<ErrorData | undefined>();
  const filesInput = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);
  const sendButton = useRef<HTMLButtonElement>(null);
  const pickedHeading = useRef<HTMLHeadingElement>(null);
  const lastTarget = useRef<'send' | 'heading'>('send');

  useEffect(() => {
    document.title = t('sendPageTitle');
    setPageLanguage();
    showSession = (view) => setSession((current) => (current ? newerView(current, view) : view));
    void engine.request('listDevices').then(setDevices);
  }, []);

  const add = (more: PickedFile[]) => {
    if (more.length === 0) return;
    lastTarget.current = 'send';
    setPicked((current) => [...current, ...more]);
  };
  // After a pick, focus lands on the next main control: "Send with a code".
  useEffect(() => {
    if (picked.length === 0) return;
    if (lastTarget.current === 'send') sendButton.current?.focus();
    else pickedHeading.current?.focus();
  }, [picked]);

  const send = (deviceId?: string) => {
    setError(undefined);
    startedId = undefined;
    sending = picked;
    startSending(picked, deviceId)
      .then((view) => {
        startedId = view.id;
        setSession((current) => (current?.id === view.id ? newerView(current, view) : view));
      })
      .catch((e: unknown) => setError(toErrorData(e)));
  };

  if (session) {
    return (
      <>
        <h1>{t('sendPageTitle')}</h1>
        <Session
          view={session}
          host="send-page"
          onDone={() => {
            rememberDismissed(session.id);
            startedId = undefined;
            // A delivered batch is done with; after a failure the same files stay picked.
            if (session.transfer?.state === 'complete') setPicked([]);
            setSession(null);
          }}
          // "New code" with the same files: one click after a burned or expired code.
          onRetry={() => {
            rememberDismissed(session.id);
            startedId = undefined;
            setSession(null);
            send();
          }}
        />
        {session.receiveUrl && session.step === 'waiting-for-peer' && (
          <ReceiveLink link={session.receiveUrl} />
        )}
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
          if (event.dataTransfer) void fromDrop(event.dataTransfer.items).then(add);
        }}
      >
        <p>{t('dropHere')}</p>
        <div class="row" style={{ justifyContent: 'center' }}>
          {/* Real buttons (Tab reaches them) that open the hidden pickers. */}
          <SecondaryButton id="choose-files" onClick={() => filesInput.current?.click()}>
            {t('pickFiles')}
          </SecondaryButton>
          <SecondaryButton id="choose-folder" onClick={() => folderInput.current?.click()}>
            {t('pickFolder')}
          </SecondaryButton>
          <input
            id="pick-files"
            ref={filesInput}
            type="file"
            multiple
            hidden
            tabIndex={-1}
            onChange={(event) => {
              add(fromInput(event.currentTarget.files));
              event.currentTarget.value = '';
            }}
          />
          <input
            id="pick-folder"
            ref={folderInput}
            type="file"
            hidden
            tabIndex={-1}
            {...{ webkitdirectory: true }}
            onChange={(event) => {
              add(fromInput(event.currentTarget.files));
              event.currentTarget.value = '';
            }}
          />
        </div>
      </div>
      {picked.length > 0 && (
        <section aria-labelledby="picked">
          <h2 id="picked" tabIndex={-1} ref={pickedHeading} data-count={picked.length}>
            {t('popup_pickedHeading', fileCount(picked.length), formatBytes(total))}
          </h2>
          <ul class="files picked" id="picked-files">
            {picked.slice(0, LISTED).map((item, index) => (
              <li key={`${index}:${item.path}`} data-path={item.path}>
                <span class="name" title={item.path}>
                  {item.path}
                </span>
                <span class="size">{formatBytes(item.file.size)}</span>
                <button
                  type="button"
                  class="link remove"
                  aria-label={t('popup_removeFile', item.path)}
                  onClick={() => {
                    lastTarget.current = 'heading';
                    setPicked((current) => current.filter((_, i) => i !== index));
                  }}
                >
                  ✕
                </button>
              </li>
            ))}
            {picked.length > LISTED && (
              <li>{t('popup_moreFiles', String(picked.length - LISTED))}</li>
            )}
          </ul>
          <div class="row wrap">
            <button type="button" id="send-by-code" ref={sendButton} onClick={() => send()}>
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
                  aria-label={t('popup_sendToDevice', device.name)}
                  onClick={() => send(device.id)}
                >
                  {device.name}
                </button>
              ))}
          </div>
        </section>
      )}
      {error && (
        <div class="error-box">
          <p class="error" id="send-error" role="alert" data-code={error.code}>
            {error.code === 'SIGNALING_UNREACHABLE'
              ? t('popup_unreachableSendPage')
              : describeError(error)}
          </p>
          <button type="button" id="send-retry" onClick={() => send()}>
            {t('popup_tryAgain')}
          </button>
        </div>
      )}
    </>
  );
}
