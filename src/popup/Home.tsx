import browser from 'webextension-polyfill';
import { useState } from 'preact/hooks';
import { codeCompletions, parseCode, typoIn, type CodeError } from '../core/code.js';
import { describeCodeError, t } from '../shared/i18n.js';

export function Home(props: { onSend: () => void; onReceive: (code: string) => void }) {
  const [code, setCode] = useState('');
  // Checked before connecting: a typo must not spend the code's one guess at the server.
  const [invalid, setInvalid] = useState<CodeError | undefined>();
  const typo = invalid ? undefined : typoIn(code);
  return (
    <>
      <div class="row">
        <button
          type="button"
          id="send-files"
          onClick={() => {
            void browser.tabs.create({ url: browser.runtime.getURL('src/send/send.html') });
            window.close();
          }}
        >
          {t('sendFiles')}
        </button>
        <button type="button" class="secondary" id="send" onClick={props.onSend}>
          {t('send')}
        </button>
      </div>
      <h2>{t('receive')}</h2>
      <form
        class="row"
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
          aria-label={t('codeLabel')}
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
          {t('connect')}
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
