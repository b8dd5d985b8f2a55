import { describe, expect, it } from 'vitest';
import { validateSignalingUrl } from './signaling-url.js';

describe('the signaling URL setting', () => {
  it('accepts ws:// and wss:// URLs', () => {
    expect(validateSignalingUrl(' ws://127.0.0.1:8787/ws ')).toBe('ws://127.0.0.1:8787/ws');
    expect(validateSignalingUrl('wss://signal.example/ws')).toBe('wss://signal.example/ws');
  });

  it.each(['', 'not a url', 'https://signal.example/ws', 'javascript:alert(1)'])(
    'refuses %j with BAD_REQUEST',
    (url) => {
      expect(() => validateSignalingUrl(url)).toThrowError(
        expect.objectContaining({ code: 'BAD_REQUEST' }) as Error,
      );
    },
  );
});
