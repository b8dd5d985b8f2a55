import { cleanDeviceName } from './device-name.js';
import { PeerbeamError } from './errors.js';
import { MAX_DEVICE_NAME_CHARS } from './peer-signal.js';

/** The signaling URL a person may configure: ws:// for local use, wss:// in production. */
export function validateSignalingUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    throw new PeerbeamError('SIGNALING_URL_INVALID', `not a URL: ${url}`);
  }
  if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') {
    throw new PeerbeamError(
      'SIGNALING_URL_INVALID',
      'the signaling URL must start with ws:// or wss://',
    );
  }
  return parsed.href;
}

/** A device name as peers will see it (cleaned as theirs are on arrival), not too long. */
export function validateDeviceName(name: string): string {
  const cleaned = cleanDeviceName(name);
  if (!cleaned) throw new PeerbeamError('DEVICE_NAME_INVALID', 'the device name is empty');
  if (cleaned.length > MAX_DEVICE_NAME_CHARS) {
    throw new PeerbeamError(
      'DEVICE_NAME_INVALID',
      `the device name is longer than ${MAX_DEVICE_NAME_CHARS} characters`,
    );
  }
  return cleaned;
}
