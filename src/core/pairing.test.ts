import { describe, expect, it } from 'vitest';
import { toHex } from './bytes.js';
import { createHandshake } from './pake.js';
import {
  derivePairingSecret,
  deviceAuthChallenge,
  pairedMailboxId,
  pairedRole,
  resumeSecret,
} from './pairing.js';
import { MAILBOX_ID_PATTERN } from './protocol.js';

function handshakeKeys() {
  const options = { password: 'apple-river', context: '7', version: 1 };
  const a = createHandshake({ ...options, role: 'A' });
  const b = createHandshake({ ...options, role: 'B' });
  const fromA = a.receiveShare(b.share).confirmation;
  const fromB = b.receiveShare(a.share).confirmation;
  return [a.receiveConfirmation(fromB), b.receiveConfirmation(fromA)] as const;
}

describe('paired devices derive the same secret and meeting place', () => {
  it('agrees on the pairing secret and a mailbox id the server accepts', () => {
    const [a, b] = handshakeKeys();
    const secretA = derivePairingSecret(a.sessionKey);
    expect(secretA).toHaveLength(32);
    expect(secretA).toEqual(derivePairingSecret(b.sessionKey));
    const mailbox = pairedMailboxId(secretA);
    expect(mailbox).toMatch(MAILBOX_ID_PATTERN);
    expect(mailbox).toBe(pairedMailboxId(derivePairingSecret(b.sessionKey)));
  });

  it('keeps the secret apart from the session key and out of the mailbox id', () => {
    const [a] = handshakeKeys();
    const secret = derivePairingSecret(a.sessionKey);
    expect(secret).not.toEqual(a.sessionKey);
    expect(pairedMailboxId(secret)).not.toBe(toHex(secret));
  });

  it('gives different pairings different secrets and mailboxes', () => {
    const [first] = handshakeKeys();
    const [second] = handshakeKeys();
    const one = derivePairingSecret(first.sessionKey);
    const two = derivePairingSecret(second.sessionKey);
    expect(one).not.toEqual(two);
    expect(pairedMailboxId(one)).not.toBe(pairedMailboxId(two));
  });

  it('refuses keys of the wrong size', () => {
    expect(() => derivePairingSecret(new Uint8Array(16))).toThrow(/32-byte/);
    expect(() => pairedMailboxId(new Uint8Array(33))).toThrow(/32-byte/);
  });
});

describe('paired devices authenticate with their long-term keys', () => {
  it('signs a challenge bound to the session and to the signer role', () => {
    const [a, b] = handshakeKeys();
    expect(deviceAuthChallenge(a.sessionKey, 'A')).toEqual(deviceAuthChallenge(b.sessionKey, 'A'));
    expect(deviceAuthChallenge(a.sessionKey, 'A')).not.toEqual(
      deviceAuthChallenge(a.sessionKey, 'B'),
    );
    const [other] = handshakeKeys();
    expect(deviceAuthChallenge(other.sessionKey, 'A')).not.toEqual(
      deviceAuthChallenge(a.sessionKey, 'A'),
    );
  });

  it('both devices agree which of them is side A', () => {
    expect(pairedRole('key-1', 'key-2')).toBe('A');
    expect(pairedRole('key-2', 'key-1')).toBe('B');
    expect(() => pairedRole('same', 'same')).toThrow(/itself/);
  });
});

describe('a session can find its peer again after signaling drops', () => {
  it('both sides derive the same resume secret, apart from the pairing secret', () => {
    const [a, b] = handshakeKeys();
    expect(resumeSecret(a.sessionKey)).toEqual(resumeSecret(b.sessionKey));
    expect(resumeSecret(a.sessionKey)).not.toEqual(derivePairingSecret(a.sessionKey));
    expect(pairedMailboxId(resumeSecret(a.sessionKey))).toMatch(MAILBOX_ID_PATTERN);
  });
});
