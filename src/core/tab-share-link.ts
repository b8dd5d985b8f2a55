/**
 * The stable link of a tab share (PROTOCOL.md "Tab share", "One link for many viewers"): a
 * random secret of 128 bits in the fragment of the signaling service's /watch page
 * (`/watch#s=<secret>`, never sent to a server). The sharer waits in a mailbox derived from
 * it, one way, so the server, which sees the mailbox id, learns nothing about the secret; a
 * viewer that opens the link meets the sharer there and both run the PAKE with the secret as
 * password. Then both move to a mailbox of their own, derived from that PAKE's session key,
 * so the link's mailbox is free at once for the next viewer.
 */
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import {
  fromBase64Url,
  secureRandom,
  takeRandom,
  toBase64Url,
  toHex,
  utf8,
  type RandomBytes,
} from './bytes.js';
import { watchLink } from './tab-links.js';

/** 128 bits: far beyond online guessing, and short enough for a small QR code. */
export const LINK_SECRET_BYTES = 16;
const SESSION_KEY_BYTES = 32;

export function newLinkSecret(random: RandomBytes = secureRandom): string {
  return toBase64Url(takeRandom(random, LINK_SECRET_BYTES));
}

/** Whether `text` is a link secret exactly as newLinkSecret writes one. */
export function isLinkSecret(text: string): boolean {
  return fromBase64Url(text)?.length === LINK_SECRET_BYTES;
}

/** `#s=<secret>` → the secret; anything else (an old `#<code>` link) → undefined. */
export function linkSecretFromFragment(hash: string): string | undefined {
  const secret = new URLSearchParams(hash.replace(/^#/, '')).get('s');
  return secret !== null && isLinkSecret(secret) ? secret : undefined;
}

/** The share's /watch link, or undefined where no code link is offered either (tab-links.ts). */
export function shareLinkUrl(signalingUrl: string, secret: string): string | undefined {
  const page = watchLink(signalingUrl, 'x');
  if (!page) return undefined;
  const url = new URL(page);
  url.hash = `s=${secret}`;
  return url.href;
}

/** Where the sharer waits for the link's next viewer: 64 hex characters (MAILBOX_ID_PATTERN). */
export function linkMailboxId(secret: string): string {
  return toHex(derive(secretBytes(secret), 'peerbeam tab link mailbox'));
}

/**
 * After the PAKE in the link's mailbox, the viewer's own mailbox and password, from the
 * session key: only these two sides know it, and it differs for every viewer.
 */
export function linkViewerMeeting(sessionKey: Uint8Array): { mailbox: string; password: string } {
  if (!(sessionKey instanceof Uint8Array) || sessionKey.length !== SESSION_KEY_BYTES) {
    throw new RangeError(`expected a ${SESSION_KEY_BYTES}-byte session key`);
  }
  return {
    mailbox: toHex(derive(sessionKey, 'peerbeam tab link viewer mailbox')),
    password: toHex(derive(sessionKey, 'peerbeam tab link viewer password')),
  };
}

function secretBytes(secret: string): Uint8Array {
  const bytes = fromBase64Url(secret);
  if (bytes?.length !== LINK_SECRET_BYTES) throw new RangeError('not a link secret');
  return bytes;
}

function derive(key: Uint8Array, label: string): Uint8Array {
  return hkdf(sha256, key, undefined, utf8(label), 32);
}
