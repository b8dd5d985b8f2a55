import { useEffect, useState } from 'preact/hooks';
import { t } from '../shared/i18n.js';
import { call } from '../shared/messaging.js';
import type { TabSharing } from '../shared/protocol-map.js';

/**
 * What sharing a tab is like in this browser, said before the click: the host knows (Firefox
 * asks in its own picker, and shares no sound). Nothing is shown where Share just shares the tab.
 */
export function ShareHint() {
  const [how, setHow] = useState<TabSharing | undefined>();
  useEffect(() => {
    call('background', 'tabSharing').then(setHow, () => undefined);
  }, []);
  if (!how) return null;
  const hints = [
    how.asksWhatToShare ? t('tabShareHint_picker') : '',
    how.sharesSound ? '' : t('tabShareHint_noSound'),
  ].filter(Boolean);
  if (hints.length === 0) return null;
  return (
    <p class="status" id="share-hint">
      {hints.join(' ')}
    </p>
  );
}
