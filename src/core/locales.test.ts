import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from './errors.js';

type Messages = Record<string, { message: string; placeholders?: Record<string, unknown> }>;
const load = (locale: string): Messages =>
  JSON.parse(
    readFileSync(new URL(`../../_locales/${locale}/messages.json`, import.meta.url), 'utf8'),
  ) as Messages;

const en = load('en');
const zh = load('zh_CN');

describe('user-facing text exists in English and Simplified Chinese', () => {
  it('both locales have the same keys', () => {
    expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
  });

  it('every message keeps the placeholders of the English one', () => {
    for (const [key, value] of Object.entries(en)) {
      const placeholders = Object.keys(value.placeholders ?? {});
      for (const name of placeholders) {
        expect(zh[key]?.message, key).toContain(`$${name}$`);
      }
      expect(zh[key]?.message.trim(), key).not.toBe('');
    }
  });

  it('every stable error code has a sentence', () => {
    for (const code of ERROR_CODES) expect(en[`error_${code}`], code).toBeDefined();
  });
});
