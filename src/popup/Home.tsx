import { useState } from 'preact/hooks';
import { t } from '../shared/i18n.js';

export function Home(props: { onSend: () => void; onReceive: (code: string) => void }) {
  const [code, setCode] = useState('');
  return (
    <>
      <button type="button" id="send" onClick={props.onSend}>
        {t('send')}
      </button>
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
          value={code}
          onInput={(event) => setCode(event.currentTarget.value)}
        />
        <button type="submit" id="connect" disabled={!code.trim()}>
          {t('connect')}
        </button>
      </form>
    </>
  );
}
