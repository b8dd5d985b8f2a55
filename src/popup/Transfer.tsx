import { formatBytes, formatDuration } from '../core/progress.js';
import { call } from '../shared/messaging.js';
import { t, type MessageKey } from '../shared/i18n.js';
import type { SessionView, TransferView } from '../shared/session-view.js';

const stateText = (state: TransferView['state']): string =>
  t(`transfer_${state.replaceAll('-', '_')}` as MessageKey);

/** An incoming offer (Accept / Decline) or a running transfer with its progress. */
export function Transfer({ view, transfer }: { view: SessionView; transfer: TransferView }) {
  const percent = transfer.totalBytes > 0 ? (100 * transfer.doneBytes) / transfer.totalBytes : 100;
  const running = transfer.state === 'transferring' || transfer.state === 'reconnecting';
  return (
    <section
      class="transfer"
      id="transfer"
      data-state={transfer.state}
      data-done={transfer.doneBytes}
      data-total={transfer.totalBytes}
      data-recoveries={transfer.recoveries}
      data-resent={transfer.resentBytes}
    >
      {transfer.state === 'offered' ? (
        <>
          <p>
            {t(
              'filesOffered',
              view.peerName ?? '',
              String(transfer.fileCount),
              formatBytes(transfer.totalBytes),
            )}
          </p>
          <FileList transfer={transfer} />
          <div class="row">
            <button
              type="button"
              id="accept"
              onClick={() => void call('background', 'acceptFiles')}
            >
              {t('accept')}
            </button>
            <button
              type="button"
              class="secondary"
              id="decline"
              onClick={() => void call('background', 'declineFiles')}
            >
              {t('decline')}
            </button>
          </div>
        </>
      ) : (
        <>
          <p class="status" id="transfer-state">
            {stateText(transfer.state)}
          </p>
          <progress max={100} value={percent} />
          <p class="status" id="transfer-stats">
            {t(
              'transferStats',
              formatBytes(transfer.doneBytes),
              formatBytes(transfer.totalBytes),
              formatBytes(transfer.bytesPerSecond),
              transfer.etaSeconds === undefined ? '–' : formatDuration(transfer.etaSeconds),
            )}
          </p>
          <FileList transfer={transfer} />
          {running && (
            <button
              type="button"
              class="secondary"
              id="cancel-transfer"
              onClick={() => void call('background', 'cancelTransfer')}
            >
              {t('cancelTransfer')}
            </button>
          )}
        </>
      )}
    </section>
  );
}

function FileList({ transfer }: { transfer: TransferView }) {
  return (
    <ul class="files">
      {transfer.files.map((file) => (
        <li key={file.path} data-state={file.state}>
          <span class="name">{file.path}</span>
          <span class="size">
            {file.state === 'active' ? `${formatBytes(file.done)} / ` : ''}
            {formatBytes(file.size)}
          </span>
        </li>
      ))}
      {transfer.fileCount > transfer.files.length && <li>…</li>}
    </ul>
  );
}
