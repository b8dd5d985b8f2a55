import { useEffect, useState } from 'preact/hooks';
import { toErrorData } from '../core/errors.js';
import { call } from '../shared/messaging.js';
import { describeError, t } from '../shared/i18n.js';

export function SettingsForm() {
  const [url, setUrl] = useState('');
  const [name, setName] = useState('');
  const [note, setNote] = useState<string | undefined>();

  useEffect(() => {
    void call('background', 'getSettings').then((settings) => {
      setUrl(settings.signalingUrl);
      setName(settings.deviceName);
    });
  }, []);

  return (
    <details>
      <summary>{t('settings')}</summary>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          call('background', 'setSettings', { signalingUrl: url.trim(), deviceName: name })
            .then(() => setNote(t('saved')))
            .catch((e: unknown) => setNote(describeError(toErrorData(e))));
        }}
      >
        <label for="device-name">{t('deviceName')}</label>
        <input id="device-name" value={name} onInput={(e) => setName(e.currentTarget.value)} />
        <label for="signaling-url">{t('signalingUrl')}</label>
        <div class="row">
          <input id="signaling-url" value={url} onInput={(e) => setUrl(e.currentTarget.value)} />
          <button type="submit" id="save-settings">
            {t('save')}
          </button>
        </div>
        {note && <p class="status">{note}</p>}
      </form>
    </details>
  );
}
