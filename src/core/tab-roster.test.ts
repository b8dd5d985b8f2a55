import { describe, expect, it } from 'vitest';
import { TabRoster } from './tab-roster.js';

describe('several viewers: one one-time code per viewer', () => {
  it('offers one code at a time, and the next as soon as a viewer claims it', () => {
    const roster = new TabRoster();
    expect(roster.wantsOffer).toBe(true);
    roster.offering('a');
    expect(roster.wantsOffer).toBe(false);
    roster.codeShown('a', '7-apple-river');
    expect(roster.snapshot().code).toBe('7-apple-river');

    roster.claimed('a');
    expect(roster.snapshot()).toMatchObject({ viewers: [{ id: 'a', stage: 'joining' }] });
    expect(roster.snapshot().code).toBeUndefined();
    expect(roster.wantsOffer).toBe(true);
  });

  it('counts only viewers whose media connection is up as watching', () => {
    const roster = new TabRoster();
    for (const id of ['a', 'b']) {
      roster.offering(id);
      roster.claimed(id);
    }
    roster.watching('a', { path: 'direct', local: 'host', remote: 'host' });
    roster.named('a', 'Laptop');
    const snapshot = roster.snapshot();
    expect(snapshot.watching).toBe(1);
    expect(snapshot.viewers.find((v) => v.id === 'a')).toEqual({
      id: 'a',
      name: 'Laptop',
      stage: 'watching',
      path: 'direct',
      candidates: 'host → host',
    });
  });

  it('a viewer leaving removes only that viewer', () => {
    const roster = new TabRoster();
    for (const id of ['a', 'b']) {
      roster.offering(id);
      roster.claimed(id);
      roster.watching(id);
    }
    expect(roster.left('a')).toBe(true);
    expect(roster.left('a')).toBe(false);
    expect(roster.snapshot().viewers.map((v) => v.id)).toEqual(['b']);
    expect(roster.snapshot().watching).toBe(1);
  });

  it('stops offering codes when full, and offers again when a seat frees up', () => {
    const roster = new TabRoster(2);
    for (const id of ['a', 'b']) {
      roster.offering(id);
      roster.claimed(id);
    }
    expect(roster.wantsOffer).toBe(false);
    expect(roster.snapshot().full).toBe(true);
    expect(() => roster.offering('c')).toThrow();
    roster.left('b');
    expect(roster.wantsOffer).toBe(true);
    expect(roster.snapshot().full).toBe(false);
  });

  it('an offer that fails before it is claimed frees the slot for a new code', () => {
    const roster = new TabRoster();
    roster.offering('a');
    roster.codeShown('a', '3-zoo-zoo');
    roster.offerFailed('a');
    expect(roster.wantsOffer).toBe(true);
    expect(roster.snapshot()).toEqual({ viewers: [], watching: 0, full: false });
  });

  it('ignores events for an offer that is no longer current', () => {
    const roster = new TabRoster();
    roster.offering('a');
    roster.offerFailed('a');
    roster.offering('b');
    roster.codeShown('a', '1-old-code');
    roster.claimed('a');
    expect(roster.snapshot().code).toBeUndefined();
    expect(roster.snapshot().viewers).toEqual([]);
    expect(roster.wantsOffer).toBe(false);
  });
});
