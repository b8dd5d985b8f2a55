import { describe, expect, it } from 'vitest';
import { newerView, type SessionView } from './session-view.js';

const view = (id: string, revision: number): SessionView => ({
  id,
  revision,
  role: 'receive',
  step: 'connecting',
  messages: [],
});

describe('the popup never shows an older state of a session', () => {
  it('keeps a newer event when a late answer of the same session arrives', () => {
    expect(newerView(view('s1', 3), view('s1', 0))).toEqual(view('s1', 3));
  });
  it('takes a newer revision', () => {
    expect(newerView(view('s1', 1), view('s1', 2))).toEqual(view('s1', 2));
  });
  it('replaces the view when another session starts', () => {
    expect(newerView(view('s1', 9), view('s2', 0))).toEqual(view('s2', 0));
    expect(newerView(null, view('s2', 0))).toEqual(view('s2', 0));
  });
});
