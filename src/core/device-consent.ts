/**
 * What a paired device may start on this one ("nothing arrives unasked", DESIGN.md). Being
 * paired lets a device reach this one without a code; it does not let it act for the person:
 *
 * - Only the intents the app itself sends over a device line are accepted: a chat (the
 *   device list's Connect) and files (send to a device, which still waits for Accept). The
 *   app shares tabs by code only, so a `connect` for a tab is refused: nothing may open a
 *   viewer tab without a click.
 * - An incoming request never ends a session that is running: the answer is busy. The one
 *   exception is the device whose own session over its line is the running one: asking for a
 *   new session, it already ended its side of the old one, so nothing of anyone else ends.
 * - Each device has a rate; over it, it is refused with a reason it can show.
 */
import type { ByeReason, SessionKind } from './peer-signal.js';

/** The kinds the app sends in `connect` (main.ts connectPaired callers). */
export const PAIRED_CONNECT_KINDS: readonly SessionKind[] = ['chat', 'files'];

/** Why a paired device's request was refused; travels back to it in `bye` / `link-ack`. */
export type ConnectRefusal = Exclude<ByeReason, 'CONNECTION_FAILED'>;

export type ConnectDecision = { action: 'accept' } | { action: 'refuse'; reason: ConnectRefusal };

export interface ConnectRequest {
  kind: SessionKind;
  /** The paired device that asks. */
  deviceId: string;
  /** The device is within its connect rate (it spent a token on this request). */
  withinRate: boolean;
  /** The session this device runs now, unless none runs or it is over. */
  running: { pairedWith: string | undefined } | undefined;
}

export function decideConnect(request: ConnectRequest): ConnectDecision {
  if (!request.withinRate) return { action: 'refuse', reason: 'RATE_LIMITED' };
  if (!PAIRED_CONNECT_KINDS.includes(request.kind)) return { action: 'refuse', reason: 'REFUSED' };
  if (request.running && request.running.pairedWith !== request.deviceId) {
    return { action: 'refuse', reason: 'BUSY' };
  }
  return { action: 'accept' };
}

export type LinkDecision = { action: 'accept' } | { action: 'refuse'; reason: 'RATE_LIMITED' };

export function decideLink({ withinRate }: { withinRate: boolean }): LinkDecision {
  return withinRate ? { action: 'accept' } : { action: 'refuse', reason: 'RATE_LIMITED' };
}

/** Connects: a few clicks in a row are fine; a loop is not. */
export const CONNECT_RATE = { burst: 5, refillMs: 10_000 };
/** Links: a handful at once (each may notify), then one every 12 s. */
export const LINK_RATE = { burst: 5, refillMs: 12_000 };
