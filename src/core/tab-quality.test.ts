import { describe, expect, it } from 'vitest';
import {
  MAX_FRAME_RATE,
  MIN_FRAME_RATE,
  TAB_QUALITIES,
  isTabQuality,
  tabCaptureConstraints,
  videoEncoding,
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

  it('gives larger presets a higher bitrate ceiling', () => {
    const rates = TAB_QUALITIES.map((q) => videoEncoding(q).maxBitrate);
    expect([...rates].sort((a, b) => a - b)).toEqual(rates);
  });

  it('recognises preset names only', () => {
    expect(isTabQuality('720p')).toBe(true);
    expect(isTabQuality('4k')).toBe(false);
    expect(isTabQuality(undefined)).toBe(false);
  });
});
