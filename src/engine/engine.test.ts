import { describe, expect, it, vi } from 'vitest';
import { PeerbeamError } from '../core/errors.js';
import { FakePlatform, TEST_SETTINGS } from '../../test/fakes/platform.js';
import { Engine } from './engine.js';

/** An engine whose host is a fake: no extension API, no IndexedDB. */
function engineWithFakeHost() {
  const platform = new FakePlatform();
  const engine = new Engine(platform, { identity: async () => ({ publicKey: 'test-key' }) });
  engine.configure({ settings: TEST_SETTINGS });
  return { platform, engine };
}

const until = async (test: () => boolean, what: string) => {
  const deadline = Date.now() + 3_000;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`never ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

/** The code a synchronous ask was refused with (none: it was not refused). */
function refusedWith(ask: () => unknown): string | undefined {
  try {
    ask();
  } catch (error) {
    return error instanceof PeerbeamError ? error.code : String(error);
  }
  return undefined;
}

const share = { streamId: 'stream-1', tabId: 7, title: 'Docs', quality: '720p' as const };

describe('the engine runs on what its host gives it (platform.ts)', () => {
  it('shares a tab the host captured, and keeps the host awake until Stop', async () => {
    const { platform, engine } = engineWithFakeHost();
    const view = await engine.startTabShare(share);
    expect(platform.captures).toEqual([{ streamId: 'stream-1', tabId: 7, quality: '720p' }]);
    expect(view).toMatchObject({ step: 'live', tabId: 7, title: 'Docs', quality: '720p' });
    expect(platform.streams[0]!.video.contentHint).toBe('detail');
    expect(platform.awake).toBe(1);

    engine.stopTabShare();
    expect(platform.lastTabShare).toMatchObject({ step: 'ended', ended: 'stopped' });
    expect(platform.streams[0]!.video.stopped).toBe(true);
    expect(platform.awake).toBe(0);
    expect(engine.getTabShare()?.step).toBe('ended');
  });

  it('the shared tab closing ends the share (tab-closed); another tab closing does not', async () => {
    const { platform, engine } = engineWithFakeHost();
    await engine.startTabShare(share);
    engine.tabGone({ tabId: 8, reason: 'closed' });
    expect(engine.getTabShare()?.step).toBe('live');
    engine.tabGone({ tabId: 7, reason: 'closed' });
    expect(platform.lastTabShare).toMatchObject({ step: 'ended', ended: 'tab-closed' });
    expect(platform.awake).toBe(0);
  });

  it('the capture ending (the browser revoked it) ends the share for everyone', async () => {
    const { platform, engine } = engineWithFakeHost();
    await engine.startTabShare(share);
    platform.streams[0]!.video.end();
    expect(platform.lastTabShare).toMatchObject({ step: 'ended', ended: 'capture-ended' });
    expect(platform.awake).toBe(0);
  });

  it('a session holds the host awake until it is over, and says why it failed', async () => {
    const { platform, engine } = engineWithFakeHost();
    const started = await engine.startSend();
    expect(started.role).toBe('send');
    expect(platform.holds.map(({ reason }) => reason)).toEqual(['session']);
    await until(() => engine.getSession()?.step === 'failed', 'failed');
    expect(engine.getSession()?.error?.code).toBe('SIGNALING_UNREACHABLE');
    expect(platform.recorded.sessionChanged.at(-1)?.step).toBe('failed');
    expect(platform.awake).toBe(0);
  });

  it('a new session closes the one before, which lets go of its hold', async () => {
    const { platform, engine } = engineWithFakeHost();
    const first = await engine.startReceive({ code: '7-apple-river' });
    const second = await engine.startSend();
    expect(second.id).not.toBe(first.id);
    expect(engine.getSession()?.id).toBe(second.id);
    await until(() => platform.awake === 0, 'let go');
    expect(platform.holds.every(({ released }) => released)).toBe(true);
  });

  it('asks without a session are refused with NO_SESSION', async () => {
    const { engine } = engineWithFakeHost();
    expect(engine.getSession()).toBeNull();
    for (const ask of [
      () => engine.acceptFiles(),
      () => engine.declineFiles(),
      () => engine.cancelTransfer(),
      () => engine.sendText({ text: 'hi' }),
    ]) {
      expect(refusedWith(ask)).toBe('NO_SESSION');
    }
    await expect(engine.rememberPeer()).rejects.toMatchObject({ code: 'NO_SESSION' });
    expect(refusedWith(() => engine.closeSession())).toBeUndefined();
  });

  it('a viewer page that watches no offered tab is refused: NO_SESSION', () => {
    const { engine } = engineWithFakeHost();
    const sink = { signal: () => undefined, ended: () => undefined };
    expect(refusedWith(() => engine.watchTab({ viewerId: 'nobody' }, sink))).toBe('NO_SESSION');
  });

  it('a start uses the settings as the host has them now, even if changed elsewhere', async () => {
    const { platform, engine } = engineWithFakeHost();
    // Where the session dials: a WebSocket that only notes its URL (no network here).
    const dialled: string[] = [];
    vi.stubGlobal(
      'WebSocket',
      class {
        constructor(url: string) {
          dialled.push(url);
          throw new Error('no network in unit tests');
        }
      },
    );
    try {
      platform.settings = { ...TEST_SETTINGS, signalingUrl: 'ws://127.0.0.1:9/changed' };
      await engine.startSend();
      await until(() => engine.getSession()?.step === 'failed', 'failed');
      expect(dialled).toEqual(['ws://127.0.0.1:9/changed']);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it("a start's answer comes before its session's first change (a page can name it)", async () => {
    const { platform, engine } = engineWithFakeHost();
    const changesBeforeAnswer = platform.recorded.sessionChanged.length;
    const started = await engine.startReceive({ code: '7-apple-river' });
    expect(platform.recorded.sessionChanged.length).toBe(changesBeforeAnswer);
    await until(() => platform.recorded.sessionChanged.length > 0, 'changed');
    expect(platform.recorded.sessionChanged.every((view) => view.id === started.id)).toBe(true);
  });
});
