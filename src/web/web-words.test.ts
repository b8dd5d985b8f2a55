import { describe, expect, it } from 'vitest';
import { webTexts } from '../web-viewer/texts.js';
import { downloadName } from './downloads.js';

// i18n.ts reads navigator.languages when it loads: set before it is imported.
Object.defineProperty(globalThis, 'navigator', {
  value: { languages: ['en-US'] },
  configurable: true,
});
const { webTranslator } = await import('./i18n.js');

describe('the web page speaks the extension’s strings, with its own where those would mislead', () => {
  it('says where files really go on a web page, in both languages', () => {
    const en = webTranslator(webTexts(['en-US']));
    const zh = webTranslator(webTexts(['zh-CN']));
    expect(en('popup_finishWhere')).toBe("Saved to this browser's downloads");
    expect(en('popup_finishWhere')).not.toContain('Peerbeam');
    expect(zh('popup_finishWhere')).toBe('已保存到此浏览器的下载内容中');
    // Anything else is the extension's own sentence.
    expect(en('accept')).toBe(webTexts(['en-US']).t('accept'));
    expect(zh('web_room', '12 GB')).toContain('12 GB');
  });
});

describe('a received file’s download name', () => {
  it('keeps its folders in the name, joined with "_" (a download name has no "/")', () => {
    expect(downloadName('album/deeper/two.jpg')).toBe('album_deeper_two.jpg');
    expect(downloadName('notes.md')).toBe('notes.md');
  });
});
