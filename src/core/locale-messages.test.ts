import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  formatMessage,
  languageTag,
  pickLocale,
  translator,
  type LocaleMessages,
} from './locale-messages.js';

const table: LocaleMessages = {
  plain: { message: 'Sharing ended' },
  named: {
    message: 'Watching the tab of $NAME$',
    placeholders: { NAME: { content: '$1', example: 'Ann' } },
  },
  lowerCase: {
    message: 'Hello, $User$ from $SITE$',
    placeholders: { user: { content: '$1' }, site: { content: 'Example.com' } },
  },
  two: {
    message: '$B$ then $A$',
    placeholders: { A: { content: '$1' }, B: { content: '$2' } },
  },
  direct: { message: 'Costs $$5 for $1' },
  undeclared: { message: 'Keep $THIS$' },
};

describe('messages read as chrome.i18n reads them', () => {
  it('returns a plain message as it is', () => {
    expect(formatMessage(table, 'plain')).toBe('Sharing ended');
  });

  it('fills a $PLACEHOLDER$ with its positional substitution', () => {
    expect(formatMessage(table, 'named', ['Ann'])).toBe('Watching the tab of Ann');
  });

  it('matches placeholder names in any case and fills fixed contents', () => {
    expect(formatMessage(table, 'lowerCase', ['Ann'])).toBe('Hello, Ann from Example.com');
  });

  it('orders substitutions by their number, not by where they appear', () => {
    expect(formatMessage(table, 'two', ['first', 'second'])).toBe('second then first');
  });

  it('leaves a missing substitution empty, reads $$ as $, and $1 in the message itself', () => {
    expect(formatMessage(table, 'named')).toBe('Watching the tab of ');
    expect(formatMessage(table, 'direct', ['me'])).toBe('Costs $5 for me');
  });

  it('does not expand $ signs inside a substitution', () => {
    expect(formatMessage(table, 'named', ['$1 $NAME$'])).toBe('Watching the tab of $1 $NAME$');
  });

  it('leaves an undeclared $NAME$ untouched and knows no unknown key', () => {
    expect(formatMessage(table, 'undeclared')).toBe('Keep $THIS$');
    expect(formatMessage(table, 'nope')).toBeUndefined();
  });

  it('a translator falls back per key to the default locale, then to the key', () => {
    const t = translator({ plain: { message: '共享已结束' } }, table);
    expect(t('plain')).toBe('共享已结束');
    expect(t('named', 'Ann')).toBe('Watching the tab of Ann');
    expect(t('nope')).toBe('nope');
  });
});

describe('the page speaks the first of the person’s languages that Peerbeam has', () => {
  const locales = ['en', 'zh_CN'];
  it.each([
    [['zh-CN', 'en'], 'zh_CN'],
    [['zh-TW'], 'zh_CN'],
    [['zh'], 'zh_CN'],
    [['en-GB', 'zh-CN'], 'en'],
    [['fr-FR', 'zh'], 'zh_CN'],
    [['fr-FR'], 'en'],
    [[], 'en'],
  ])('%j → %s', (languages, expected) => {
    expect(pickLocale(languages, locales, 'en')).toBe(expected);
  });

  it('names the locale with a BCP 47 tag for the lang attribute', () => {
    expect(languageTag('zh_CN')).toBe('zh-CN');
    expect(languageTag('en')).toBe('en');
  });
});

describe('the real _locales tables', () => {
  const load = (locale: string) =>
    JSON.parse(
      readFileSync(new URL(`../../_locales/${locale}/messages.json`, import.meta.url), 'utf8'),
    ) as LocaleMessages;

  it('fill every placeholder of every message in both locales', () => {
    for (const locale of ['en', 'zh_CN']) {
      const messages = load(locale);
      for (const key of Object.keys(messages)) {
        const text = formatMessage(messages, key, ['A', 'B', 'C']);
        expect(text, `${locale} ${key}`).not.toMatch(/\$[A-Za-z_]+\$/);
      }
    }
  });
});
