import { describe, expect, it } from 'vitest';
import { pairedMailboxId } from './pairing.js';
import { MAILBOX_ID_PATTERN } from './protocol.js';
import { codeFromFragment } from './tab-links.js';
import {
  isLinkSecret,
  LINK_SECRET_BYTES,
  linkMailboxId,
  linkSecretFromFragment,
  linkViewerMeeting,
  newLinkSecret,
  shareLinkUrl,
} from './tab-share-link.js';

describe('the stable link of a tab share', () => {
  it('carries a secret of at least 128 bits from the system random source', () => {
    expect(LINK_SECRET_BYTES * 8).toBeGreaterThanOrEqual(128);
    const secret = newLinkSecret();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(isLinkSecret(secret)).toBe(true);
    expect(newLinkSecret()).not.toBe(secret);
  });

  it('puts the secret in the fragment of the /watch page, which never reaches the server', () => {
    const secret = newLinkSecret(() => new Uint8Array(16).fill(7));
    expect(shareLinkUrl('wss://signal.example.org/ws', secret)).toBe(
      `https://signal.example.org/watch#s=${secret}`,
    );
    expect(shareLinkUrl('ws://signal.example.org/ws', secret)).toBeUndefined();
  });

  it('reads the secret back from the fragment, and nothing else', () => {
    const secret = newLinkSecret();
    expect(linkSecretFromFragment(`#s=${secret}`)).toBe(secret);
    expect(linkSecretFromFragment(`s=${secret}`)).toBe(secret);
    expect(linkSecretFromFragment('#s=short')).toBeUndefined();
    expect(linkSecretFromFragment(`#s=${secret}A`)).toBeUndefined();
    expect(linkSecretFromFragment('#7-apple-river')).toBeUndefined();
    expect(linkSecretFromFragment('')).toBeUndefined();
  });

  it('keeps old code links working: a link fragment is not read as a code', () => {
    expect(codeFromFragment(`#s=${newLinkSecret()}`)).toBeUndefined();
    expect(codeFromFragment('#7-apple-river')).toBe('7-apple-river');
  });

  it('derives the mailbox one way, with its own label, the same on both sides', () => {
    const bytes = new Uint8Array(16).fill(1);
    const secret = newLinkSecret(() => bytes);
    const mailbox = linkMailboxId(secret);
    expect(mailbox).toMatch(MAILBOX_ID_PATTERN);
    expect(linkMailboxId(secret)).toBe(mailbox);
    expect(mailbox).not.toContain(Buffer.from(bytes).toString('hex'));
    expect(linkMailboxId(newLinkSecret())).not.toBe(mailbox);
    const padded = new Uint8Array(32);
    padded.set(bytes);
    expect(mailbox).not.toBe(pairedMailboxId(padded));
    expect(() => linkMailboxId('not-a-secret')).toThrow(RangeError);
  });

  it('gives every viewer its own mailbox after the PAKE, from the session key', () => {
    const a = linkViewerMeeting(new Uint8Array(32).fill(2));
    const b = linkViewerMeeting(new Uint8Array(32).fill(3));
    expect(a.mailbox).toMatch(MAILBOX_ID_PATTERN);
    expect(a.mailbox).not.toBe(b.mailbox);
    expect(a.password).not.toBe(a.mailbox);
    expect(linkViewerMeeting(new Uint8Array(32).fill(2))).toEqual(a);
    expect(() => linkViewerMeeting(new Uint8Array(16))).toThrow(RangeError);
  });
});
