import { ristretto255 } from '@noble/curves/ed25519.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatCode, parseCode } from './code.js';
import {
  createHandshake,
  PairingError,
  type Handshake,
  type HandshakeOptions,
  type SessionKeys,
} from './pake.js';
import { WORDS } from './words.js';

const base = { password: 'apple-river', context: '7', version: 1 };

function pair(a: Partial<HandshakeOptions> = {}, b: Partial<HandshakeOptions> = {}) {
  return {
    a: createHandshake({ ...base, role: 'A', ...a }),
    b: createHandshake({ ...base, role: 'B', ...b }),
  };
}

/** Runs both sides to the end; each side's outcome is its keys or its PairingError. */
function run(
  a: Handshake,
  b: Handshake,
): { a: SessionKeys | PairingError; b: SessionKeys | PairingError } {
  const fromA = a.receiveShare(b.share).confirmation;
  const fromB = b.receiveShare(a.share).confirmation;
  const finish = (side: Handshake, tag: Uint8Array) => {
    try {
      return side.receiveConfirmation(tag);
    } catch (error) {
      if (error instanceof PairingError) return error;
      throw error;
    }
  };
  return { a: finish(a, fromB), b: finish(b, fromA) };
}

function expectMismatchOnBothSides(a: Handshake, b: Handshake): void {
  const outcome = run(a, b);
  expect(outcome.a).toMatchObject({ name: 'PairingError', code: 'CODE_MISMATCH' });
  expect(outcome.b).toMatchObject({ name: 'PairingError', code: 'CODE_MISMATCH' });
  expect(a.step).toBe('failed');
  expect(b.step).toBe('failed');
}

function expectCode(fn: () => unknown, code: string): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(PairingError);
    expect((error as PairingError).code).toBe(code);
    return;
  }
  throw new Error(`expected PairingError ${code}`);
}

describe('the same code gives both sides the same keys', () => {
  it('confirms on both sides, agrees on keys and verifier, and seals frames both ways', () => {
    const { a, b } = pair({}, { password: ' Apple  RIVER ' });
    expect(a.share).toHaveLength(32);
    const outcome = run(a, b);
    if (outcome.a instanceof PairingError || outcome.b instanceof PairingError) {
      throw new Error('handshake failed');
    }
    expect(a.step).toBe('confirmed');
    expect(b.step).toBe('confirmed');
    expect(outcome.a.sessionKey).toHaveLength(32);
    expect(outcome.a.sessionKey).toEqual(outcome.b.sessionKey);
    expect(outcome.a.verifier).toMatch(/^\d{3} \d{3}$/);
    expect(outcome.a.verifier).toBe(outcome.b.verifier);

    const offer = { t: 'description', description: { type: 'offer', sdp: 'v=0' } };
    expect(outcome.b.channel.openJson(outcome.a.channel.sealJson(offer))).toEqual(offer);
    const answer = Uint8Array.of(1, 2, 3);
    expect(outcome.a.channel.open(outcome.b.channel.seal(answer))).toEqual(answer);
  });

  it('does not depend on the order the shares arrive in', () => {
    const { a, b } = pair();
    const fromB = b.receiveShare(a.share).confirmation;
    const fromA = a.receiveShare(b.share).confirmation;
    const keysB = b.receiveConfirmation(fromA);
    const keysA = a.receiveConfirmation(fromB);
    expect(keysA.sessionKey).toEqual(keysB.sessionKey);
  });

  it('makes fresh keys for every handshake with the same code', () => {
    const first = pair();
    const second = pair();
    const keys = [run(first.a, first.b).a, run(second.a, second.b).a] as SessionKeys[];
    expect(keys[0]?.sessionKey).not.toEqual(keys[1]?.sessionKey);
  });
});

describe('anything but the same code, place and version fails confirmation on both sides', () => {
  it('fails for a different password', () => {
    const { a, b } = pair({}, { password: 'apple-rival' });
    expectMismatchOnBothSides(a, b);
  });

  it('fails for a different nameplate (context)', () => {
    const { a, b } = pair({}, { context: '8' });
    expectMismatchOnBothSides(a, b);
  });

  it('fails for a different protocol version', () => {
    const { a, b } = pair({}, { version: 2 });
    expectMismatchOnBothSides(a, b);
  });

  it('fails when both sides claim the same role', () => {
    const a = createHandshake({ ...base, role: 'A' });
    const alsoA = createHandshake({ ...base, role: 'A' });
    expectMismatchOnBothSides(a, alsoA);
  });

  it('rejects a confirmation reflected back to its sender', () => {
    const { a, b } = pair();
    const fromA = a.receiveShare(b.share).confirmation;
    expectCode(() => a.receiveConfirmation(fromA), 'CODE_MISMATCH');
  });

  it('rejects a confirmation with a flipped bit', () => {
    const { a, b } = pair();
    a.receiveShare(b.share);
    const tag = b.receiveShare(a.share).confirmation;
    tag[5]! ^= 0x10;
    expectCode(() => a.receiveConfirmation(tag), 'CODE_MISMATCH');
  });
});

