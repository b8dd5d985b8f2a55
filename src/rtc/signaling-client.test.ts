import { describe, expect, it } from 'vitest';
import { CloseCode, CLOSE_REASONS } from '../core/protocol.js';
import { closeToError } from './signaling-client.js';

describe('errors name the real cause', () => {
  it('an expired code is not "the signaling service refused the session"', () => {
    const error = closeToError(CloseCode.MAILBOX_EXPIRED, CLOSE_REASONS[CloseCode.MAILBOX_EXPIRED]);
    expect(error.code).toBe('CODE_EXPIRED');
  });

  it.each([
    [CloseCode.PROTOCOL_MISMATCH, 'PROTOCOL_MISMATCH'],
    [CloseCode.RATE_LIMITED, 'SIGNALING_REJECTED'],
    [1006, 'SIGNALING_CLOSED'],
  ])('close code %i is %s', (code, expected) => {
    expect(closeToError(code, '').code).toBe(expected);
  });
});
