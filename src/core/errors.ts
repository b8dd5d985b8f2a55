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
  /** A paired device turned down a session: one is running there (message: its name). */
  'PEER_BUSY',
  /** A paired device turned down a session or link: this device asked too often. */
  'PEER_RATE_LIMITED',
  /** A paired device turned down a session of a kind it does not accept that way. */
  'PEER_REFUSED',
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
