import browser from 'webextension-polyfill';
import { useState } from 'preact/hooks';
import { codeCompletions, typoIn } from '../core/code.js';
import { t } from '../shared/i18n.js';

export function Home(props: { onSend: () => void; onReceive: (code: string) => void }) {
  const [code, setCode] = useState('');
  // Said before connecting: a typo must not spend the code's one guess.
  const typo = typoIn(code);
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
          if (code.trim()) props.onReceive(code);
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
          onInput={(event) => setCode(event.currentTarget.value)}
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
      {typo && (
        <p class="error" id="code-typo" role="status">
          {t('codeTypo', typo.word, typo.suggestions.join(', ') || '–')}
        </p>
      )}
    </>
  );
}