describe('an invalid peer share is rejected as INVALID_MESSAGE', () => {
  const identity = ristretto255.Point.ZERO.toBytes();
  it.each([
    ['all zero (the identity)', new Uint8Array(32)],
    ['the identity element', identity],
    ['31 bytes', new Uint8Array(31).fill(1)],
    ['33 bytes', new Uint8Array(33).fill(1)],
    ['empty', new Uint8Array(0)],
    ['a non-canonical encoding', new Uint8Array(32).fill(0xff)],
  ])('%s', (_name, share) => {
    const { a } = pair();
    expectCode(() => a.receiveShare(share), 'INVALID_MESSAGE');
    expect(a.step).toBe('failed');
    expectCode(() => a.receiveShare(pair().b.share), 'OUT_OF_ORDER');
  });

  it('random bytes that do not decode to a group element', () => {
    const notAnElement = fc.uint8Array({ minLength: 32, maxLength: 32 }).filter((bytes) => {
      try {
        ristretto255.Point.fromBytes(bytes);
        return false;
      } catch {
        return true;
      }
    });
    fc.assert(
      fc.property(notAnElement, (share) => {
        expectCode(() => pair().a.receiveShare(share), 'INVALID_MESSAGE');
      }),
      { numRuns: 30 },
    );
  });

  it('its own share echoed back', () => {
    const { a } = pair();
    expectCode(() => a.receiveShare(a.share), 'INVALID_MESSAGE');
  });
});

describe('the handshake runs its steps once, in order', () => {
  it('refuses a confirmation before the share, and any step twice', () => {
    const { a, b } = pair();
    expectCode(() => a.receiveConfirmation(new Uint8Array(32)), 'OUT_OF_ORDER');
    const fromB = b.receiveShare(a.share).confirmation;
    a.receiveShare(b.share);
    expectCode(() => a.receiveShare(b.share), 'OUT_OF_ORDER');
    a.receiveConfirmation(fromB);
    expectCode(() => a.receiveConfirmation(fromB), 'OUT_OF_ORDER');
  });

  it('rejects a confirmation of the wrong length as INVALID_MESSAGE', () => {
    const { a, b } = pair();
    a.receiveShare(b.share);
    expectCode(() => a.receiveConfirmation(new Uint8Array(31)), 'INVALID_MESSAGE');
  });

  it.each([
    ['an empty context', { context: '' }],
    ['a negative version', { version: -1 }],
    ['a fractional version', { version: 1.5 }],
    ['an empty password', { password: ' - ' }],
  ])('refuses %s', (_name, options) => {
    expectCode(() => createHandshake({ ...base, role: 'A', ...options }), 'INVALID_INPUT');
  });
});

describe('random codes (property)', () => {
  const word = fc.constantFrom(...WORDS);
  const nameplate = fc.integer({ min: 1, max: 999_999 }).map(String);

  it('the same random code, parsed on one side and generated on the other, gives the same key', () => {
    fc.assert(
      fc.property(nameplate, word, word, (plate, w1, w2) => {
        const typed = parseCode(formatCode({ nameplate: plate, words: [w1, w2] }).toUpperCase());
        if (!typed.ok) throw new Error(typed.error.message);
        const a = createHandshake({ role: 'A', password: [w1, w2], context: plate, version: 1 });
        const b = createHandshake({
          role: 'B',
          password: typed.code.words,
          context: typed.code.nameplate,
          version: 1,
        });
        const outcome = run(a, b);
        expect(outcome.a).not.toBeInstanceOf(PairingError);
        expect((outcome.a as SessionKeys).sessionKey).toEqual(
          (outcome.b as SessionKeys).sessionKey,
        );
      }),
      { numRuns: 40 },
    );
  });

  it('random different codes mismatch on both sides', () => {
    fc.assert(
      fc.property(fc.tuple(word, word), fc.tuple(word, word), nameplate, (mine, theirs, plate) => {
        fc.pre(mine.join('-') !== theirs.join('-'));
        const a = createHandshake({ role: 'A', password: mine, context: plate, version: 1 });
        const b = createHandshake({ role: 'B', password: theirs, context: plate, version: 1 });
        expectMismatchOnBothSides(a, b);
      }),
      { numRuns: 40 },
    );
  });
});
