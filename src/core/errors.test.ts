import { describe, expect, it } from 'vitest';
import { PeerbeamError, toErrorData } from './errors.js';

describe('errors cross contexts as data', () => {
  it('keeps the stable code of a PeerbeamError', () => {
    expect(toErrorData(new PeerbeamError('CODE_MISMATCH', 'the code did not match'))).toEqual({
      code: 'CODE_MISMATCH',
      message: 'the code did not match',
    });
  });

  it('accepts error-shaped data that came back from another context', () => {
    expect(toErrorData({ code: 'PEER_LEFT', message: 'gone' })).toEqual({
      code: 'PEER_LEFT',
      message: 'gone',
    });
  });

  it('turns unknown failures into INTERNAL with their text', () => {
    expect(toErrorData(new TypeError('boom'))).toEqual({ code: 'INTERNAL', message: 'boom' });
    expect(toErrorData({ code: 'NOT_A_CODE', message: 'x' }).code).toBe('INTERNAL');
    expect(toErrorData('plain')).toEqual({ code: 'INTERNAL', message: 'plain' });
  });
});
