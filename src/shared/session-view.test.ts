import { describe, expect, it } from 'vitest';
import { StartedSessionView, newerView, type SessionView } from './session-view.js';

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

describe('the send page shows the session it started, whatever arrives first', () => {
  const withCode = (id: string, revision: number): SessionView => ({
    ...view(id, revision),
    role: 'send',
    step: 'waiting-for-peer',
    code: '7-apple-river',
  });

  it('a code announced before the start call answers is still shown', () => {
    const started = new StartedSessionView();
    started.starting();
    expect(started.changed(withCode('s1', 2))).toBeNull();
    expect(started.started(view('s1', 0))).toEqual(withCode('s1', 2));
  });

  it('events after the answer update the view; older ones do not undo it', () => {
    const started = new StartedSessionView();
    started.starting();
    started.started(view('s1', 1));
    expect(started.changed(withCode('s1', 2))).toEqual(withCode('s1', 2));
    expect(started.changed(view('s1', 1))).toEqual(withCode('s1', 2));
  });

  it('events of other sessions are never shown', () => {
    const started = new StartedSessionView();
    expect(started.changed(withCode('other', 5))).toBeNull();
    started.starting();
    started.changed(withCode('other', 6));
    expect(started.started(view('s1', 0))).toEqual(view('s1', 0));
    expect(started.changed(withCode('other', 7))).toEqual(view('s1', 0));
  });

  it('after a reset nothing is shown until the next start', () => {
    const started = new StartedSessionView();
    started.starting();
    started.started(view('s1', 0));
    started.reset();
    expect(started.changed(view('s1', 1))).toBeNull();
  });
});
