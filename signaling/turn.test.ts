import { describe, expect, it } from 'vitest';
import { mintTurnCredentials, turnIceServer } from './turn.js';

describe('mintTurnCredentials', () => {
  it('matches an HMAC-SHA1 computed independently (openssl dgst -sha1 -hmac)', () => {
    const nowMs = 1_700_000_000_000;
    const minted = mintTurnCredentials('correct-horse-battery', 3600, nowMs, 'peer1');
    expect(minted).toEqual({
      username: '1700003600:peer1',
      credential: 'MZI6ydyPAEj/LcNeWRZvfJk+OxY=',
      expiresAt: 1_700_003_600,
    });
  });

  it('puts the expiry in whole unix seconds, ttl after now', () => {
    const minted = mintTurnCredentials('s'.repeat(16), 60, 1_000_999, 'x');
    expect(minted.expiresAt).toBe(1000 + 60);
    expect(minted.username).toBe('1060:x');
  });

  it("refuses an id containing coturn's ':' separator", () => {
    expect(() => mintTurnCredentials('s'.repeat(16), 60, 0, 'a:b')).toThrow(/id/);
  });
});

describe('turnIceServer', () => {
  it('lists every TURN URL with one credential for the holder', () => {
    const turn = {
      urls: ['turn:t.example:3478', 'turns:t.example:5349'],
      secret: 'k'.repeat(16),
      ttlSeconds: 10,
    };
    const server = turnIceServer(turn, 0, 'abc');
    expect(server.urls).toEqual(turn.urls);
    expect(server.username).toBe('10:abc');
    expect(server.credential).toBe(mintTurnCredentials(turn.secret, 10, 0, 'abc').credential);
  });
});
