import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Captures } from './captures.js';

/** A track as the engine's share sees it: a state, stop(), and an `ended` event. */
class FakeTrack extends EventTarget {
  readyState: 'live' | 'ended' = 'live';
  stop(): void {
    this.readyState = 'ended';
  }
}

function fakeStream(): { stream: MediaStream; track: FakeTrack } {
  const track = new FakeTrack();
  return { stream: { getTracks: () => [track] } as unknown as MediaStream, track };
}

describe('Firefox tab capture through the capture page', () => {
  let opened: string[];
  let holds: string[];
  let captures: Captures;

  beforeEach(() => {
    vi.useFakeTimers();
    opened = [];
    holds = [];
    captures = new Captures(
      {
        openPage: (id) => {
          opened.push(id);
          return Promise.resolve();
        },
        hold: (reason) => {
          holds.push(reason);
          return () => holds.splice(holds.indexOf(reason), 1);
        },
      },
      1_000,
    );
  });

  afterEach(() => vi.useRealTimers());

  it('opens the capture page for the request and resolves with the stream the person picked', async () => {
    const asked = captures.request({ streamId: 'c1', tabId: -1, quality: '720p' });
    expect(opened).toEqual(['c1']);
    expect(holds).toEqual(['choosing what to share']);
    expect(captures.wanted('c1')).toEqual({ quality: '720p' });
    const { stream } = fakeStream();
    captures.captured('c1', stream);
    await expect(asked).resolves.toBe(stream);
    expect(holds).toEqual([]);
    expect(captures.wanted('c1')).toBeUndefined();
  });

  it('closing the capture page before a pick cancels the share', async () => {
    const asked = captures.request({ streamId: 'c2', tabId: -1, quality: '1080p' });
    captures.gone('c2');
    await expect(asked).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(holds).toEqual([]);
  });

  it('closing the capture page while sharing ends the capture as the browser would', async () => {
    const asked = captures.request({ streamId: 'c3', tabId: -1, quality: '720p' });
    const { stream, track } = fakeStream();
    captures.captured('c3', stream);
    await asked;
    const ended = vi.fn();
    track.addEventListener('ended', ended);
    captures.gone('c3');
    expect(ended).toHaveBeenCalledTimes(1);
  });

  it('nothing picked in time: the share gives up, and a late pick is stopped, not shared', async () => {
    const asked = captures.request({ streamId: 'c4', tabId: -1, quality: '720p' });
    const failed = expect(asked).rejects.toMatchObject({ code: 'TIMEOUT' });
    vi.advanceTimersByTime(1_000);
    await failed;
    expect(captures.wanted('c4')).toBeUndefined();
    const { stream, track } = fakeStream();
    captures.captured('c4', stream);
    expect(track.readyState).toBe('ended');
  });
});
