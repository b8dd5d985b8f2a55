/**
 * Quality presets of a tab share, and what each asks of tab capture and of the encoder.
 * Pure: the offscreen document passes the result to getUserMedia and RTCRtpSender.
 */

export const TAB_QUALITIES = ['720p', '1080p', 'source'] as const;
export type TabQuality = (typeof TAB_QUALITIES)[number];
export const DEFAULT_TAB_QUALITY: TabQuality = '1080p';

export function isTabQuality(value: unknown): value is TabQuality {
  return typeof value === 'string' && (TAB_QUALITIES as readonly string[]).includes(value);
}

interface Preset {
  maxWidth: number;
  maxHeight: number;
  /** Encoder ceiling; WebRTC's bandwidth estimate decides below it. */
  maxBitrate: number;
}

const PRESETS: Record<TabQuality, Preset> = {
  '720p': { maxWidth: 1280, maxHeight: 720, maxBitrate: 2_500_000 },
  '1080p': { maxWidth: 1920, maxHeight: 1080, maxBitrate: 4_500_000 },
  // The tab's own size, up to 4K.
  source: { maxWidth: 3840, maxHeight: 2160, maxBitrate: 8_000_000 },
};

/**
 * Tab capture only repaints when the page changes; a floor keeps a static page refreshing,
 * so a viewer who joins late (or lost a frame) sees it within 1/MIN_FRAME_RATE seconds.
 */
export const MIN_FRAME_RATE = 5;
export const MAX_FRAME_RATE = 30;

/** Chrome's legacy constraint syntax: the only one `chromeMediaSource: 'tab'` accepts. */
export interface TabCaptureConstraints {
  audio: { mandatory: { chromeMediaSource: 'tab'; chromeMediaSourceId: string } };
  video: {
    mandatory: {
      chromeMediaSource: 'tab';
      chromeMediaSourceId: string;
      maxWidth: number;
      maxHeight: number;
      minWidth: number;
      minHeight: number;
      minFrameRate: number;
      maxFrameRate: number;
    };
  };
}

export function tabCaptureConstraints(
  streamId: string,
  quality: TabQuality,
): TabCaptureConstraints {
  const { maxWidth, maxHeight } = PRESETS[quality];
  const source = { chromeMediaSource: 'tab', chromeMediaSourceId: streamId } as const;
  return {
    audio: { mandatory: source },
    video: {
      mandatory: {
        ...source,
        maxWidth,
        maxHeight,
        // With only maximums Chrome captures at exactly the maximum and letterboxes the tab
        // (measured: an 1280×633 tab came out as 1920×1080). A lower minimum selects "any size
        // within the limits": the tab keeps its aspect ratio and is scaled down, never up.
        minWidth: 2,
        minHeight: 2,
        minFrameRate: MIN_FRAME_RATE,
        maxFrameRate: MAX_FRAME_RATE,
      },
    },
  };
}

/** Encoder settings for the video sender: frame rate gives way first, resolution is kept. */
export function videoEncoding(quality: TabQuality): {
  maxBitrate: number;
  maxFramerate: number;
} {
  return { maxBitrate: PRESETS[quality].maxBitrate, maxFramerate: MAX_FRAME_RATE };
}
