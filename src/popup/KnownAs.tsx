import { useEffect, useRef, useState } from 'preact/hooks';
import { toErrorData } from '../core/errors.js';
import { call } from '../shared/messaging.js';
import { describeError, t } from '../shared/i18n.js';
import { nameProblem } from './settings-errors.js';

/** "You are known as Amber Badger" with a way to change it, on Home. */
export function KnownAs(props: { name: string | undefined; onChanged: (name: string) => void }) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState('');
  const [problem, setProblem] = useState<string | undefined>();
  const input = useRef<HTMLInputElement>(null);
  const change = useRef<HTMLButtonElement>(null);
  const wasEditing = useRef(false);
  useEffect(() => {
    if (editing) input.current?.select();
    else if (wasEditing.current) change.current?.focus();
    wasEditing.current = editing;
  }, [editing]);
  if (props.name === undefined) return null;
  if (!editing) {
    return (
      <p class="known-as" id="known-as">
        <span>{t('popup_knownAs', props.name)}</span>{' '}
        <button
          type="button"
          class="link"
          id="change-name"
          ref={change}
          onClick={() => {
            setDraft(props.name ?? '');
            setProblem(undefined);
            setEditing(true);
          }}
        >
          {t('popup_changeName')}
        </button>
      </p>
    );
  }
  return (
    <form
      class="known-as"
      onSubmit={(event) => {
        event.preventDefault();
        const local = nameProblem(draft);
        if (local) return setProblem(local);
        call('background', 'setSettings', { deviceName: draft })
          .then((settings) => {
            props.onChanged(settings.deviceName);
            setEditing(false);
          })
          .catch((e: unknown) => setProblem(describeError(toErrorData(e))));
      }}
    >
      <label for="known-as-name">{t('popup_nameLabel')}</label>
      <div class="row">
        <input
          id="known-as-name"
          ref={input}
          value={draft}
          aria-invalid={problem ? 'true' : undefined}
          aria-describedby={problem ? 'known-as-problem' : undefined}
          onInput={(event) => setDraft(event.currentTarget.value)}
          onKeyDown={(event) => {
            if (event.key === 'Escape') {
              event.preventDefault();
              setEditing(false);
            }
          }}
        />
        <button type="submit" id="save-name">
          {t('save')}
        </button>
      </div>
      {problem && (
        <p class="error" id="known-as-problem">
          {problem}
        </p>
      )}
    </form>
  );
}
