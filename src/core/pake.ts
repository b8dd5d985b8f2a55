/**
 * The pairing handshake: CPace (cpace.ts) turns the code's two words into a strong shared key,
 * then one round of explicit key confirmation proves both sides hold it. See PROTOCOL.md.
 *
 *   const hs = createHandshake({ role, password, context: nameplate, version });
 *   send(hs.share);                                            // both sides, in any order
 *   const { confirmation } = hs.receiveShare(peerShare);       // INVALID_MESSAGE
 *   send(confirmation);
 *   const keys = hs.receiveConfirmation(peerConfirmation);     // CODE_MISMATCH
 *
 * Role A allocated the nameplate, role B claimed it; the server assigns them, so they never
 * collide and CPace runs with fixed roles (transcript_ir, draft-irtf-cfrg-cpace-21 §6.3),
 * although the two shares may cross on the wire (Ya and Yb do not depend on each other).
 */
import { expand, extract, hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { normalizePassword } from './code.js';
import { equalBytes, secureRandom, utf8, type RandomBytes } from './bytes.js';
import {
  ELEMENT_BYTES,
  IDENTITY,
  calculateGenerator,
  deriveIsk,
  lvCat,
  sampleScalar,
  scalarMult,
  scalarMultVfy,
  transcriptIr,
} from './cpace.js';
import { createSealedChannel, type SealedChannel } from './envelope.js';
import { PairingError } from './pairing-error.js';

export { PairingError, type PairingErrorCode } from './pairing-error.js';

export type Role = 'A' | 'B';
export type HandshakeStep = 'awaiting-share' | 'awaiting-confirmation' | 'confirmed' | 'failed';

export const SHARE_BYTES = ELEMENT_BYTES;
export const CONFIRMATION_BYTES = 32;
const MAX_CONTEXT_CHARS = 256;

/** Labels of the key schedule (PROTOCOL.md); changing one is a protocol version bump. */
const LABELS = {
  channel: 'peerbeam pairing',
  confirmA: 'peerbeam confirm A',
  confirmB: 'peerbeam confirm B',
  sessionKey: 'peerbeam session key',
  verifier: 'peerbeam verifier',
} as const;

/** CPace sid (§4.1): none can be agreed before the first message, so empty (see §10.6). */
const SID = new Uint8Array(0);
/** ADa/ADb (§4.1): nothing travels in clear beside the shares; CI binds the rest secretly. */
const NO_AD = new Uint8Array(0);

export interface HandshakeOptions {
  role: Role;
  /** The code's words in any case and separators: 'apple-river' or ['apple', 'river']. */
  password: string | readonly string[];
  /** What both sides meet at: the nameplate, or a paired mailbox id. */
  context: string;
  /** PROTOCOL_VERSION; a side speaking another version fails confirmation. */
  version: number;
  random?: RandomBytes;
}

export interface SessionKeys {
  /** 32 bytes both sides share, the root for further keys (channel, pairing secret). */
  sessionKey: Uint8Array;
  /** Seals every later signaling frame; one key per direction. */
  channel: SealedChannel;
  /** Six digits ('123 456') both people can compare, as a last check. */
  verifier: string;
}

export interface Handshake {
  readonly role: Role;
  /** This side's CPace share (32 bytes); send it first. */
  readonly share: Uint8Array;
  readonly step: HandshakeStep;
  /** Takes the peer's share; returns this side's confirmation tag to send. */
  receiveShare(peerShare: Uint8Array): { confirmation: Uint8Array };
  /** Checks the peer's tag; throws PairingError CODE_MISMATCH unless both sides agree. */
  receiveConfirmation(peerConfirmation: Uint8Array): SessionKeys;
}

export function createHandshake(options: HandshakeOptions): Handshake {
  return new CpaceHandshake(options);
}

/**
 * CPace CI (§4.1, §10.1.1): everything both sides must agree on besides the words, kept out of
 * the messages. Role names sit in initiator-then-responder order, as §10.1.1 recommends.
 */
function channelIdentifier(version: number, context: string): Uint8Array {
  return lvCat(utf8(LABELS.channel), utf8(String(version)), utf8(context), utf8('A'), utf8('B'));
}

class CpaceHandshake implements Handshake {
  readonly role: Role;
  readonly share: Uint8Array;
  #step: HandshakeStep = 'awaiting-share';
  readonly #version: number;
  readonly #scalar: bigint;
  #expectedConfirmation: Uint8Array | undefined;
  #sessionKey: Uint8Array | undefined;

  constructor({ role, password, context, version, random = secureRandom }: HandshakeOptions) {
    if (role !== 'A' && role !== 'B') throw invalidInput(`unknown role ${String(role)}`);
    if (!Number.isSafeInteger(version) || version < 0) throw invalidInput('bad protocol version');
    if (typeof context !== 'string' || context === '' || context.length > MAX_CONTEXT_CHARS) {
      throw invalidInput('context must be a non-empty string');
    }
    const prs = normalizePassword(password);
    if (prs === '') throw invalidInput('empty password');
    this.role = role;
    this.#version = version;
    // §7.2: g from PRS, CI and sid; a fresh scalar per handshake (§10.9).
    const generator = calculateGenerator(utf8(prs), channelIdentifier(version, context), SID);
    this.#scalar = sampleScalar(random);
    this.share = scalarMult(this.#scalar, generator);
  }

  get step(): HandshakeStep {
    return this.#step;
  }

  receiveShare(peerShare: Uint8Array): { confirmation: Uint8Array } {
    this.#expectStep('awaiting-share', 'receiveShare');
    if (!(peerShare instanceof Uint8Array) || peerShare.length !== SHARE_BYTES) {
      throw this.#fail('INVALID_MESSAGE', `a share is ${SHARE_BYTES} bytes`);
    }
    // Our own share echoed back: §10.1.2's loopback; refuse before spending any work on it.
    if (equalBytes(peerShare, this.share)) {
      throw this.#fail('INVALID_MESSAGE', 'the peer share is our own');
    }
    // §7.2: K = scalar_mult_vfy(y, Y_peer); abort if K = G.I (undecodable or identity).
    const k = scalarMultVfy(this.#scalar, peerShare);
    if (equalBytes(k, IDENTITY)) {
      throw this.#fail('INVALID_MESSAGE', 'the peer share is not a valid group element');
    }
    const transcript =
      this.role === 'A'
        ? transcriptIr(this.share, NO_AD, peerShare, NO_AD)
        : transcriptIr(peerShare, NO_AD, this.share, NO_AD);
    const isk = deriveIsk(SID, k, transcript);
    // §10.3: ISK goes through a KDF before use. §10.4: key confirmation with a MAC keyed from
    // ISK; one key per role, so a tag reflected back to its sender never verifies.
    const prk = extract(sha256, isk);
    const ownLabel = this.role === 'A' ? LABELS.confirmA : LABELS.confirmB;
    const peerLabel = this.role === 'A' ? LABELS.confirmB : LABELS.confirmA;
    const confirmation = hmac(sha256, expand(sha256, prk, utf8(ownLabel), 32), transcript);
    this.#expectedConfirmation = hmac(sha256, expand(sha256, prk, utf8(peerLabel), 32), transcript);
    this.#sessionKey = expand(sha256, prk, utf8(LABELS.sessionKey), 32);
    k.fill(0);
    isk.fill(0);
    prk.fill(0);
    this.#step = 'awaiting-confirmation';
    return { confirmation };
  }

  receiveConfirmation(peerConfirmation: Uint8Array): SessionKeys {
    this.#expectStep('awaiting-confirmation', 'receiveConfirmation');
    const expected = this.#expectedConfirmation;
    const sessionKey = this.#sessionKey;
    this.#expectedConfirmation = undefined;
    this.#sessionKey = undefined;
    if (!expected || !sessionKey) throw this.#fail('OUT_OF_ORDER', 'no shared key yet');
    if (
      !(peerConfirmation instanceof Uint8Array) ||
      peerConfirmation.length !== CONFIRMATION_BYTES
    ) {
      throw this.#fail('INVALID_MESSAGE', `a confirmation is ${CONFIRMATION_BYTES} bytes`);
    }
    if (!equalBytes(peerConfirmation, expected)) {
      sessionKey.fill(0);
      throw this.#fail('CODE_MISMATCH', 'key confirmation failed: the codes differ');
    }
    this.#step = 'confirmed';
    return {
      sessionKey,
      channel: createSealedChannel({ sessionKey, role: this.role, version: this.#version }),
      verifier: deriveVerifier(sessionKey),
    };
  }

  #expectStep(step: HandshakeStep, call: string): void {
    if (this.#step !== step) {
      throw new PairingError('OUT_OF_ORDER', `${call} is not allowed while ${this.#step}`);
    }
  }

  #fail(code: 'INVALID_MESSAGE' | 'CODE_MISMATCH' | 'OUT_OF_ORDER', message: string): PairingError {
    this.#step = 'failed';
    return new PairingError(code, message);
  }
}

/** Six decimal digits from the session key; 2^32 mod 10^6 leaves a negligible bias. */
function deriveVerifier(sessionKey: Uint8Array): string {
  const bytes = hkdf(sha256, sessionKey, undefined, utf8(LABELS.verifier), 4);
  const value = new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0) % 1_000_000;
  const digits = String(value).padStart(6, '0');
  return `${digits.slice(0, 3)} ${digits.slice(3)}`;
}

const invalidInput = (message: string): PairingError => new PairingError('INVALID_INPUT', message);
