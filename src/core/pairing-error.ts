/**
 * Failures of the pairing crypto, each with a stable code:
 * - CODE_MISMATCH: key confirmation failed (wrong words, or another nameplate or version).
 * - INVALID_MESSAGE: a peer message is malformed (wrong length, not a group element, identity).
 * - ENVELOPE_REJECTED: a sealed frame failed authentication or arrived out of sequence; the
 *   channel is closed for good afterwards.
 * - OUT_OF_ORDER: a handshake step was called twice, out of turn or after a failure.
 * - INVALID_INPUT: the caller passed options the protocol cannot use.
 */
export type PairingErrorCode =
  'CODE_MISMATCH' | 'INVALID_MESSAGE' | 'ENVELOPE_REJECTED' | 'OUT_OF_ORDER' | 'INVALID_INPUT';

export class PairingError extends Error {
  constructor(
    readonly code: PairingErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'PairingError';
  }
}
