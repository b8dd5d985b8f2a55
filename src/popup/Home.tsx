import browser from 'webextension-polyfill';
import { useEffect, useRef, useState } from 'preact/hooks';
import { codeCompletions, parseCode, typoIn, type CodeError } from '../core/code.js';
import { describeCodeError, t } from '../shared/i18n.js';

/** Send files and Receive by code (Share this tab sits above, Chat by code below). */
export function Home(props: {
  onReceive: (code: string) => void;
  /** A code to put back in the field, focused (after "Try again"). */
  retryCode?: string;
}) {
  const [code, setCode] = useState(props.retryCode ?? '');
  // Checked before connecting: a typo must not spend the code's one guess at the server.
  const [invalid, setInvalid] = useState<CodeError | undefined>();
  const typo = invalid ? undefined : typoIn(code);
  const field = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (props.retryCode !== undefined) field.current?.select();
  }, [props.retryCode]);
  return (
    <>
      <h2 id="send-heading">{t('popup_sendHeading')}</h2>
      <button
        type="button"
        id="send-files"
        class="secondary wide"
        onClick={() => {
          void browser.tabs.create({ url: browser.runtime.getURL('src/send/send.html') });
          window.close();
        }}
      >
        {t('sendFiles')}
      </button>
      <h2 id="receive-heading">{t('receive')}</h2>
      <form
        class="row"
        aria-labelledby="receive-heading"
        onSubmit={(event) => {
          event.preventDefault();
          if (!code.trim()) return;
          const parsed = parseCode(code);
          if (parsed.ok) props.onReceive(code);
          else setInvalid(parsed.error);
        }}
      >
        <input
          id="code"
          ref={field}
          aria-label={t('codeLabel')}
          aria-invalid={invalid ? 'true' : undefined}
          aria-describedby={invalid ? 'session-error' : typo ? 'code-typo' : undefined}
          placeholder={t('codePlaceholder')}
          autoComplete="off"
          spellcheck={false}
          list="code-completions"
          value={code}
          onInput={(event) => {
            setCode(event.currentTarget.value);
            setInvalid(undefined);
          }}
        />
        <datalist id="code-completions">
          {codeCompletions(code).map((completion) => (
            <option key={completion} value={completion} />
          ))}
        </datalist>
        <button type="submit" id="connect" disabled={!code.trim()}>
          {t('popup_receiveButton')}
        </button>
      </form>
      {invalid && (
        <p class="error" id="session-error" role="alert" data-code="CODE_INVALID">
          {t('error_CODE_INVALID', describeCodeError(invalid))}
        </p>
      )}
      {typo && (
        <p class="error" id="code-typo" role="status">
          {t('codeTypo', typo.word, typo.suggestions.join(', ') || '–')}
        </p>
      )}
    </>
  );
}
