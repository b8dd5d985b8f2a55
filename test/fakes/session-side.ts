import { Session, type SessionOptions } from '../../src/engine/session.js';
import type { SessionView } from '../../src/engine/views.js';
import { untilView } from './until-view.js';

/**
 * One side of a session for unit tests, with every view it showed, the finished transfers and
 * what it saved; `until` waits (up to `untilMs`) for a view that passes a test.
 */
export function sessionSide(
  options: Omit<SessionOptions, 'onChange' | 'onTabOffered' | 'saveFile' | 'signalingUrl'>,
  untilMs = 3_000,
) {
  const views: SessionView[] = [];
  const ended: SessionView[] = [];
  const saved: { path: string; bytes: Uint8Array }[] = [];
  const session = new Session({
    ...options,
    onTabOffered: () => Promise.reject(new Error('no tab in this test')),
    saveFile: async (file, path) => {
      saved.push({ path, bytes: new Uint8Array(await file.arrayBuffer()) });
    },
    signalingUrl: () => 'ws://127.0.0.1:1/ws',
    onChange: (view) => views.push(view),
    onTransferEnd: (view) => ended.push(view),
  });
  const until = untilView(() => session.snapshot(), untilMs);
  return { session, views, ended, saved, until };
}
