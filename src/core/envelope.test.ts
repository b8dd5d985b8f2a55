import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { utf8 } from './bytes.js';
import { createSealedChannel, MIN_FRAME_BYTES, type SealedChannel } from './envelope.js';
import { PairingError } from './pairing-error.js';

const sessionKey = new Uint8Array(32).fill(7);

function channels(options: { version?: number; keyB?: Uint8Array; versionB?: number } = {}) {
  const version = options.version ?? 1;
  return {
    a: createSealedChannel({ sessionKey, role: 'A', version }),
    b: createSealedChannel({
      sessionKey: options.keyB ?? sessionKey,
      role: 'B',
      version: options.versionB ?? version,
    }),
  };
}

function expectRejected(fn: () => unknown): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(PairingError);
    expect((error as PairingError).code).toBe('ENVELOPE_REJECTED');
    return;
  }
  throw new Error('expected ENVELOPE_REJECTED');
}

/** After a rejection the channel must refuse even a genuine next frame, and sealing. */
function expectClosedFor(receiver: SealedChannel, genuine: Uint8Array): void {
  expect(receiver.state).toBe('failed');
  expectRejected(() => receiver.open(genuine));
  expectRejected(() => receiver.seal(utf8('more')));
}

describe('sealed frames go both ways', () => {
  it('opens what the other side sealed, in order, in both directions', () => {
    const { a, b } = channels();
    for (let i = 0; i < 3; i++) {
      expect(b.open(a.seal(utf8(`a${i}`)))).toEqual(utf8(`a${i}`));
      expect(a.open(b.seal(utf8(`b${i}`)))).toEqual(utf8(`b${i}`));
    }
    expect(b.open(a.seal(new Uint8Array()))).toEqual(new Uint8Array());
  });

  it('carries an explicit sequence number and hides the plaintext', () => {
    const { a } = channels();
    const plaintext = utf8('v=0 a=fingerprint:sha-256 AB:CD');
    const frames = [a.seal(plaintext), a.seal(plaintext)];
    expect([...frames[0]!.subarray(0, 4)]).toEqual([0, 0, 0, 0]);
    expect([...frames[1]!.subarray(0, 4)]).toEqual([0, 0, 0, 1]);
    expect(frames[0]!.length).toBe(plaintext.length + MIN_FRAME_BYTES);
    expect(frames[0]!.subarray(4)).not.toEqual(frames[1]!.subarray(4));
    expect(new TextDecoder().decode(frames[0])).not.toContain('fingerprint');
  });

  it('round-trips JSON values, which stay unknown until decoded', () => {
    const { a, b } = channels();
    const signal = {
      t: 'candidate',
      candidate: { candidate: 'candidate:1 1 udp 1 x', sdpMid: '0' },
    };
    expect(b.openJson(a.sealJson(signal))).toEqual(signal);
    expect(() => a.sealJson(undefined)).toThrow(PairingError);
  });
});

describe('the relay cannot alter, replay, reorder, drop or reflect frames', () => {
  it('rejects a frame with any single bit flipped, then fails closed', () => {
    const genuine = channels().a.seal(utf8('offer'));
    for (let bit = 0; bit < genuine.length * 8; bit++) {
      const { a, b } = channels();
      const frame = a.seal(utf8('offer'));
      const next = a.seal(utf8('next'));
      frame[bit >> 3]! ^= 1 << (bit & 7);
      expectRejected(() => b.open(frame));
      expectClosedFor(b, next);
    }
  });

  it('rejects random corruption of random frames (property)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 64 }),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (data, at, mask) => {
          const { a, b } = channels();
          const frame = a.seal(data);
          frame[at % frame.length]! ^= mask;
          expectRejected(() => b.open(frame));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('rejects a replayed frame, then fails closed', () => {
    const { a, b } = channels();
    const first = a.seal(utf8('offer'));
    const second = a.seal(utf8('candidate'));
    b.open(first);
    expectRejected(() => b.open(first));
    expectClosedFor(b, second);
  });

  it('rejects reordered frames, then fails closed', () => {
    const { a, b } = channels();
    const first = a.seal(utf8('offer'));
    const second = a.seal(utf8('candidate'));
    expectRejected(() => b.open(second));
    expectClosedFor(b, first);
  });

  it('notices a dropped frame when the next one arrives', () => {
    const { a, b } = channels();
    b.open(a.seal(utf8('0')));
    a.seal(utf8('1 (dropped by the relay)'));
    expectRejected(() => b.open(a.seal(utf8('2'))));
  });

  it('rejects a frame reflected back to its sender, then fails closed', () => {
    const { a, b } = channels();
    const frame = a.seal(utf8('offer'));
    expectRejected(() => a.open(frame));
    expectClosedFor(a, b.seal(utf8('answer')));
  });

  it('rejects a frame with its sequence number rewritten to the expected one', () => {
    const { a, b } = channels();
    a.seal(utf8('0'));
    const frame = a.seal(utf8('1'));
    frame.set([0, 0, 0, 0], 0);
    expectRejected(() => b.open(frame));
  });

  it.each([
    ['empty', new Uint8Array(0)],
    ['shorter than sequence and tag', new Uint8Array(MIN_FRAME_BYTES - 1)],
  ])('rejects a frame that is %s', (_name, frame) => {
    expectRejected(() => channels().b.open(frame));
  });

  it('binds the protocol version and the session key', () => {
    const otherVersion = channels({ versionB: 2 });
    expectRejected(() => otherVersion.b.open(otherVersion.a.seal(utf8('x'))));
    const otherKey = channels({ keyB: new Uint8Array(32).fill(8) });
    expectRejected(() => otherKey.b.open(otherKey.a.seal(utf8('x'))));
  });

  it('rejects an authentic frame that is not JSON when JSON was expected, and fails closed', () => {
    const { a, b } = channels();
    const notJson = a.seal(utf8('{not json'));
    expectRejected(() => b.openJson(notJson));
    expectClosedFor(b, a.seal(utf8('{}')));
  });
});

describe('closing a channel', () => {
  it('refuses to seal or open afterwards, and may be called twice', () => {
    const { a, b } = channels();
    const frame = a.seal(utf8('x'));
    b.close();
    b.close();
    expect(b.state).toBe('closed');
    expectRejected(() => b.open(frame));
    expectRejected(() => b.seal(utf8('y')));
  });

  it('refuses a session key of the wrong size', () => {
    expect(() =>
      createSealedChannel({ sessionKey: new Uint8Array(16), role: 'A', version: 1 }),
    ).toThrow(PairingError);
  });
});

describe('a farewell after a rejection', () => {
  it('still reaches the peer once, so it learns why the session ends', () => {
    const { a, b } = channels();
    const genuine = a.seal(utf8('one'));
    const tampered = genuine.slice();
    tampered[tampered.length - 1]! ^= 1;
    expectRejected(() => b.open(tampered));
    const farewell = b.sealFinal({ t: 'abort' });
    expect(a.openJson(farewell)).toEqual({ t: 'abort' });
    expectRejected(() => b.sealFinal({ t: 'again' }));
    expectRejected(() => b.seal(utf8('more')));
  });

  it('closes an open channel, so nothing is ever sealed under the erased key', () => {
    const { a, b } = channels();
    const farewell = a.sealFinal({ t: 'bye' });
    expect(b.openJson(farewell)).toEqual({ t: 'bye' });
    expect(a.state).toBe('closed');
    expectRejected(() => a.seal(utf8('after the farewell')));
    expectRejected(() => a.sealJson({ t: 'after the farewell' }));
    expectRejected(() => a.open(b.seal(utf8('reply'))));
  });
});
