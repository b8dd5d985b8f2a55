import { describe, expect, it } from 'vitest';
import { mintTurnCredentials, pairedWith, turnIceServer } from './turn.js';

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

describe('pairedWith', () => {
  const stun = [{ urls: ['stun:stun.example:3478'] }];
  const turn = {
    urls: ['turn:turn.example:3478'],
    secret: 'correct-horse-battery',
    ttlSeconds: 3600,
  };

  it('hands out the STUN servers alone where no TURN is configured', () => {
    expect(pairedWith(stun, null, false, 0, 'peer1')).toEqual({ type: 'paired', iceServers: stun });
  });

  it('adds a fresh TURN credential after the STUN servers when granted', () => {
    expect(pairedWith(stun, turn, true, 1_700_000_000_000, 'peer1')).toEqual({
      type: 'paired',
      iceServers: [...stun, turnIceServer(turn, 1_700_000_000_000, 'peer1')],
    });
  });

  it('says TURN was withheld, with STUN only, when it is configured but not granted', () => {
    expect(pairedWith(stun, turn, false, 0, 'peer1')).toEqual({
      type: 'paired',
      iceServers: stun,
      turn: 'withheld',
    });
  });
});
