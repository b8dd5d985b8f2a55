import { PeerbeamError } from './errors.js';

/** The signaling URL a person may configure: ws:// for local use, wss:// in production. */
export function validateSignalingUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    throw new PeerbeamError('BAD_REQUEST', `not a URL: ${url}`);
  }
  if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') {
    throw new PeerbeamError('BAD_REQUEST', 'the signaling URL must start with ws:// or wss://');
  }
  return parsed.href;
}
