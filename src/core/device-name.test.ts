import { describe, expect, it } from 'vitest';
import { cleanDeviceName } from './device-name.js';
import { decodePeerSignal } from './peer-signal.js';

const identity = (name: string) =>
  decodePeerSignal({ t: 'identity', name, publicKey: 'AAAA' }) as
    { t: 'identity'; name: string } | undefined;

describe('peer device names arrive sanitised', () => {
  it.each([
    ['a bidi override that reverses the name', '\u202Eecila', 'ecila'],
    ['an isolate that hides a suffix', 'Alice\u2066 (phone)\u2069', 'Alice (phone)'],
    ['control characters and line breaks', 'Bob\u0000\u0007\nlaptop\u009b', 'Bob laptop'],
    ['invisible characters between letters', 'Al\u200bi\ufeffce', 'Alice'],
    ['runs of spaces', '  Work   laptop ', 'Work laptop'],
    ['a decomposed accent', 'Re\u0301mi', 'Rémi'],
  ])('%s', (_case, raw, clean) => {
    expect(cleanDeviceName(raw)).toBe(clean);
    expect(identity(raw)?.name).toBe(clean);
  });

  it('keeps names in any script and emoji sequences', () => {
    expect(identity('小明的电脑 👩‍💻')?.name).toBe('小明的电脑 👩‍💻');
  });

  it('refuses a name that is nothing but hidden characters', () => {
    expect(identity('\u202E\u200b\u0007')).toBeUndefined();
  });
});
