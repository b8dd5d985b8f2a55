/**
 * Links sent between paired devices. Only http: and https: travel or open; everything else
 * (javascript:, data:, file:, chrome:, malformed) is refused with a reason the sender can
 * show, and ignored by a receiver that gets it anyway.
 */
export const MAX_URL_CHARS = 8_192;
export const MAX_TITLE_CHARS = 300;
/** A queued link waits this long for its device to come online, then expires. */
export const LINK_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export type LinkRefusal = 'NOT_A_URL' | 'SCHEME_NOT_ALLOWED' | 'TOO_LONG' | 'HAS_CREDENTIALS';

export type CheckedLink =
  { ok: true; url: string; title: string } | { ok: false; reason: LinkRefusal };

const BIDI_AND_CONTROL =
  // Control and bidi characters are exactly what this strips.
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function checkLink(rawUrl: string, rawTitle = ''): CheckedLink {
  if (rawUrl.length > MAX_URL_CHARS) return { ok: false, reason: 'TOO_LONG' };
  let url: URL;
  try {
    url = new URL(rawUrl.trim());
  } catch {
    return { ok: false, reason: 'NOT_A_URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, reason: 'SCHEME_NOT_ALLOWED' };
  }
  // user:password@ in a link is a classic way to disguise where it really goes.
  if (url.username || url.password) return { ok: false, reason: 'HAS_CREDENTIALS' };
  if (url.href.length > MAX_URL_CHARS) return { ok: false, reason: 'TOO_LONG' };
  const title = rawTitle.replace(BIDI_AND_CONTROL, '').trim().slice(0, MAX_TITLE_CHARS);
  return { ok: true, url: url.href, title };
}

/** What the notification shows: the title, or else the host. */
export function linkLabel(url: string, title: string): string {
  if (title) return title;
  try {
    return new URL(url).host;
  } catch {
    return url.slice(0, 80);
  }
}

export interface QueuedLink {
  id: string;
  deviceId: string;
  url: string;
  title: string;
  queuedAt: number;
}

/** Splits an outbox into links still worth delivering and expired ones. */
export function partitionOutbox(
  queue: readonly QueuedLink[],
  now: number,
): { live: QueuedLink[]; expired: QueuedLink[] } {
  const live: QueuedLink[] = [];
  const expired: QueuedLink[] = [];
  for (const item of queue) (now - item.queuedAt > LINK_TTL_MS ? expired : live).push(item);
  return { live, expired };
}
