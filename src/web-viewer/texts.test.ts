import { describe, expect, it } from 'vitest';
import { parseCode } from '../core/code.js';
import { parseDigitCode } from '../core/code-digits.js';
import { ERROR_CODES } from '../core/errors.js';
import type { SessionStep } from '../core/session-step.js';
import { describeCodeError, describeError, playerTexts, stepText, webTexts } from './texts.js';

const STEPS = Object.keys({
  connecting: true,
  'waiting-for-peer': true,
  handshaking: true,
  'connecting-peer': true,
  open: true,
  closed: true,
  failed: true,
} satisfies Record<SessionStep, true>) as SessionStep[];

const zh = webTexts(['zh-CN', 'en']);
const en = webTexts(['en-US']);

/** Latin words left once what stays Latin in Chinese text is taken out: product and browser names, the example code. */
const english = (text: string, ...allowed: string[]) =>
  [...allowed, 'Peerbeam', 'Firefox', 'Chromium', 'https', 'http', 'apple', 'river']
    // Longest first: a typed "ab" must not cut into a suggested "abandon".
    .sort((a, b) => b.length - a.length)
    .reduce((rest, word) => rest.split(word).join(''), text)
    .match(/[A-Za-z]{2,}/g) ?? [];

describe('/watch speaks the extension’s own _locales', () => {
  it('picks the page language from navigator.languages and names it for lang', () => {
    expect([zh.locale, zh.lang]).toEqual(['zh_CN', 'zh-CN']);
    expect([en.locale, en.lang]).toEqual(['en', 'en']);
    expect(webTexts(['zh-TW']).lang).toBe('zh-CN');
    expect(webTexts(['fr-FR']).lang).toBe('en');
  });

  it('shows the same sentences as the extension (one set of strings)', () => {
    expect(playerTexts(en).ended).toBe('Sharing ended');
    expect(playerTexts(zh).ended).toBe('共享已结束');
    expect(playerTexts(zh).watching('Ann')).toBe('正在观看 Ann 的标签页');
  });
});

describe('Chinese /watch does not fall back to English inside messages', () => {
  it('explains a misspelt code in Chinese', () => {
    const parsed = parseCode('7-aplpe-river');
    if (parsed.ok) throw new Error('expected a typo');
    const said = describeCodeError(zh, parsed.error);
    expect(said).toContain('“aplpe”');
    expect(english(said, 'aplpe', ...(parsed.error.suggestions ?? []))).toEqual([]);
  });

  it.each(['', '7', '7-apple', '7-ab-river', 'x-apple-river'])(
    'explains the code %j in Chinese',
    (typed) => {
      const parsed = parseCode(typed);
      if (parsed.ok) throw new Error('expected an error');
      const { word = '', suggestions = [] } = parsed.error;
      expect(english(describeCodeError(zh, parsed.error), word, ...suggestions)).toEqual([]);
    },
  );

  it('explains a wrong digit and a digit count in Chinese', () => {
    for (const typed of ['7-0175-5744', '7-0175-574']) {
      const parsed = parseDigitCode(typed);
      if (parsed.ok) throw new Error('expected an error');
      expect(english(describeCodeError(zh, parsed.error))).toEqual([]);
    }
  });

  it('every error and every step has a Chinese sentence', () => {
    for (const code of ERROR_CODES) {
      const said = describeError(zh, { code, message: 'english detail' });
      expect(english(said, 'english detail'), code).toEqual([]);
      // Only a sentence made to carry a detail (a size, a device name) shows the error's own.
      const key = `error_${code}` as const;
      const carriesDetail = en.t(key, 'x') !== en.t(key, '');
      if (!carriesDetail) expect(said, code).not.toContain('english detail');
    }
    for (const step of STEPS) expect(english(stepText(zh, step)), step).toEqual([]);
  });

  it('does not point a web page at the extension’s Settings', () => {
    expect(describeError(en, { code: 'SIGNALING_UNREACHABLE', message: '' })).not.toContain(
      'Settings',
    );
  });
});
