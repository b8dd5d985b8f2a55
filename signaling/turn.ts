/**
 * Short-lived TURN credentials in the form coturn checks with `use-auth-secret` (the "TURN REST
 * API", draft-uberti-behave-turn-rest-00 §2.2): username `<unix expiry>:<id>`, password
 * base64(HMAC-SHA1(secret, username)). coturn recomputes the HMAC, so nothing is shared but the
 * secret, and a leaked credential dies at its expiry.
 */
import { createHmac } from 'node:crypto';
import type { IceServer, ServerFrame } from '../src/core/protocol.js';
import type { TurnConfig } from './config.js';

export interface TurnCredentials {
  readonly username: string;
  readonly credential: string;
  /** Unix time in seconds. */
  readonly expiresAt: number;
}

/** `id` names the holder in coturn's logs; ':' is coturn's separator, so it may not appear. */
const ID_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

export function mintTurnCredentials(
  secret: string,
  ttlSeconds: number,
  nowMs: number,
  id: string,
): TurnCredentials {
  if (!ID_PATTERN.test(id)) throw new Error('TURN credential id must match ' + String(ID_PATTERN));
  const expiresAt = Math.floor(nowMs / 1000) + ttlSeconds;
  const username = `${expiresAt}:${id}`;
  const credential = createHmac('sha1', secret).update(username).digest('base64');
  return { username, credential, expiresAt };
}

/** The ICE server entry a paired client gets: every TURN URL with one fresh credential. */
export function turnIceServer(turn: TurnConfig, nowMs: number, id: string): IceServer {
  const { username, credential } = mintTurnCredentials(turn.secret, turn.ttlSeconds, nowMs, id);
  return { urls: [...turn.urls], username, credential };
}

/** The `paired` frame: the STUN servers, and TURN with a fresh credential when `granted`; where
 * TURN is configured but not granted, it says so (`turn: 'withheld'`) instead of failing late. */
export function pairedWith(
  iceServers: readonly IceServer[],
  turn: TurnConfig | null,
  granted: boolean,
  nowMs: number,
  id: string,
): Extract<ServerFrame, { type: 'paired' }> {
  if (!turn) return { type: 'paired', iceServers: [...iceServers] };
  if (!granted) return { type: 'paired', iceServers: [...iceServers], turn: 'withheld' };
  return { type: 'paired', iceServers: [...iceServers, turnIceServer(turn, nowMs, id)] };
}
