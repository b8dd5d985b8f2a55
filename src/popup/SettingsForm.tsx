import { useEffect, useState } from 'preact/hooks';
import { toErrorData } from '../core/errors.js';
import { call } from '../shared/messaging.js';
import { describeError, t } from '../shared/i18n.js';
import { signalingUrlProblem } from './settings-errors.js';

/** The signaling server (the device name is changed on Home: "You are known as …"). */
export function SettingsForm() {
  const [url, setUrl] = useState('');
  const [problem, setProblem] = useState<string | undefined>();
  const [note, setNote] = useState<string | undefined>();

  useEffect(() => {
    void call('background', 'getSettings').then((settings) => setUrl(settings.signalingUrl));
  }, []);

  return (
    <details id="settings">
      <summary>{t('settings')}</summary>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          setNote(undefined);
          const local = signalingUrlProblem(url);
          setProblem(local);
          if (local) return;
          call('background', 'setSettings', { signalingUrl: url.trim() })
            .then(() => setNote(t('saved')))
            .catch((e: unknown) => setProblem(describeError(toErrorData(e))));
        }}
      >
        <label for="signaling-url">{t('signalingUrl')}</label>
        <div class="row">
          <input
            id="signaling-url"
            value={url}
            aria-invalid={problem ? 'true' : undefined}
            aria-describedby={problem ? 'signaling-url-problem' : undefined}
            onInput={(e) => {
              setUrl(e.currentTarget.value);
              setProblem(undefined);
            }}
          />
          <button type="submit" id="save-settings" class="secondary">
            {t('save')}
          </button>
        </div>
        {problem && (
          <p class="error" id="signaling-url-problem" role="alert">
            {problem}
          </p>
        )}
        {note && (
          <p class="status" role="status">
            {note}
          </p>
        )}
      </form>
    </details>
  );
}
