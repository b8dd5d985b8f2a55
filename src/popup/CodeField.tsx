import { useEffect, useRef, useState } from 'preact/hooks';
import { codeCompletions, typoIn } from '../core/code.js';
import { looksLikeDigitCode } from '../core/code-digits.js';
import { codeErrorText } from '../core/code-error-text.js';
import { t, type MessageKey } from '../shared/i18n.js';
import { readTypedCode } from '../web-viewer/typed-code.js';

type Invalid = Extract<ReturnType<typeof readTypedCode>, { ok: false }>['error'];

const translate = (key: string, ...substitutions: string[]) =>
  t(key as MessageKey, ...substitutions);

/**
 * Receive by code, in the popup and on the web page: a heading, the code field (words, or the
 * same code in digits) and its button. The code is checked here first: a typo must not spend
 * the code's one guess at the server. `onCode` gets it in its word form.
 */
export function CodeField(props: {
  heading: string;
  /** The button's and the error's ids, as each page's tests and focus code know them. */
  submitId: string;
  errorId: string;
  /** A code to put back in the field (the last one, after "Try again"). */
  initial?: string | undefined;
  /** Focus the field (its code selected) when shown. */
  focus: boolean;
  onCode: (code: string) => void;
}) {
  const [code, setCode] = useState(props.initial ?? '');
  const [invalid, setInvalid] = useState<Invalid | undefined>();
  // Digits have no words to misspell or complete.
  const words = !looksLikeDigitCode(code);
  const typo = invalid || !words ? undefined : typoIn(code);
  const field = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (props.focus) field.current?.select();
  }, [props.focus, props.initial]);
  return (
    <>
      <h2 id="receive-heading">{props.heading}</h2>
      <form
        class="row"
        aria-labelledby="receive-heading"
        onSubmit={(event) => {
          event.preventDefault();
          if (!code.trim()) return;
          const read = readTypedCode(code);
          if (read.ok) props.onCode(read.code);
          else setInvalid(read.error);
        }}
      >
        <input
          id="code"
          ref={field}
          aria-label={t('codeLabel')}
          aria-invalid={invalid ? 'true' : undefined}
          aria-describedby={invalid ? props.errorId : typo ? 'code-typo' : undefined}
          placeholder={t('codePlaceholder')}
          autoComplete="off"
          autoCapitalize="off"
          spellcheck={false}
          enterKeyHint="go"
          list="code-completions"
          value={code}
          onInput={(event) => {
            setCode(event.currentTarget.value);
            setInvalid(undefined);
          }}
        />
        <datalist id="code-completions">
          {(words ? codeCompletions(code) : []).map((completion) => (
            <option key={completion} value={completion} />
          ))}
        </datalist>
        <button type="submit" id={props.submitId} disabled={!code.trim()}>
          {t('popup_receiveButton')}
        </button>
      </form>
      {invalid && (
        <p class="error" id={props.errorId} role="alert" data-code="CODE_INVALID">
          {t('error_CODE_INVALID', codeErrorText(translate, invalid))}
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
