import browser from 'webextension-polyfill';
import { t } from '../shared/i18n.js';
import { CodeField } from './CodeField.js';

/** Send files and Receive by code (Share this tab sits above, Chat by code below). */
export function Home(props: {
  onReceive: (code: string) => void;
  /** A code to put back in the field, focused (after "Try again"). */
  retryCode?: string;
}) {
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
      <CodeField
        heading={t('receive')}
        submitId="connect"
        errorId="session-error"
        initial={props.retryCode}
        focus={props.retryCode !== undefined}
        onCode={props.onReceive}
      />
    </>
  );
}
