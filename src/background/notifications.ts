/** A notification when a transfer ends, so the person knows without opening the popup. */
import browser from 'webextension-polyfill';
import { describeError, t } from '../shared/i18n.js';
import type { SessionView } from '../shared/session-view.js';

export async function notifyTransferEnded(view: SessionView): Promise<void> {
  const transfer = view.transfer;
  if (!transfer) return;
  const peer = view.peerName ?? '';
  const count = String(transfer.fileCount);
  let title: string;
  let message: string;
  if (transfer.state === 'complete') {
    title = transfer.direction === 'receive' ? t('notifyDoneTitle') : t('notifySentTitle');
    message =
      transfer.direction === 'receive'
        ? t('notifyDoneBody', count, peer)
        : t('notifySentBody', peer, count);
  } else if (
    transfer.state === 'failed' ||
    transfer.state === 'cancelled' ||
    transfer.state === 'declined'
  ) {
    title = t('notifyFailedTitle');
    message = view.error ? describeError(view.error) : t(`transfer_${transfer.state}`);
  } else {
    return;
  }
  await browser.notifications.create(`transfer-${view.id}`, {
    type: 'basic',
    iconUrl: browser.runtime.getURL('icons/icon-128.png'),
    title,
    message,
  });
}
