import { t } from '../shared/i18n.js';
import { CopyButton, QrCode } from './LinkParts.js';

/**
 * Next to the code: the web page's link that receives by it, and its QR code, so a phone
 * scans it and receives in its browser (as a tab share offers its watch link).
 */
export function ReceiveLink({ link }: { link: string }) {
  return (
    <div class="receive-link" id="receive-link">
      <div class="row">
        <input
          id="receive-url"
          readOnly
          aria-label={t('sendLinkLabel')}
          value={link}
          onFocus={(event) => event.currentTarget.select()}
        />
        <CopyButton text={link} id="copy-receive-url" label={t('popup_copyLink')} />
      </div>
      <p class="status">{t('sendLinkLabel')}</p>
      <QrCode id="receive-qr" text={link} label={t('sendQrLabel')} />
      <p class="status">{t('tabLinkServerNote')}</p>
    </div>
  );
}
