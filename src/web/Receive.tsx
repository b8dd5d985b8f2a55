import { useEffect, useRef, useState } from 'preact/hooks';
import { formatBytes } from '../core/progress.js';
import { t } from '../shared/i18n.js';
import type { SessionView } from '../shared/session-view.js';
import { describeCodeError } from '../web-viewer/texts.js';
import { readTypedCode } from '../web-viewer/typed-code.js';
import { texts } from './i18n.js';
import { storageRoom } from './platform-web.js';

/** The code field: words or digits, checked here first (a typo must not spend the code). */
export function ReceiveForm(props: { initial: string; onReceive: (code: string) => void }) {
  const [code, setCode] = useState(props.initial);
  const [invalid, setInvalid] = useState<string | undefined>();
  const field = useRef<HTMLInputElement>(null);
  useEffect(() => field.current?.focus(), []);
  return (
    <>
      <h2 id="receive-heading">{t('web_receiveHeading')}</h2>
      <form
        class="row"
        aria-labelledby="receive-heading"
        onSubmit={(event) => {
          event.preventDefault();
          const read = readTypedCode(code);
          if (read.ok) props.onReceive(read.code);
          else setInvalid(describeCodeError(texts, read.error));
        }}
      >
        <input
          id="code"
          ref={field}
          aria-label={t('codeLabel')}
          aria-invalid={invalid ? 'true' : undefined}
          aria-describedby={invalid ? 'code-error' : undefined}
          placeholder={t('codePlaceholder')}
          autoComplete="off"
          autoCapitalize="off"
          spellcheck={false}
          enterKeyHint="go"
          value={code}
          onInput={(event) => {
            setCode(event.currentTarget.value);
            setInvalid(undefined);
          }}
        />
        <button type="submit" id="receive" disabled={!code.trim()}>
          {t('popup_receiveButton')}
        </button>
      </form>
      {invalid && (
        <p class="error" id="code-error" role="alert" data-code="CODE_INVALID">
          {invalid}
        </p>
      )}
    </>
  );
}

/** Before Accept: where the files go, and how much this browser can keep for them. */
export function RoomNotice({ view }: { view: SessionView }) {
  const [room, setRoom] = useState<number | undefined>();
  const offered = view.transfer?.direction === 'receive' && view.transfer.state === 'offered';
  useEffect(() => {
    if (offered) void storageRoom().then(setRoom, () => undefined);
  }, [offered]);
  if (!offered || room === undefined) return null;
  return (
    <p class="status" id="room" data-room={room}>
      {t('web_room', formatBytes(room))}
    </p>
  );
}
