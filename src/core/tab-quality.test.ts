import { describe, expect, it } from 'vitest';
import {
  MAX_FRAME_RATE,
  MIN_FRAME_RATE,
  TAB_QUALITIES,
  TabPressure,
  isTabQuality,
  limitLadder,
  limitedView,
  sampleBetween,
  senderCounters,
  tabCaptureConstraints,
  videoEncoding,
  type SenderSample,
  type TabQuality,
} from './tab-quality.js';

describe('quality presets become tab capture constraints', () => {
  it.each([
    ['720p', 1280, 720],
    ['1080p', 1920, 1080],
    ['source', 3840, 2160],
  ] as const)('%s caps the capture at %i×%i', (quality, width, height) => {
    const { video } = tabCaptureConstraints('stream-1', quality);
    expect(video.mandatory).toMatchObject({ maxWidth: width, maxHeight: height });
  });

  it('keeps the tab aspect ratio: a minimum below the maximum, never a fixed size', () => {
    for (const quality of TAB_QUALITIES) {
      const { mandatory } = tabCaptureConstraints('s', quality).video;
      expect(mandatory.minWidth).toBeLessThan(mandatory.maxWidth);
      expect(mandatory.minHeight).toBeLessThan(mandatory.maxHeight);
    }
  });

  it('asks for a minimum frame rate so static pages still refresh', () => {
    const { mandatory } = tabCaptureConstraints('s', '720p').video;
    expect(mandatory.minFrameRate).toBe(MIN_FRAME_RATE);
    expect(mandatory.minFrameRate).toBeGreaterThan(0);
    expect(mandatory.maxFrameRate).toBe(MAX_FRAME_RATE);
  });

  it('captures audio and video of the same tab stream', () => {
    const constraints = tabCaptureConstraints('abc', '1080p');
    expect(constraints.audio.mandatory).toEqual({
      chromeMediaSource: 'tab',
      chromeMediaSourceId: 'abc',
    });
    expect(constraints.video.mandatory.chromeMediaSourceId).toBe('abc');
  });

  it('never gives a larger preset a lower bitrate ceiling', () => {
    const rates = TAB_QUALITIES.map((q) => videoEncoding(q).maxBitrate);
    expect([...rates].sort((a, b) => a - b)).toEqual(rates);
  });

  it('recognises preset names only', () => {
    expect(isTabQuality('720p')).toBe(true);
    expect(isTabQuality('4k')).toBe(false);
    expect(isTabQuality(undefined)).toBe(false);
  });
});

/** One second of a sender encoding `fps` frames at `encodeMs` each, captured as fast. */
const second = (fps: number, encodeMs: number, more: Partial<SenderSample> = {}): SenderSample => ({
  seconds: 1,
  cpuLimited: 0,
  bandwidthLimited: 0,
  captured: fps,
  encoded: fps,
  encodeMs,
  sendDelayMs: 0,
  ...more,
});

/** A policy past its first seconds (which are not judged). */
function settled(quality: TabQuality): TabPressure {
  const pressure = new TabPressure(quality);
  feed(pressure, second(30, 5), 4);
  return pressure;
}

function feed(pressure: TabPressure, sample: SenderSample, times: number) {
  for (let i = 0; i < times; i++) pressure.next(sample);
  return pressure.limit;
}

