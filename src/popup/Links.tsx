import { t } from '../shared/i18n.js';
import type { LinkView } from '../shared/session-view.js';

const stateText = (link: LinkView): string => {
  switch (link.state) {
    case 'pending':
      return t('linkPending', link.deviceName);
    case 'delivered':
      return t('linkDelivered', link.deviceName);
    case 'expired':
      return t('linkExpired', link.deviceName);
    case 'received':
      return t('linkReceived', link.deviceName);
    case 'refused':
      return link.refused === 'BAD_LINK'
        ? t('consentLinkRefusedBad', link.deviceName)
        : t('consentLinkRefusedRate', link.deviceName);
  }
};

/** Recently sent and received links; pending ones say which device they wait for. */
export function Links({ links }: { links: LinkView[] }) {
  if (links.length === 0) return null;
  return (
    <>
      <h2>{t('links')}</h2>
      <ul class="links" id="links">
        {links.map((link) => (
          <li key={link.id} data-state={link.state} data-direction={link.direction}>
            {link.direction === 'received' ? (
              <a href={link.url} target="_blank" rel="noreferrer noopener">
                {link.title || link.url}
              </a>
            ) : (
              <span class="name">{link.title || link.url}</span>
            )}
            <small>{stateText(link)}</small>
          </li>
        ))}
      </ul>
    </>
  );
}
