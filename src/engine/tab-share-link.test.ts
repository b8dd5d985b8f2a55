import { describe, expect, it } from 'vitest';
import { FakePlatform, FakeStream, TEST_SETTINGS } from '../../test/fakes/platform.js';
import type { TabCaptureRequest } from './platform.js';
import { Engine } from './engine.js';

/** A capture whose video track records the constraints a live quality change applies. */
class RetunableStream extends FakeStream {
  readonly applied: MediaTrackConstraints[] = [];
  constructor() {
    super();
    Object.assign(this.video, {
      applyConstraints: async (constraints: MediaTrackConstraints) => {
        this.applied.push(constraints);
      },
    });
  }
}

class RetunablePlatform extends FakePlatform {
  override async captureTab(request: TabCaptureRequest): Promise<MediaStream> {
    this.captures.push(request);
    const stream = new RetunableStream();
    this.streams.push(stream);
    return stream as unknown as MediaStream;
  }
}

function liveShare() {
  const platform = new RetunablePlatform();
  const engine = new Engine(platform, { identity: async () => ({ publicKey: 'test-key' }) });
  engine.configure({ settings: TEST_SETTINGS });
  return { platform, engine };
}

const share = { streamId: 'stream-1', tabId: 7, title: 'Docs', quality: '1080p' as const };
const LINK = /^http:\/\/127\.0\.0\.1:9\/watch#s=[A-Za-z0-9_-]{22}$/;

describe('one stable link for the whole tab share', () => {
  it('a live share offers one stable link with a secret in the fragment', async () => {
    const { engine } = liveShare();
    const view = await engine.startTabShare(share);
    expect(view.linkOn).toBe(true);
    expect(view.link).toMatch(LINK);
    engine.stopTabShare();
    expect(engine.getTabShare()?.link).toBeUndefined();
  });

  it('"Turn off link" takes the link away; turning it on again gives a new one', async () => {
    const { engine, platform } = liveShare();
    const first = (await engine.startTabShare(share)).link;
    engine.setTabShareLink({ on: false });
    expect(platform.lastTabShare).toMatchObject({ step: 'live', linkOn: false });
    expect(platform.lastTabShare?.link).toBeUndefined();
    engine.setTabShareLink({ on: true });
    expect(platform.lastTabShare?.link).toMatch(LINK);
    expect(platform.lastTabShare?.link).not.toBe(first);
    engine.stopTabShare();
  });

  it('"New link" makes a fresh secret: the old link is no longer offered', async () => {
    const { engine, platform } = liveShare();
    const first = (await engine.startTabShare(share)).link;
    engine.renewTabShareLink();
    expect(platform.lastTabShare?.link).toMatch(LINK);
    expect(platform.lastTabShare?.link).not.toBe(first);
    engine.stopTabShare();
  });

  it('the sharer changes quality while live: the capture track gets the new maximums', async () => {
    const { engine, platform } = liveShare();
    await engine.startTabShare(share);
    await engine.setTabShareQuality({ quality: '720p' });
    expect(platform.lastTabShare).toMatchObject({ step: 'live', quality: '720p' });
    const stream = platform.streams[0] as unknown as RetunableStream;
    expect(stream.applied).toEqual([
      { width: { max: 1280 }, height: { max: 720 }, frameRate: { min: 5, max: 30 } },
    ]);
    engine.stopTabShare();
  });

  it('removing a viewer that is not there leaves the share as it is', async () => {
    const { engine } = liveShare();
    await engine.startTabShare(share);
    engine.removeTabViewer({ viewerId: 'nobody' });
    expect(engine.getTabShare()?.step).toBe('live');
    engine.stopTabShare();
  });
});
