/**
 * CPace, cipher suite CPACE-RISTR255-SHA512, as specified in draft-irtf-cfrg-cpace-21
 * (https://datatracker.ietf.org/doc/draft-irtf-cfrg-cpace/21/), from noble primitives only.
 * The functions carry the spec's names and cite its sections; the test checks them against
 * the spec's test vectors (Appendix B.3). pake.ts decides what Peerbeam puts into PRS, CI,
 * sid and ADa/ADb, and adds key confirmation.
 */
import { ristretto255, ristretto255_hasher } from '@noble/curves/ed25519.js';
import { bytesToNumberLE } from '@noble/curves/utils.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { concatBytes, takeRandom, utf8, type RandomBytes } from './bytes.js';

export type GroupElement = InstanceType<typeof ristretto255.Point>;

/** §8.3: G_Ristretto255.DSI. */
export const DSI = utf8('CPaceRistretto255');
/** §6.2: H.s_in_bytes, the SHA-512 input block size. */
const HASH_BLOCK_BYTES = 128;
/** §8.3: G_Ristretto255.field_size_bytes; encoded elements have this length. */
export const ELEMENT_BYTES = 32;
/** §8.3: G.I, the public encoding of the neutral element. */
export const IDENTITY: Uint8Array = new Uint8Array(ELEMENT_BYTES);

/** §6.3, A.1.1: the data with its length prepended as LEB128. */
export function prependLen(data: Uint8Array): Uint8Array {
  const length: number[] = [];
  let rest = data.length;
  do {
    length.push((rest & 0x7f) | (rest >= 0x80 ? 0x80 : 0));
    rest = Math.floor(rest / 0x80);
  } while (rest > 0);
  return concatBytes(Uint8Array.from(length), data);
}

/** §6.3, A.1.3: prefix-free concatenation, so distinct inputs never hash alike (§10.2). */
export const lvCat = (...parts: Uint8Array[]): Uint8Array => concatBytes(...parts.map(prependLen));

/** §8.1, A.2: DSI and PRS zero-padded to fill the first hash block, then CI and sid. */
export function generatorString(
  dsi: Uint8Array,
  prs: Uint8Array,
  ci: Uint8Array,
  sid: Uint8Array,
  blockBytes: number,
): Uint8Array {
  const zeroPad = Math.max(0, blockBytes - 1 - prependLen(prs).length - prependLen(dsi).length);
  return lvCat(dsi, prs, new Uint8Array(zeroPad), ci, sid);
}

/**
 * §8.3 G.calculate_generator: hash the generator string to 2 × field_size_bytes and map it
 * with ristretto255's element derivation (RFC 9496 §4.3.4).
 */
export function calculateGenerator(prs: Uint8Array, ci: Uint8Array, sid: Uint8Array): GroupElement {
  const genStrHash = sha512(generatorString(DSI, prs, ci, sid, HASH_BLOCK_BYTES));
  const generator = ristretto255_hasher.deriveToCurve?.(genStrHash);
  if (!generator) throw new Error('@noble/curves lacks ristretto255 element derivation');
  return generator;
}

/**
 * §8.3 G.sample_scalar (the RECOMMENDED way): 32 random bytes with the bits above
 * group_size_bits (252) cleared, read little-endian. Zero (chance 2^-252) is drawn again,
 * because it would publish the identity.
 */
export function sampleScalar(random: RandomBytes): bigint {
  for (;;) {
    const bytes = Uint8Array.from(takeRandom(random, ELEMENT_BYTES));
    bytes[ELEMENT_BYTES - 1] = (bytes[ELEMENT_BYTES - 1] ?? 0) & 0x0f;
    const scalar = bytesToNumberLE(bytes);
    bytes.fill(0);
    if (scalar !== 0n) return scalar;
  }
}

/** §8.3 G.scalar_mult: y·g, publicly encoded. */
export const scalarMult = (y: bigint, g: GroupElement): Uint8Array => g.multiply(y).toBytes();

/**
 * §8.3 G.scalar_mult_vfy: decode X (RFC 9496 §4.3.1, which rejects wrong lengths and
 * non-canonical encodings) and return encode(y·X); G.I if decoding fails. The caller MUST
 * abort when the result is G.I (§7.2), which also covers X being the identity.
 */
export function scalarMultVfy(y: bigint, encoded: Uint8Array): Uint8Array {
  let element: GroupElement;
  try {
    element = ristretto255.Point.fromBytes(encoded);
  } catch {
    return IDENTITY;
  }
  return element.multiply(y).toBytes();
}

/** §6.3, A.3.4: the transcript when the roles are fixed (initiator A's message first). */
export const transcriptIr = (
  ya: Uint8Array,
  ada: Uint8Array,
  yb: Uint8Array,
  adb: Uint8Array,
): Uint8Array => concatBytes(lvCat(ya, ada), lvCat(yb, adb));

/** §7.2: ISK = H.hash(lv_cat(G.DSI || "_ISK", sid, K) || transcript). */
export const deriveIsk = (sid: Uint8Array, k: Uint8Array, transcript: Uint8Array): Uint8Array =>
  sha512(concatBytes(lvCat(concatBytes(DSI, utf8('_ISK')), sid, k), transcript));
