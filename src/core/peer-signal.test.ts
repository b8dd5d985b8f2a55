import { describe, expect, it } from 'vitest';
import { decodePeerSignal } from './peer-signal.js';

describe('peer signals are checked before use', () => {
  it('accepts an offer, a candidate and bye', () => {
    expect(
      decodePeerSignal({ t: 'description', description: { type: 'offer', sdp: 'v=0' } }),
    ).toBeDefined();
    expect(
      decodePeerSignal({
        t: 'candidate',
        candidate: {
          candidate: 'candidate:1 1 udp 1 127.0.0.1 5000 typ host',
          sdpMid: '0',
          sdpMLineIndex: 0,
        },
      }),
    ).toBeDefined();
    // A session id left out means the link belongs to this one session.
    expect(decodePeerSignal({ t: 'bye' })).toEqual({ t: 'bye', sid: '' });
  });

  it.each([
    ['unknown kind', { t: 'exec', cmd: 'rm' }],
    [
      'rollback is not a negotiation step we use',
      { t: 'description', description: { type: 'rollback', sdp: 'x' } },
    ],
    ['empty sdp', { t: 'description', description: { type: 'answer', sdp: '' } }],
    [
      'oversized sdp',
      { t: 'description', description: { type: 'offer', sdp: 'x'.repeat(40_000) } },
    ],
    ['extra fields', { t: 'bye', extra: 1 }],
    ['not an object', 'bye'],
  ])('rejects %s', (_name, value) => {
    expect(decodePeerSignal(value)).toBeUndefined();
  });
});

describe('a paired device learns why it was refused', () => {
  it('bye carries busy, rate-limited or refused for a connect this device turned down', () => {
    for (const reason of ['BUSY', 'RATE_LIMITED', 'REFUSED'] as const)
      expect(decodePeerSignal({ t: 'bye', sid: 's1', reason })).toEqual({
        t: 'bye',
        sid: 's1',
        reason,
      });
    expect(decodePeerSignal({ t: 'bye', sid: 's1', reason: 'GO_AWAY' })).toBeUndefined();
  });

  it('link-ack may refuse a link with a reason, and only a known one', () => {
    expect(decodePeerSignal({ t: 'link-ack', id: 'l1', refused: 'RATE_LIMITED' })).toEqual({
      t: 'link-ack',
      id: 'l1',
      refused: 'RATE_LIMITED',
    });
    expect(decodePeerSignal({ t: 'link-ack', id: 'l1' })).toEqual({ t: 'link-ack', id: 'l1' });
    expect(decodePeerSignal({ t: 'link-ack', id: 'l1', refused: 'NOPE' })).toBeUndefined();
  });
});
