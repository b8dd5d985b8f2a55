import { useState } from 'preact/hooks';
import { formatBytes, formatDuration, splitDone } from '../core/progress.js';
import { engine } from '../shared/engine-client.js';
import { fileCount, t, type MessageKey } from '../shared/i18n.js';
import type { SessionView, TransferView } from '../shared/session-view.js';
import { useFocusOnStep } from './focus.js';
import { showReceivedFiles } from './show-in-folder.js';
import { SecondaryButton } from './SecondaryButton.js';

const stateText = (state: TransferView['state']): string =>
  t(`transfer_${state.replaceAll('-', '_')}` as MessageKey);

const ENDED: readonly TransferView['state'][] = ['declined', 'cancelled', 'failed'];

/**
 * One transfer, one step at a time: the offer (one question, one primary Accept), the
 * progress, and the finish (100 %, where the files are, Show in folder, Done).
 */
export function Transfer(props: { view: SessionView; transfer: TransferView; onDone: () => void }) {
  const { view, transfer } = props;
  const peer = view.peerName ?? t('popup_otherDevice');
  const heading = useFocusOnStep<HTMLHeadingElement>(
    transfer.state === 'offered' ? undefined : stepOf(transfer.state),
  );
  const accept = useFocusOnStep<HTMLButtonElement>(
    transfer.state === 'offered' ? 'offered' : undefined,
  );
  const common = {
    class: 'transfer',
    id: 'transfer',
    'data-state': transfer.state,
    'data-done': transfer.doneBytes,
    'data-total': transfer.totalBytes,
    'data-recoveries': transfer.recoveries,
    'data-resent': transfer.resentBytes,
  };

  if (transfer.state === 'offered') {
    const first = transfer.files[0];
    const question =
      transfer.fileCount === 1 && first
        ? t('popup_offerOne', first.path, formatBytes(transfer.totalBytes), peer)
        : t(
            'popup_offerMany',
            fileCount(transfer.fileCount),
            formatBytes(transfer.totalBytes),
            peer,
          );
    return (
      <section {...common} aria-labelledby="offer-question">
        <h2 class="question" id="offer-question">
          {question}
        </h2>
        {transfer.fileCount > 1 && <FileList transfer={transfer} />}
        <div class="row">
          <button
            type="button"
            id="accept"
            ref={accept}
            aria-describedby="offer-question"
            onClick={() => void engine.request('acceptFiles')}
          >
            {t('accept')}
          </button>
          <SecondaryButton id="decline" onClick={() => void engine.request('declineFiles')}>
            {t('decline')}
          </SecondaryButton>
        </div>
      </section>
    );
  }

  if (transfer.state === 'complete') {
    const received = transfer.direction === 'receive';
    const files = fileCount(transfer.fileCount);
    const size = formatBytes(transfer.totalBytes);
    return (
      <section {...common} aria-labelledby="transfer-heading">
        <h2 id="transfer-heading" tabIndex={-1} ref={heading}>
          {t('popup_finishHeading')}
        </h2>
        {/* The finish is complete by definition: never "149 MB of 152 MB" beside it. */}
        <progress max={100} value={100} aria-label={t('popup_progressLabel')} />
        <p id="transfer-summary">
          {received
            ? t('popup_finishReceived', files, size, peer)
            : t('popup_finishSent', files, size, peer)}
        </p>
        {received && (
          <p class="status" id="transfer-where">
            {t('popup_finishWhere')}
          </p>
        )}
        <FileList transfer={transfer} finished />
        <div class="row">
          {received && <ShowInFolder transfer={transfer} />}
          {/* The session's one way out once it is finished (Start over's place). */}
          <button type="button" id="start-over" onClick={props.onDone}>
            {t('popup_done')}
          </button>
        </div>
      </section>
    );
  }

  const running = transfer.state === 'transferring' || transfer.state === 'reconnecting';
  const percent = transfer.totalBytes > 0 ? (100 * transfer.doneBytes) / transfer.totalBytes : 0;
  const title =
    transfer.state === 'awaiting-accept'
      ? t('popup_waitingAccept', peer)
      : ENDED.includes(transfer.state)
        ? stateText(transfer.state)
        : t(transfer.direction === 'send' ? 'popup_sendingTo' : 'popup_receivingFrom', peer);
  return (
    <section {...common} aria-labelledby="transfer-heading">
      <h2 id="transfer-heading" tabIndex={-1} ref={heading}>
        {title}
      </h2>
      {transfer.state === 'reconnecting' && (
        <p class="status" id="transfer-state">
          {stateText(transfer.state)}
        </p>
      )}
      {!ENDED.includes(transfer.state) && (
        <>
          <progress max={100} value={percent} aria-label={t('popup_progressLabel')} />
          <p class="status" id="transfer-stats">
            {t(
              'popup_progressDone',
              formatBytes(transfer.doneBytes),
              formatBytes(transfer.totalBytes),
            )}
            {running && ' · '}
            {running &&
              (transfer.bytesPerSecond > 0 && transfer.etaSeconds !== undefined
                ? t(
                    'popup_speedEta',
                    formatBytes(transfer.bytesPerSecond),
                    formatDuration(transfer.etaSeconds),
                  )
                : t('popup_measuring'))}
          </p>
        </>
      )}
      <FileList transfer={transfer} />
      {running && (
        <SecondaryButton id="cancel-transfer" onClick={() => void engine.request('cancelTransfer')}>
          {t('cancelTransfer')}
        </SecondaryButton>
      )}
    </section>
  );
}

/** Focus moves when the transfer enters a new step, not on every progress tick. */
function stepOf(state: TransferView['state']): string {
  if (state === 'transferring' || state === 'reconnecting') return 'running';
  return state;
}

function ShowInFolder({ transfer }: { transfer: TransferView }) {
  const [shown, setShown] = useState<number | undefined>();
  return (
    <button
      type="button"
      class="secondary"
      id="show-in-folder"
      data-download-id={shown}
      onClick={() => {
        void showReceivedFiles(transfer.files.map((file) => file.path)).then(setShown);
      }}
    >
      {t('popup_showInFolder')}
    </button>
  );
}

function FileList({ transfer, finished }: { transfer: TransferView; finished?: boolean }) {
  const more = transfer.fileCount - transfer.files.length;
  // The rows follow the one total count while it runs, so they agree with the bar.
  const done = splitDone(
    transfer.files.map((file) => file.size),
    transfer.doneBytes,
  );
  return (
    <ul class="files">
      {transfer.files.map((file, index) => {
        const part = done[index] ?? 0;
        const partial = !finished && part > 0 && part < file.size;
        return (
          <li key={file.path} data-state={finished ? 'saved' : file.state}>
            <span class="name" title={file.path}>
              {file.path}
            </span>
            <span class="size">
              {partial
                ? t('popup_progressDone', formatBytes(part), formatBytes(file.size))
                : formatBytes(file.size)}
            </span>
          </li>
        );
      })}
      {more > 0 && <li>{t('popup_moreFiles', String(more))}</li>}
    </ul>
  );
}
