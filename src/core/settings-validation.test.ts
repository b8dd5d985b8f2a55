import { describe, expect, it } from 'vitest';
import { validateDeviceName, validateSignalingUrl } from './settings-validation.js';

describe('the signaling URL setting', () => {
  it('accepts ws:// and wss:// URLs', () => {
    expect(validateSignalingUrl(' ws://127.0.0.1:8787/ws ')).toBe('ws://127.0.0.1:8787/ws');
    expect(validateSignalingUrl('wss://signal.example/ws')).toBe('wss://signal.example/ws');
  });

  it.each(['', 'not a url', 'https://signal.example/ws', 'javascript:alert(1)'])(
    'refuses %j with SIGNALING_URL_INVALID',
    (url) => {
      expect(() => validateSignalingUrl(url)).toThrowError(
        expect.objectContaining({ code: 'SIGNALING_URL_INVALID' }) as Error,
      );
    },
  );
});

describe('the device name setting', () => {
  it('keeps a readable name, trimmed and without control characters', () => {
    expect(validateDeviceName('  Work laptop\u0007 ')).toBe('Work laptop');
    expect(validateDeviceName('小明的电脑')).toBe('小明的电脑');
  });

  it.each(['', '   ', '\u0000\u0001', 'x'.repeat(61)])(
    'refuses %j with DEVICE_NAME_INVALID',
    (name) => {
      expect(() => validateDeviceName(name)).toThrowError(
        expect.objectContaining({ code: 'DEVICE_NAME_INVALID' }) as Error,
      );
    },
  );
});
