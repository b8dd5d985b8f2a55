import { useState } from 'preact/hooks';
import { call } from '../shared/messaging.js';
import { describeError, t, type MessageKey } from '../shared/i18n.js';
import type { SessionView } from '../shared/session-view.js';
import { Transfer } from './Transfer.js';

const stepText = (step: SessionView['step']): string =>
  t(`step_${step.replaceAll('-', '_')}` as MessageKey);

export function Session({ view, onDone }: { view: SessionView; onDone: () => void }) {
  const [text, setText] = useState('');
  const [copied, setCopied] = useState(false);
  const finished = view.step === 'closed' || view.step === 'failed';

  return (
    <section data-step={view.step}>
      {view.code && view.step === 'waiting-for-peer' && (
        <>
          <h2>{t('yourCode')}</h2>
          <div class="row">
            <div class="code" id="session-code">
              {view.code}
            </div>
            <button
              type="button"
              class="secondary"
              onClick={() => {
                void navigator.clipboard.writeText(view.code ?? '').then(() => setCopied(true));
              }}
            >
              {copied ? t('copied') : t('copy')}
            </button>
          </div>
          <p class="status">{t('codeHint')}</p>
        </>
      )}
      <p
        class="status"
        id="status"
        role="status"
        title={view.candidates}
        data-candidates={view.candidates}
      >
        {view.step === 'open' && view.peerName
          ? t('connectedTo', view.peerName)
          : stepText(view.step)}
        {view.step === 'open' &&
          view.path &&
          ` (${t(view.path === 'relay' ? 'pathRelay' : 'pathDirect')})`}
      </p>
      {view.error && (
        <p
          class="error"
          id="session-error"
          role="alert"
          data-code={view.error.code}
          title={view.error.message}
        >
          {describeError(view.error)}
        </p>
      )}
      {view.verifier && view.step === 'open' && view.role !== 'paired' && (
        <p class="status">{t('verifier', view.verifier)}</p>
      )}
      {view.step === 'open' && view.role !== 'paired' && view.peerName && (
        <p>
          {view.remembered ? (
            <span class="status" id="remembered">
              {t('remembered', view.peerName)}
            </span>
          ) : (
            <button
              type="button"
              class="secondary"
              id="remember"
              onClick={() => void call('background', 'rememberPeer')}
            >
              {t('rememberDevice', view.peerName)}
            </button>
          )}
        </p>
      )}
      {view.transfer && <Transfer view={view} transfer={view.transfer} />}
      {view.messages.length > 0 && (
        <ul class="chat" id="chat">
          {view.messages.map((line) => (
            <li key={line.at + line.text} data-from={line.from}>
              <span class="who">{line.from === 'me' ? t('you') : t('peer')}</span>
              {line.text}
            </li>
          ))}
        </ul>
      )}
      {view.step === 'open' && (
        <form
          class="row"
          onSubmit={(event) => {
            event.preventDefault();
            if (!text) return;
            void call('background', 'sendText', { text }).then(() => setText(''));
          }}
        >
          <input
            id="message"
            aria-label={t('messageLabel')}
            value={text}
            onInput={(event) => setText(event.currentTarget.value)}
          />
          <button type="submit" id="send-message">
            {t('sendMessage')}
          </button>
        </form>
      )}
      <p>
        {finished ? (
          <button type="button" id="start-over" onClick={onDone}>
            {t('startOver')}
          </button>
        ) : (
          <button
            type="button"
            class="secondary"
            id="cancel"
            onClick={() => void call('background', 'closeSession').then(onDone)}
          >
            {t('cancel')}
          </button>
        )}
      </p>
    </section>
  );
}
