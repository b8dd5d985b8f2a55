import { describe, expect, it } from 'vitest';
import { WEB_TEXTS, fill, pickLanguage } from './strings.js';

const keys = (value: object): string[] =>
  Object.entries(value as Record<string, unknown>)
    .flatMap(([key, inner]) =>
      typeof inner === 'object' && inner !== null ? keys(inner).map((k) => `${key}.${k}`) : [key],
    )
    .sort();

describe('the web viewer speaks English and Chinese', () => {
  it('both tables have the same texts, none empty', () => {
    expect(keys(WEB_TEXTS.zh)).toEqual(keys(WEB_TEXTS.en));
    for (const table of Object.values(WEB_TEXTS)) {
      for (const key of keys(table)) {
        const value = key
          .split('.')
          .reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], table);
        expect(String(value).trim(), key).not.toBe('');
      }
    }
  });

  it('keeps the placeholders of the English texts', () => {
    expect(WEB_TEXTS.zh.watchingNamed).toContain('{name}');
    expect(WEB_TEXTS.zh.failed).toContain('{detail}');
    expect(WEB_TEXTS.zh.errors.other).toContain('{detail}');
  });

  it.each([
    [['zh-CN', 'en'], 'zh'],
    [['zh-TW'], 'zh'],
    [['en-GB', 'zh-CN'], 'en'],
    [['fr-FR', 'zh'], 'zh'],
    [['fr-FR'], 'en'],
    [[], 'en'],
  ])('picks a language for %j', (languages, expected) => {
    expect(pickLanguage(languages)).toBe(expected);
  });

  it('fills placeholders and leaves unknown ones', () => {
    expect(fill('Watching {name} {x}', { name: 'Ann' })).toBe('Watching Ann {x}');
  });
});
