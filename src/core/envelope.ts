/**
 * The sealed channel every signaling frame travels in after the handshake (SDP, ICE, bye).
 * XChaCha20-Poly1305 with one key per direction (HKDF-SHA256 from the session key) and an
 * explicit sequence number per frame. The receiver takes only the next number in order, so
 * the relay cannot replay, reorder, drop (unnoticed) or reflect frames. The first bad frame
 * closes the channel for good: after tampering nothing from that session is trusted.
 *
 *   frame = seq (u32 big-endian) || ciphertext || tag (16)
 *   nonce = 20 zero bytes || seq            unique per key, since each key seals one direction
 *   AAD   = "peerbeam envelope" || version (u32) || direction ("A>B" | "B>A") || seq
 */
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, fromUtf8, readU32be, u32be, utf8 } from './bytes.js';
import { PairingError } from './pairing-error.js';
import type { Role } from './pake.js';

export const SEQUENCE_BYTES = 4;
export const TAG_BYTES = 16;
/** An empty plaintext still carries its sequence number and tag. */
export const MIN_FRAME_BYTES = SEQUENCE_BYTES + TAG_BYTES;
const NONCE_BYTES = 24;
const MAX_SEQUENCE = 0xffff_ffff;
const KEY_BYTES = 32;

export type ChannelState = 'open' | 'failed' | 'closed';

export interface SealedChannel {
  readonly state: ChannelState;
  seal(plaintext: Uint8Array): Uint8Array;
  /** Throws PairingError ENVELOPE_REJECTED and closes the channel for any bad frame. */
  open(frame: Uint8Array): Uint8Array;
  sealJson(value: unknown): Uint8Array;
  /** The frame's JSON value; still `unknown` until a decode function accepts it. */
  openJson(frame: Uint8Array): unknown;
  /**
   * Seals one last JSON frame even after this side rejected an incoming frame (the outgoing
   * direction is still sound), so the peer learns why the session ends; then nothing more.
   */
  sealFinal(value: unknown): Uint8Array;
  /** Forgets the keys; later seal/open calls are rejected. Safe to call twice. */
  close(): void;
}

export interface ChannelOptions {
  sessionKey: Uint8Array;
  role: Role;
  version: number;
}

type Direction = 'A>B' | 'B>A';

const directionKey = (sessionKey: Uint8Array, direction: Direction): Uint8Array =>
  hkdf(sha256, sessionKey, undefined, utf8(`peerbeam envelope ${direction}`), KEY_BYTES);

export function createSealedChannel({ sessionKey, role, version }: ChannelOptions): SealedChannel {
  if (!(sessionKey instanceof Uint8Array) || sessionKey.length !== KEY_BYTES) {
    throw new PairingError('INVALID_INPUT', `the session key is ${KEY_BYTES} bytes`);
  }
  if (!Number.isInteger(version) || version < 0 || version > MAX_SEQUENCE) {
    throw new PairingError('INVALID_INPUT', 'bad protocol version');
  }
  const outgoing: Direction = role === 'A' ? 'A>B' : 'B>A';
  const incoming: Direction = role === 'A' ? 'B>A' : 'A>B';
  const sendKey = directionKey(sessionKey, outgoing);
  const receiveKey = directionKey(sessionKey, incoming);
  let nextSend = 0;
  let nextReceive = 0;
  let state: ChannelState = 'open';

  const nonce = (seq: number): Uint8Array =>
    concatBytes(new Uint8Array(NONCE_BYTES - SEQUENCE_BYTES), u32be(seq));
  const aad = (direction: Direction, seq: number): Uint8Array =>
    concatBytes(utf8('peerbeam envelope'), u32be(version), utf8(direction), u32be(seq));

  let farewellSent = false;
  const shut = (next: ChannelState): void => {
    if (state === 'open') state = next;
    receiveKey.fill(0);
    // A failed channel keeps its send key for one farewell frame (sealFinal), nothing else.
    if (state !== 'failed' || farewellSent) sendKey.fill(0);
  };
  const reject = (reason: string): PairingError => {
    shut('failed');
    return new PairingError('ENVELOPE_REJECTED', reason);
  };
  const ensureOpen = (): void => {
    if (state !== 'open') throw new PairingError('ENVELOPE_REJECTED', `the channel is ${state}`);
  };

  const seal = (plaintext: Uint8Array): Uint8Array => {
    ensureOpen();
    if (nextSend > MAX_SEQUENCE) throw reject('sequence numbers exhausted');
    const seq = nextSend++;
    const sealed = xchacha20poly1305(sendKey, nonce(seq), aad(outgoing, seq)).encrypt(plaintext);
    return concatBytes(u32be(seq), sealed);
  };

  const open = (frame: Uint8Array): Uint8Array => {
    ensureOpen();
    if (!(frame instanceof Uint8Array) || frame.length < MIN_FRAME_BYTES) {
      throw reject('frame too short');
    }
    const seq = readU32be(frame);
    if (seq !== nextReceive) {
      throw reject(
        `frame ${seq} arrived where ${nextReceive} was due (replayed, reordered or lost)`,
      );
    }
    let plaintext: Uint8Array;
    try {
      plaintext = xchacha20poly1305(receiveKey, nonce(seq), aad(incoming, seq)).decrypt(
        frame.subarray(SEQUENCE_BYTES),
      );
    } catch {
      throw reject('frame failed authentication');
    }
    nextReceive++;
    return plaintext;
  };

  return {
    get state() {
      return state;
    },
    seal,
    open,
    sealJson(value: unknown): Uint8Array {
      const text = JSON.stringify(value) as string | undefined;
      if (text === undefined) throw new PairingError('INVALID_INPUT', 'value has no JSON form');
      return seal(utf8(text));
    },
    openJson(frame: Uint8Array): unknown {
      const plaintext = open(frame);
      try {
        return JSON.parse(fromUtf8(plaintext)) as unknown;
      } catch {
        throw reject('frame is not UTF-8 JSON');
      }
    },
    sealFinal(value: unknown): Uint8Array {
      if (state === 'closed' || farewellSent) {
        throw new PairingError('ENVELOPE_REJECTED', `the channel is ${state}`);
      }
      const text = JSON.stringify(value) as string | undefined;
      if (text === undefined) throw new PairingError('INVALID_INPUT', 'value has no JSON form');
      if (nextSend > MAX_SEQUENCE) throw reject('sequence numbers exhausted');
      const seq = nextSend++;
      const sealed = xchacha20poly1305(sendKey, nonce(seq), aad(outgoing, seq)).encrypt(utf8(text));
      farewellSent = true;
      // The last frame: an open channel closes with it, so no later seal uses the erased key.
      shut('closed');
      return concatBytes(u32be(seq), sealed);
    },
    close: () => shut('closed'),
  };
}
