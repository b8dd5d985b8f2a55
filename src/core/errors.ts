/**
 * Stable error codes shared by every context. Errors cross context boundaries as data
 * ({ code, message }), never as bare strings, so the popup can explain them in the user's
 * language (each code has an `error_<CODE>` entry in _locales).
 */
export const ERROR_CODES = [
  'BAD_REQUEST',
  'INTERNAL',
  'CODE_INVALID',
  'CODE_MISMATCH',
  'NO_SUCH_CODE',
  'CODE_IN_USE',
  'SIGNALING_UNREACHABLE',
  'SIGNALING_CLOSED',
  'SIGNALING_REJECTED',
  'PROTOCOL_MISMATCH',
  'TAMPERED',
  'PEER_LEFT',
  'CONNECTION_FAILED',
  'TIMEOUT',
  'NO_SESSION',
  'CANCELLED',
  'DECLINED',
  'INTEGRITY',
  'SAVE_FAILED',
  'LINK_REFUSED',
  'OFFER_TOO_LARGE',
  'CODE_EXPIRED',
  'TOO_MANY_ATTEMPTS',
  /** A paired device turned down a session: one is running there (message: its name). */
  'PEER_BUSY',
  /** A paired device turned down a session or link: this device asked too often. */
  'PEER_RATE_LIMITED',
  /** A paired device turned down a session of a kind it does not accept that way. */
  'PEER_REFUSED',
  /** Share a tab: no tab is active (e.g. only a devtools window has focus). */
  'NO_TAB',
  /** Share a tab: the active tab is a browser page (chrome://, the Web Store …). */
  'TAB_NOT_SHAREABLE',
  /** Watch: the code was for files or chat, not for a shared tab. */
  'NOT_A_TAB',
  /** Tab capture refused: the extension was not invoked on that tab (activeTab), or no grant. */
  'TAB_CAPTURE_DENIED',
  /** Tab capture: the tab is gone (closed, or no such tab). */
  'TAB_GONE',
  /** Tab capture: the tab is already captured (by Peerbeam or another extension). */
  'TAB_ALREADY_CAPTURED',
  /** Tab capture failed for another reason the platform gave (message: its text). */
  'TAB_CAPTURE_FAILED',
  /** Share a tab: this browser gives extensions no tab capture (Firefox has no tabCapture). */
  'TAB_SHARE_UNSUPPORTED',
  /** The paired device asked for is not (or no longer) paired. */
  'NO_SUCH_DEVICE',
  /** The engine's host (the offscreen document) stopped while a page waited for an answer. */
  'HOST_GONE',
  /** The send page's files never reached the engine. */
  'FILES_NOT_RECEIVED',
  /** Settings: the signaling URL is not a ws:// or wss:// URL (message: why). */
  'SIGNALING_URL_INVALID',
  /** Settings: the device name is empty or too long (message: why). */
  'DEVICE_NAME_INVALID',
  /** Receive: the offer is larger than this browser can keep for it (message: the room). */
  'NO_ROOM',
  /** The receiver refused the offer: its browser has room for less (message: how much). */
  'PEER_NO_ROOM',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorData {
  code: ErrorCode;
  message: string;
}

export class PeerbeamError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'PeerbeamError';
  }

  toData(): ErrorData {
    return { code: this.code, message: this.message };
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

/** Turns anything thrown into ErrorData; unknown failures become INTERNAL with their text. */
export function toErrorData(error: unknown): ErrorData {
  if (error instanceof PeerbeamError) return error.toData();
  if (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    isErrorCode(error.code) &&
    'message' in error &&
    typeof error.message === 'string'
  ) {
    return { code: error.code, message: error.message };
  }
  return { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
}
