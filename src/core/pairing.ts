/**
 * Derivations for devices that remember each other ("remember this device"). Both sides
 * compute the same values from the handshake's session key, so nothing extra is exchanged.
 */
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { toHex, utf8 } from './bytes.js';
import { PairingError } from './pairing-error.js';

const KEY_BYTES = 32;

/** The long-term secret to store for a remembered peer (32 bytes). */
export function derivePairingSecret(sessionKey: Uint8Array): Uint8Array {
  return derive(sessionKey, 'peerbeam pairing secret');
}

/**
 * Where two paired devices meet without a code: 64 hex characters (MAILBOX_ID_PATTERN).
 * One-way, so the server, which sees the id, learns nothing about the secret.
 */
export function pairedMailboxId(pairingSecret: Uint8Array): string {
  return toHex(derive(pairingSecret, 'peerbeam paired mailbox'));
}

/**
 * The secret two sides of one session use to find each other again after signaling dropped
 * mid-transfer (the mailbox id comes from it with pairedMailboxId). Lives as long as the
 * session; never stored on disk (a host that may be stopped mid-transfer keeps it in memory
 * only: engine/resumable-transfer.ts).
 */
export function resumeSecret(sessionKey: Uint8Array): Uint8Array {
  return derive(sessionKey, 'peerbeam session resume');
}

/**
 * What each paired device signs with its long-term key to prove it is the device that was
 * remembered: bound to this session's key and to the signer's role, so a signature can be
 * neither replayed into another session nor reflected back.
 */
export function deviceAuthChallenge(sessionKey: Uint8Array, signerRole: 'A' | 'B'): Uint8Array {
  return derive(sessionKey, `peerbeam device auth ${signerRole}`);
}

/**
 * Which side of a paired mailbox is A: the device whose public key sorts first. Both compute
 * the same answer, and roles must differ for the PAKE and the sealed channel.
 */
export function pairedRole(ownPublicKey: string, peerPublicKey: string): 'A' | 'B' {
  if (ownPublicKey === peerPublicKey) {
    throw new PairingError('INVALID_INPUT', 'a device cannot be paired with itself');
  }
  return ownPublicKey < peerPublicKey ? 'A' : 'B';
}

function derive(key: Uint8Array, label: string): Uint8Array {
  if (!(key instanceof Uint8Array) || key.length !== KEY_BYTES) {
    throw new PairingError('INVALID_INPUT', `expected a ${KEY_BYTES}-byte key`);
  }
  return hkdf(sha256, key, undefined, utf8(label), KEY_BYTES);
}
