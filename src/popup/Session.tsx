import { useState } from 'preact/hooks';
import type { ErrorData } from '../core/errors.js';
import { engine } from '../shared/engine-client.js';
import { describeError, t, type MessageKey } from '../shared/i18n.js';
import type { SessionView } from '../shared/session-view.js';
import { useFocusOnStep } from './focus.js';
import { Transfer } from './Transfer.js';
import { SecondaryButton } from './SecondaryButton.js';

const stepText = (step: SessionView['step']): string =>
  t(`step_${step.replaceAll('-', '_')}` as MessageKey);

/** Where the session is shown: the send page has no Settings of its own to point at. */
export type SessionHost = 'popup' | 'send-page';

/** Errors whose fix on the sending side is a fresh code (the old one is spent or gone). */
const NEEDS_NEW_CODE: readonly ErrorData['code'][] = [
  'CODE_MISMATCH',
  'CODE_IN_USE',
  'NO_SUCH_CODE',
  'TIMEOUT',
  'SIGNALING_REJECTED',
  'SIGNALING_CLOSED',
  'SIGNALING_UNREACHABLE',
  'PEER_LEFT',
  'CONNECTION_FAILED',
];

/** The error in words that name its real cause for this side of the session. */
export function sessionErrorText(view: SessionView, error: ErrorData, host: SessionHost): string {
  if (error.code === 'CODE_MISMATCH')
    return t(view.role === 'send' ? 'popup_codeBurned' : 'popup_codeMismatchReceiver');
  if (error.code === 'SIGNALING_UNREACHABLE' && host === 'send-page')
    return t('popup_unreachableSendPage');
  return describeError(error);
}

export function Session({
  view,
  onDone,
  onRetry,
  host = 'popup',
}: {
  view: SessionView;
  onDone: () => void;
  /** One click that fixes a failed session: a new code (sender) or back to the code field. */
  onRetry?: () => void;
  host?: SessionHost;
}) {
  const [text, setText] = useState('');
  const [copied, setCopied] = useState(false);
  const finished = view.step === 'closed' || view.step === 'failed';
  const transfer = view.transfer;
  const showingCode = Boolean(view.code) && view.step === 'waiting-for-peer';
  const codeHeading = useFocusOnStep<HTMLHeadingElement>(showingCode ? 'code' : undefined);
  // Focus follows the step; a transfer focuses its own offer, progress or finish.
  const statusFocus = useFocusOnStep<HTMLParagraphElement>(
    transfer || showingCode ? undefined : view.step,
  );
  const errorFocus = useFocusOnStep<HTMLButtonElement>(view.error ? view.error.code : undefined);
  // While an offer waits, the offer's Decline is the only way out; a transfer has its own.
  const ownExit =
    transfer?.state === 'complete' ||
    (transfer && !finished && ['offered', 'transferring', 'reconnecting'].includes(transfer.state));
  // Remember and chat come after the decision and out of the progress's way.
  const chatting =
    view.step === 'open' &&
    (!transfer || !['offered', 'transferring', 'reconnecting'].includes(transfer.state));
  const retryLabel =
    view.role === 'send' && view.error && NEEDS_NEW_CODE.includes(view.error.code)
      ? t('popup_newCode')
      : t('popup_tryAgain');

  return (
    <section data-step={view.step}>
      {showingCode && (
        <>
          <h2 id="code-heading" tabIndex={-1} ref={codeHeading}>
            {t('yourCode')}
          </h2>
          <div class="row">
            <div class="code" id="session-code">
              {view.code}
            </div>
            <button
              type="button"
              class="secondary"
              id="copy-code"
              aria-label={t('popup_copyCode')}
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
      {transfer && (
        <Transfer
          view={view}
          transfer={transfer}
          onDone={() => {
            if (finished) onDone();
            else void engine.request('closeSession').then(onDone, onDone);
          }}
        />
      )}
      <p
        class="status"
        id="status"
        role="status"
        tabIndex={-1}
        ref={statusFocus}
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
        <div class="error-box">
          {/* data-detail: the technical cause, for a bug report or a failing test. */}
          <p
            class="error"
            id="session-error"
            role="alert"
            data-code={view.error.code}
            data-detail={view.error.message}
          >
            {sessionErrorText(view, view.error, host)}
          </p>
          {onRetry && (
            <button type="button" id="retry" ref={errorFocus} onClick={onRetry}>
              {retryLabel}
            </button>
          )}
        </div>
      )}
      {chatting && view.verifier && view.role !== 'paired' && (
        <p class="status">{t('verifier', view.verifier)}</p>
      )}
      {chatting && view.role !== 'paired' && view.peerName && (
        <p>
          {view.remembered ? (
            <span class="status" id="remembered">
              {t('remembered', view.peerName)}
            </span>
          ) : (
            <SecondaryButton id="remember" onClick={() => void engine.request('rememberPeer')}>
              {t('rememberDevice', view.peerName)}
            </SecondaryButton>
          )}
        </p>
      )}
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
      {chatting && (
        <form
          class="row"
          onSubmit={(event) => {
            event.preventDefault();
            if (!text) return;
            void engine.request('sendText', { text }).then(() => setText(''));
          }}
        >
          <input
            id="message"
            aria-label={t('messageLabel')}
            value={text}
            onInput={(event) => setText(event.currentTarget.value)}
          />
          {/* Beside a transfer the chat is secondary: Accept / Done stay the one primary. */}
          <button type="submit" id="send-message" class={transfer ? 'secondary' : undefined}>
            {t('sendMessage')}
          </button>
        </form>
      )}
      {!ownExit && (
        <p>
          {finished ? (
            <button type="button" class="secondary" id="start-over" onClick={onDone}>
              {t('startOver')}
            </button>
          ) : (
            <SecondaryButton
              id="cancel"
              onClick={() => void engine.request('closeSession').then(onDone)}
            >
              {t('cancel')}
            </SecondaryButton>
          )}
        </p>
      )}
    </section>
  );
}
