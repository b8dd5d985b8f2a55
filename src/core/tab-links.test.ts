import { describe, expect, it } from 'vitest';
import {
  codeFromFragment,
  isBrowserPage,
  receiveLink,
  signalingUrlFor,
  watchLink,
} from './tab-links.js';

describe('the link that receives files on the no-install web page (scanned by a phone)', () => {
  it.each([
    ['ws://127.0.0.1:8787/ws', 'http://127.0.0.1:8787/#7-apple-river'],
    ['wss://signal.example.org/ws', 'https://signal.example.org/#7-apple-river'],
    ['wss://example.org/peerbeam/ws', 'https://example.org/peerbeam/#7-apple-river'],
  ])('%s → %s, whose page signals back at the same server', (signaling, link) => {
    expect(receiveLink(signaling, '7-apple-river')).toBe(link);
    expect(signalingUrlFor(link)).toBe(signaling);
    expect(codeFromFragment(new URL(link).hash)).toBe('7-apple-river');
  });

  it('never offers an http: link off loopback', () => {
    expect(receiveLink('ws://signal.example.org/ws', '7-apple-river')).toBeUndefined();
  });
});

describe('the link a viewer without the extension opens', () => {
  it.each([
    ['ws://127.0.0.1:8787/ws', 'http://127.0.0.1:8787/watch#7-apple-river'],
    ['wss://signal.example.org/ws', 'https://signal.example.org/watch#7-apple-river'],
    ['wss://example.org/peerbeam/ws', 'https://example.org/peerbeam/watch#7-apple-river'],
    ['wss://example.org/ws?x=1', 'https://example.org/watch#7-apple-river'],
  ])('%s → %s', (signaling, link) => {
    expect(watchLink(signaling, '7-apple-river')).toBe(link);
  });

  it.each([
    ['ws://signal.example.org/ws'],
    ['ws://192.168.1.20:8787/ws'],
    ['ws://10.0.0.1/ws'],
    ['ws://[fe80::1]/ws'],
    ['ws://localhost.example.org/ws'],
  ])('never offers an http: link, which anyone on the path can read, for %s', (signaling) => {
    expect(watchLink(signaling, '7-apple-river')).toBeUndefined();
  });

  it.each([
    ['ws://localhost:8787/ws', 'http://localhost:8787/watch#7-apple-river'],
    ['ws://127.8.9.10/ws', 'http://127.8.9.10/watch#7-apple-river'],
    ['ws://[::1]:8787/ws', 'http://[::1]:8787/watch#7-apple-river'],
  ])('offers an http: link on loopback only: %s → %s', (signaling, link) => {
    expect(watchLink(signaling, '7-apple-river')).toBe(link);
  });

  it('gives no link for a signaling URL that is not a WebSocket URL', () => {
    expect(watchLink('not a url', '1-a-b')).toBeUndefined();
    expect(watchLink('https://example.org/ws', '1-a-b')).toBeUndefined();
  });

  it('finds its signaling endpoint next to the page', () => {
    expect(signalingUrlFor('http://127.0.0.1:8787/watch#1-a-b')).toBe('ws://127.0.0.1:8787/ws');
    expect(signalingUrlFor('https://example.org/peerbeam/watch')).toBe(
      'wss://example.org/peerbeam/ws',
    );
  });

  it.each([
    ['#7-apple-river', '7-apple-river'],
    ['#code=7-apple-river', '7-apple-river'],
    ['#code=7%20apple%20river', '7 apple river'],
    ['', undefined],
    ['#', undefined],
    ['#other=1', undefined],
    ['#code=%E0%A4%A', undefined],
  ])('reads the code from the fragment %j', (hash, code) => {
    expect(codeFromFragment(hash)).toBe(code);
  });

  it('round-trips a code through the link', () => {
    const link = watchLink('wss://h:1/ws', '12-zoo-abandon')!;
    expect(codeFromFragment(new URL(link).hash)).toBe('12-zoo-abandon');
  });
});

describe('a share stops when its tab goes to a browser page', () => {
  it.each([
    ['chrome://settings', true],
    ['chrome://newtab/', true],
    ['about:blank', true],
    ['devtools://devtools/bundled/inspector.html', true],
    ['view-source:https://example.org', true],
    ['https://chromewebstore.google.com/detail/x', true],
    ['https://example.org/', false],
    ['http://127.0.0.1:8000/page', false],
    ['file:///tmp/a.html', false],
    ['garbage', false],
  ])('%s → %s', (url, expected) => {
    expect(isBrowserPage(url)).toBe(expected);
  });
});