describe('under pressure a text tab drops frame rate first, then resolution, to a legible floor', () => {
  it.each(TAB_QUALITIES)('%s: frame rate gives way before resolution', (quality) => {
    const ladder = limitLadder(quality);
    const firstScaled = ladder.findIndex((rung) => rung.scaleResolutionDownBy > 1);
    expect(ladder[0]).toEqual({ maxFramerate: MAX_FRAME_RATE, scaleResolutionDownBy: 1 });
    expect(ladder[firstScaled - 1]!.maxFramerate).toBe(15);
    for (const [i, rung] of ladder.entries()) {
      if (i === 0) continue;
      const previous = ladder[i - 1]!;
      expect(rung.maxFramerate <= previous.maxFramerate).toBe(true);
      expect(rung.scaleResolutionDownBy >= previous.scaleResolutionDownBy).toBe(true);
      expect(rung).not.toEqual(previous);
    }
  });

  it.each([
    ['720p', 540],
    ['1080p', 720],
    ['source', 1440],
  ] as const)('%s never goes below %i lines: text stays legible', (quality, lines) => {
    const { maxHeight } = tabCaptureConstraints('', quality).video.mandatory;
    const deepest = limitLadder(quality).at(-1)!;
    expect(Math.round(maxHeight / deepest.scaleResolutionDownBy)).toBe(lines);
    // A CPU that cannot keep even 5 fps stops at the same floor.
    const pressure = settled(quality);
    feed(pressure, second(4, 240, { captured: 30 }), 40);
    expect(Math.round(maxHeight / pressure.limit.scaleResolutionDownBy)).toBe(lines);
  });

  it('a narrow path is lowered to 15 fps after two strained seconds, not one', () => {
    const pressure = settled('1080p');
    const queued = second(30, 10, { sendDelayMs: 120 });
    expect(pressure.next(queued)).toMatchObject({ changed: false, told: false });
    expect(pressure.next(queued)).toEqual({
      limit: { maxFramerate: 15, scaleResolutionDownBy: 1 },
      changed: true,
      told: true,
    });
    expect(pressure.lowered).toEqual({ maxFramerate: 15, scaleResolutionDownBy: 1 });
  });

  it('the first seconds of a share are not judged: the bandwidth estimate is still ramping up', () => {
    const pressure = new TabPressure('1080p');
    const rampingUp = second(30, 10, { bandwidthLimited: 1 });
    expect(feed(pressure, rampingUp, 4)).toEqual(limitLadder('1080p')[0]);
    expect(feed(pressure, rampingUp, 2).maxFramerate).toBe(15);
  });

  it('steps down when the encoder reports bandwidth limits', () => {
    const pressure = settled('720p');
    expect(feed(pressure, second(30, 5, { bandwidthLimited: 1 }), 2).maxFramerate).toBe(15);
  });

  it('frames left out by an encoder with time to spare are a narrow path: frame rate first', () => {
    const pressure = settled('720p');
    // 10 of 30 captured frames encoded, at 8 ms each: the rate control, short of bits.
    expect(feed(pressure, second(10, 8, { captured: 30 }), 2)).toEqual({
      maxFramerate: 15,
      scaleResolutionDownBy: 1,
    });
  });

  it('a busy CPU: the encoder skips frames on its own, no cap is set, the sharer is told the rate it keeps', () => {
    for (const busy of [
      second(24, 32), // 0.77 of the time encoding
      second(17, 40, { captured: 30 }), // 13 of 30 captured frames skipped
      second(20, 20, { cpuLimited: 0.8 }), // the encoder's own word
    ]) {
      const pressure = settled('1080p');
      expect(pressure.next(busy)).toMatchObject({ changed: false, told: false });
      expect(pressure.next(busy)).toMatchObject({ changed: false, told: true });
      for (let i = 0; i < 30; i++) expect(pressure.next(busy).changed).toBe(false);
      expect(pressure.limit).toEqual(limitLadder('1080p')[0]);
      const fps = Math.round(busy.encoded / 5) * 5;
      expect(pressure.lowered).toEqual({ maxFramerate: fps, scaleResolutionDownBy: 1 });
    }
  });

  it('a CPU that cannot keep 5 fps gives way in resolution, keeping the frame rate uncapped', () => {
    const pressure = settled('1080p');
    const seen = [pressure.limit];
    for (let i = 0; i < 20; i++) {
      if (pressure.next(second(4, 240, { captured: 30 })).changed) seen.push(pressure.limit);
    }
    expect(seen).toEqual([
      { maxFramerate: 30, scaleResolutionDownBy: 1 },
      { maxFramerate: 30, scaleResolutionDownBy: 1.25 },
      { maxFramerate: 30, scaleResolutionDownBy: 1.5 },
    ]);
    expect(pressure.lowered).toEqual({ maxFramerate: 5, scaleResolutionDownBy: 1.5 });
  });

  it('one slow second among fluid ones does not lower the resolution', () => {
    const pressure = settled('1080p');
    for (let i = 0; i < 30; i++) {
      const fps = i % 3 === 0 ? 3 : 12;
      pressure.next(second(fps, 1000 / fps - 5, { captured: 30 }));
    }
    expect(pressure.limit.scaleResolutionDownBy).toBe(1);
  });

  it("a starved CPU's pacer delay is no narrow path: no frame-rate cap", () => {
    const pressure = settled('1080p');
    // 12 fps at 75 ms a frame: the encoder, and the pacer's thread, wait for a core.
    const starved = second(12, 75, { captured: 30, sendDelayMs: 80 });
    expect(feed(pressure, starved, 10)).toEqual(limitLadder('1080p')[0]);
    expect(pressure.lowered?.maxFramerate).toBe(10);
  });

  it('frames the frame-rate cap itself leaves out are no strain', () => {
    const pressure = settled('1080p');
    feed(pressure, second(30, 10, { sendDelayMs: 120 }), 2);
    expect(pressure.limit.maxFramerate).toBe(15);
    // The capture still delivers 30 fps; the encoder takes the 15 it is allowed, easily.
    expect(feed(pressure, second(15, 20, { captured: 30 }), 3).maxFramerate).toBe(15);
    expect(pressure.lowered).toEqual({ maxFramerate: 15, scaleResolutionDownBy: 1 });
  });

  it('a path that stays narrow walks the whole ladder and stays at the floor', () => {
    const pressure = settled('1080p');
    const seen = [pressure.limit];
    for (let i = 0; i < 20; i++) {
      if (pressure.next(second(10, 20, { sendDelayMs: 200 })).changed) seen.push(pressure.limit);
    }
    expect(seen).toEqual(limitLadder('1080p'));
  });

  it('recovers when the pressure goes: back to 30 fps at full resolution, and says so', () => {
    for (const strain of [second(10, 20, { sendDelayMs: 200 }), second(4, 240, { captured: 30 })]) {
      const pressure = settled('1080p');
      feed(pressure, strain, 20);
      expect(pressure.limit.scaleResolutionDownBy).toBe(1.5);
      // Idle 1080p figures: 17 ms per full-size frame, at whatever the cap allows.
      for (let i = 0; i < 60 && pressure.lowered; i++) {
        const { maxFramerate, scaleResolutionDownBy } = pressure.limit;
        pressure.next(second(maxFramerate, 17 / scaleResolutionDownBy ** 2));
      }
      expect(pressure.limit).toEqual({ maxFramerate: 30, scaleResolutionDownBy: 1 });
      expect(pressure.lowered).toBeUndefined();
    }
  });

  it('the sharer is told once the encoder keeps up at the preset again', () => {
    const pressure = settled('1080p');
    feed(pressure, second(17, 40, { captured: 30 }), 3);
    expect(pressure.lowered?.maxFramerate).toBe(15);
    expect(pressure.next(second(28, 17))).toMatchObject({ changed: false, told: true });
    expect(pressure.lowered).toBeUndefined();
  });

  it('climbs one step per five calm seconds, never at once', () => {
    const pressure = settled('1080p');
    feed(pressure, second(10, 20, { sendDelayMs: 200 }), 4);
    expect(pressure.limit).toEqual({ maxFramerate: 15, scaleResolutionDownBy: 1.25 });
    expect(feed(pressure, second(15, 10), 4).scaleResolutionDownBy).toBe(1.25);
    expect(feed(pressure, second(15, 10), 1)).toEqual({
      maxFramerate: 15,
      scaleResolutionDownBy: 1,
    });
  });

  it('counts seconds, not samples: read every 3 s, it steps down and climbs back at the same pace', () => {
    const every3s = (sample: SenderSample): SenderSample => ({
      ...sample,
      seconds: 3,
      captured: sample.captured * 3,
      encoded: sample.encoded * 3,
    });
    const pressure = new TabPressure('1080p');
    feed(pressure, every3s(second(30, 5)), 2);
    // One 3 s sample of a queueing pacer is three strained seconds: past the two needed.
    expect(pressure.next(every3s(second(30, 10, { sendDelayMs: 120 })))).toMatchObject({
      limit: { maxFramerate: 15, scaleResolutionDownBy: 1 },
      changed: true,
    });
    // Six calm seconds in two samples: past the five needed to climb one step.
    expect(pressure.next(every3s(second(15, 10))).changed).toBe(false);
    expect(pressure.next(every3s(second(15, 10)))).toMatchObject({
      limit: { maxFramerate: 30, scaleResolutionDownBy: 1 },
      changed: true,
    });
  });

  it('a sampling timer a little early still counts whole seconds', () => {
    const pressure = settled('1080p');
    const early = { ...second(30, 10, { sendDelayMs: 120 }), seconds: 0.98 };
    feed(pressure, early, 2);
    expect(pressure.limit.maxFramerate).toBe(15);
  });

  it('does not climb back into the strain it left', () => {
    const pressure = settled('1080p');
    feed(pressure, second(4, 240, { captured: 30 }), 2);
    expect(pressure.limit.scaleResolutionDownBy).toBe(1.25);
    // 30 fps at 20 ms is 0.6 of the time encoding: full size would be 0.94, over the limit.
    expect(feed(pressure, second(30, 20), 30).scaleResolutionDownBy).toBe(1.25);
  });

  it('an idle 1080p share stays at 30 fps and says nothing (17 ms per frame at 28 fps)', () => {
    const pressure = settled('1080p');
    for (let i = 0; i < 60; i++) expect(pressure.next(second(28, 17)).told).toBe(false);
    expect(pressure.limit).toEqual(limitLadder('1080p')[0]);
    expect(pressure.lowered).toBeUndefined();
  });

  it('a new preset starts again from its top', () => {
    const pressure = settled('1080p');
    feed(pressure, second(10, 20, { sendDelayMs: 200 }), 20);
    pressure.reset('720p');
    expect(pressure.limit).toEqual(limitLadder('720p')[0]);
    expect(pressure.lowered).toBeUndefined();
  });
});

