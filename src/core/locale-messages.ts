/**
 * The extension's `_locales/<locale>/messages.json` read without chrome.i18n, so a page that
 * runs in any browser (the no-install web page) shows the same strings as the extension.
 * Pure: the caller bundles the tables and passes the person's languages.
 *
 * Substitution follows chrome.i18n.getMessage: `$NAME$` (case-insensitive) takes its
 * placeholder's `content`, in which `$1`…`$9` are the substitutions (a missing one is empty);
 * `$1`…`$9` may also appear in the message itself; `$$` is a literal `$`.
 */

export interface LocaleMessage {
  message: string;
  description?: string;
  placeholders?: Record<string, { content: string; example?: string }>;
}

export type LocaleMessages = Readonly<Record<string, LocaleMessage>>;

/** A locale folder name (`en`, `zh_CN`) as a BCP 47 tag for `lang` (`en`, `zh-CN`). */
export const languageTag = (locale: string): string => locale.replace(/_/g, '-');

/**
 * The locale to show for the person's languages (navigator.languages, best first): an exact
 * match (`zh-CN` → `zh_CN`), else the first locale with the same primary language (`zh-TW` →
 * `zh_CN`), else `fallback`.
 */
export function pickLocale(
  languages: readonly string[],
  available: readonly string[],
  fallback: string,
): string {
  const norm = (tag: string) => tag.toLowerCase().replace(/_/g, '-');
  for (const language of languages) {
    const wanted = norm(language);
    const exact = available.find((locale) => norm(locale) === wanted);
    if (exact) return exact;
    const primary = wanted.split('-')[0];
    const near = available.find((locale) => norm(locale).split('-')[0] === primary);
    if (near) return near;
  }
  return fallback;
}

const TOKEN = /\$\$|\$([A-Za-z0-9_@]+)\$|\$([1-9])/g;

const positional = (substitutions: readonly string[], digit: string): string =>
  substitutions[Number(digit) - 1] ?? '';

/** One message with its substitutions; undefined when the key is not in the table. */
export function formatMessage(
  messages: LocaleMessages,
  key: string,
  substitutions: readonly string[] = [],
): string | undefined {
  const entry = messages[key];
  if (!entry) return undefined;
  const placeholders = new Map(
    Object.entries(entry.placeholders ?? {}).map(([name, value]) => [name.toLowerCase(), value]),
  );
  return entry.message.replace(TOKEN, (match, name?: string, digit?: string) => {
    if (match === '$$') return '$';
    if (digit !== undefined) return positional(substitutions, digit);
    const placeholder = placeholders.get((name ?? '').toLowerCase());
    // chrome.i18n leaves an undeclared $NAME$ as it is.
    if (!placeholder) return match;
    return placeholder.content.replace(/\$([1-9])/g, (_, d: string) =>
      positional(substitutions, d),
    );
  });
}

/**
 * A `t(key, ...substitutions)` over one locale, falling back per key to the default locale as
 * chrome.i18n does (the locales test keeps both complete, so the fallback is a safety net).
 */
export function translator(
  messages: LocaleMessages,
  fallback: LocaleMessages,
): (key: string, ...substitutions: string[]) => string {
  return (key, ...substitutions) =>
    formatMessage(messages, key, substitutions) ??
    formatMessage(fallback, key, substitutions) ??
    key;
}
