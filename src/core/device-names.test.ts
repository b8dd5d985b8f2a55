import { describe, expect, it } from 'vitest';
import { suggestDeviceName } from './device-names.js';
import { validateDeviceName } from './settings-validation.js';

/** A deterministic stand-in for crypto.getRandomValues: yields the given numbers in turn. */
const fixed = (...values: number[]) => {
  let i = 0;
  return () => values[i++ % values.length] ?? 0;
};

describe('first-run device names', () => {
  it('a first-run device gets a distinct, memorable name: adjective and animal', () => {
    expect(suggestDeviceName('en', fixed(0, 0))).toBe('Amber Badger');
    expect(suggestDeviceName('en', fixed(1, 2))).not.toBe('Amber Badger');
  });

  it('two devices rarely get the same name (no more "Chromium · Linux" twice)', () => {
    const names = new Set<string>();
    for (let i = 0; i < 200; i++) names.add(suggestDeviceName('en'));
    expect(names.size).toBeGreaterThan(150);
  });

  it('speaks the user\u2019s language: Simplified Chinese for zh-CN', () => {
    const name = suggestDeviceName('zh-CN', fixed(0, 0));
    expect(name).toMatch(/^[\u4e00-\u9fff]+$/);
    expect(suggestDeviceName('zh_CN', fixed(0, 0))).toBe(name);
  });

  it('every suggestion is a valid device name as peers will see it', () => {
    for (const lang of ['en', 'zh-CN', 'fr']) {
      for (let a = 0; a < 40; a++) {
        const name = suggestDeviceName(lang, fixed(a, a * 7));
        expect(validateDeviceName(name)).toBe(name);
      }
    }
  });
});
