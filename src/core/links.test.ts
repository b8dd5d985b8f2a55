import { describe, expect, it } from 'vitest';
import { LINK_TTL_MS, MAX_TITLE_CHARS, checkLink, linkLabel, partitionOutbox } from './links.js';

describe('only http and https links are sent or opened', () => {
  it.each([
    ['https://example.org/a?b=c#d', 'https://example.org/a?b=c#d'],
    ['http://127.0.0.1:8080/x', 'http://127.0.0.1:8080/x'],
    ['  HTTPS://Example.ORG  ', 'https://example.org/'],
  ])('accepts %j', (raw, url) => {
    expect(checkLink(raw)).toEqual({ ok: true, url, title: '' });
  });

  it.each([
    ['javascript:', 'javascript:alert(document.cookie)', 'SCHEME_NOT_ALLOWED'],
    ['data:', 'data:text/html,<script>alert(1)</script>', 'SCHEME_NOT_ALLOWED'],
    ['file:', 'file:///etc/passwd', 'SCHEME_NOT_ALLOWED'],
    ['chrome:', 'chrome://settings', 'SCHEME_NOT_ALLOWED'],
    ['chrome-extension:', 'chrome-extension://abc/page.html', 'SCHEME_NOT_ALLOWED'],
    ['blob:', 'blob:https://example.org/uuid', 'SCHEME_NOT_ALLOWED'],
    ['malformed', 'not a url', 'NOT_A_URL'],
    ['empty', '', 'NOT_A_URL'],
    ['credentials', 'https://bank.example@evil.example/', 'HAS_CREDENTIALS'],
    ['over-long', `https://example.org/${'a'.repeat(9000)}`, 'TOO_LONG'],
  ])('refuses %s', (_name, raw, reason) => {
    expect(checkLink(raw)).toEqual({ ok: false, reason });
  });

  it('cleans and limits the title', () => {
    const result = checkLink('https://example.org', `  Pay\u202Eday\u0000 ${'x'.repeat(400)}`);
    expect(result.ok && result.title.startsWith('Payday ')).toBe(true);
    expect(result.ok && result.title.length).toBe(MAX_TITLE_CHARS);
  });

  it('labels a link by its title, or else its host', () => {
    expect(linkLabel('https://example.org/x', 'Example')).toBe('Example');
    expect(linkLabel('https://example.org/x', '')).toBe('example.org');
  });
});

describe('queued links', () => {
  it('expire after their time to live', () => {
    const now = 10 * LINK_TTL_MS;
    const item = (id: string, age: number) => ({
      id,
      deviceId: 'd',
      url: 'https://a/',
      title: '',
      queuedAt: now - age,
    });
    const { live, expired } = partitionOutbox(
      [item('fresh', 1000), item('old', LINK_TTL_MS + 1)],
      now,
    );
    expect(live.map((i) => i.id)).toEqual(['fresh']);
    expect(expired.map((i) => i.id)).toEqual(['old']);
  });
});
