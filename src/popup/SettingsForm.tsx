import { useEffect, useState } from 'preact/hooks';
import { toErrorData } from '../core/errors.js';
import { call } from '../shared/messaging.js';
import { describeError, t } from '../shared/i18n.js';

export function SettingsForm() {
  const [url, setUrl] = useState('');
  const [note, setNote] = useState<string | undefined>();

  useEffect(() => {
    void call('background', 'getSettings').then((settings) => setUrl(settings.signalingUrl));
  }, []);

  return (
    <details>
      <summary>{t('settings')}</summary>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          call('background', 'setSettings', { signalingUrl: url.trim() })
            .then(() => setNote(t('saved')))
            .catch((e: unknown) => setNote(describeError(toErrorData(e))));
        }}
      >
        <label for="signaling-url">{t('signalingUrl')}</label>
        <div class="row">
          <input id="signaling-url" value={url} onInput={(e) => setUrl(e.currentTarget.value)} />
          <button type="submit">{t('save')}</button>
        </div>
        {note && <p class="status">{note}</p>}
      </form>
    </details>
  );
}