describe("a sender's getStats become samples", () => {
  const report = (frames: number, encodeTime: number, cpu: number, captured: number) => [
    { type: 'media-source', id: 'S1', kind: 'video', frames: captured },
    {
      type: 'outbound-rtp',
      kind: 'video',
      mediaSourceId: 'S1',
      framesEncoded: frames,
      totalEncodeTime: encodeTime,
      packetsSent: frames * 10,
      totalPacketSendDelay: frames * 10 * 0.002,
      qualityLimitationDurations: { none: 1, cpu, bandwidth: 0, other: 0 },
    },
    { type: 'outbound-rtp', kind: 'audio', framesEncoded: 999 },
  ];

  it('differences of the video counters over the interval', () => {
    const a = senderCounters(report(100, 2, 0, 110), 10_000)!;
    const b = senderCounters(report(125, 2.5, 0.5, 140), 11_000)!;
    expect(sampleBetween(a, b)).toEqual({
      seconds: 1,
      cpuLimited: 0.5,
      bandwidthLimited: 0,
      captured: 30,
      encoded: 25,
      encodeMs: 20,
      sendDelayMs: 2,
    });
  });

  it('no video sender yet: no counters', () => {
    expect(senderCounters([{ type: 'outbound-rtp', kind: 'audio' }], 0)).toBeUndefined();
  });

  it('the sharer is told the frame rate, and the height once resolution is lowered', () => {
    expect(limitedView({ maxFramerate: 15, scaleResolutionDownBy: 1 }, 1080)).toEqual({ fps: 15 });
    expect(limitedView({ maxFramerate: 30, scaleResolutionDownBy: 1.25 }, 1080)).toEqual({
      height: 864,
    });
    expect(limitedView({ maxFramerate: 15, scaleResolutionDownBy: 1.5 }, 1080)).toEqual({
      fps: 15,
      height: 720,
    });
  });
});
