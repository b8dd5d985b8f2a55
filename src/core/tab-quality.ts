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

/**
 * 1080p at 2.5 Mbit/s, Chrome's own default for that size (as on the bare path): at 4.5 the
 * viewer's jitter buffer held more (80 against 43 ms idle, median over 8 rounds) and p50 was
 * 1.27× bare; at 2.5, 1.07× bare at 27.5 fps (8 ABBA rounds, bench/results/tab.json). Text stays
 * sharp: a still tab costs the encoder few bits, so the cap binds only while the page moves.
 */
const PRESETS: Record<TabQuality, Preset> = {
  '720p': { maxWidth: 1280, maxHeight: 720, maxBitrate: 2_500_000 },
  '1080p': { maxWidth: 1920, maxHeight: 1080, maxBitrate: 2_500_000 },
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

// --- keeping up under pressure ----------------------------------------------------------
//
// When the sharer's machine is busy or the path is narrow, a share must not fall behind: each
// frame the encoder cannot finish in time waits, and the delay grows. Text-heavy tabs (the
// tracks carry contentHint 'detail') give up frame rate first, then resolution, down to a floor
// that keeps text legible; the share climbs back when the pressure goes.
//
// Measured (bench/tab.bench.ts with TAB_BENCH_TRACE=1, 1080p, this 2-core machine):
// - Chrome's own adaptation does not see it. Under a one-core busy loop the encoder went from
//   17–22 to 23–28 ms per frame, yet qualityLimitationReason stayed 'none' (cpu 0 % of the
//   time). So the policy reads the encoder's work itself (encode time per frame × frames per
//   second: the share of wall time it spends encoding), the frames it skipped and the pacer's
//   delay, besides the reason the encoder gives.
// - Lowering the frame rate where it is not needed costs latency: at 20 fps under that load
//   the viewer's jitter buffer held 277–298 ms against 156–222 ms at 30 fps (p50 373–419 ms
//   against 262–309). There the time is in the viewer's jitter buffer (it follows the audio's,
//   to play in sync), not in the sender, so the thresholds below leave a share that keeps up
//   at its preset; they act when the encoder itself falls behind (a real share under three
//   busy loops was lowered to 15 fps after 30 s, once, and not within 60 s, once; under four
//   after 10 s; each time back at 30 fps within 4 s of the load going).
// - 30 → 15, not 20: every second captured frame, so frames stay evenly spaced.
// - Open (issue #18): under the one-core hog at 1080p this policy's 15 fps cap costs latency.
//   With it, p50 1.37× bare over 12 rounds (viewer jitter buffer 273 against 179 ms); with the
//   policy switched off (the encoder skipping frames on its own, maintain-resolution), 0.93×
//   over 8 rounds (215 against 225 ms). At 720p under the hog it never acts: 0.97× over 12.
//   The next step is a rung that lowers the frame rate without a hard cap, or resolution first
//   when the encoder's own skipping already keeps up.

/** What a video sender did over one interval (differences of its getStats counters). */
export interface SenderSample {
  seconds: number;
  /** Share of the interval the encoder said it was limited by cpu / by bandwidth (0..1). */
  cpuLimited: number;
  bandwidthLimited: number;
  /** Frames the capture delivered, and frames encoded. */
  captured: number;
  encoded: number;
  /** Encode time per encoded frame, ms. */
  encodeMs: number;
  /** Time a packet waited in the pacer, ms (grows when the bitrate cannot carry the frames). */
  sendDelayMs: number;
}

/** One rung of the ladder: the encoder's frame-rate cap and downscale factor. */
export interface TabLimit {
  maxFramerate: number;
  scaleResolutionDownBy: number;
}

/**
 * The lowest height text stays legible at: 16 px text in a 1080p tab is 10.7 px at 720
 * lines; lower than that is a blur. A 720p tab may go to 540 lines (12 px text), no lower.
 */
const LEGIBLE_HEIGHT = { '720p': 540, '1080p': 720, source: 1440 } as const;

/**
 * Frame rate first (30 → 15), then resolution (×0.8, then the floor), then 10 fps at the
 * floor: for text a lower frame rate costs nothing readable, a lower resolution does.
 */
export function limitLadder(quality: TabQuality): TabLimit[] {
  const floor = PRESETS[quality].maxHeight / LEGIBLE_HEIGHT[quality];
  return [
    { maxFramerate: MAX_FRAME_RATE, scaleResolutionDownBy: 1 },
    { maxFramerate: 15, scaleResolutionDownBy: 1 },
    { maxFramerate: 15, scaleResolutionDownBy: Math.min(1.25, floor) },
    { maxFramerate: 15, scaleResolutionDownBy: floor },
    { maxFramerate: 10, scaleResolutionDownBy: floor },
  ];
}

/**
 * The encoder spending more than this share of the time encoding is falling behind (frames
 * then queue behind each other). Idle at 1080p, second by second, it spent 0.56–0.68 (e.g.
 * 31 fps × 22 ms); bare's encoder, without contentHint, up to 0.74 under the busy loop.
 */
const BUSY = 0.7;
/**
 * Going up one rung must keep the encoder below this (projected from the last sample): at
 * least idle's usual share, so that the share climbs back to 30 fps once the pressure goes,
 * and below BUSY, so that it does not climb straight back into the strain.
 */
const ROOM = 0.65;
/** Limited (cpu or bandwidth, by the encoder's own word) for this share of the interval. */
const LIMITED = 0.3;
/** Captured frames the encoder skipped, as a share of those captured. */
const SKIPPED = 0.15;
/** Pacer delay per packet, ms: the bitrate no longer carries the frames. */
const PACED_MS = 40;
/**
 * Seconds after the start (or a new preset) that are not judged: the bandwidth estimate ramps
 * up from a few hundred kbit/s and the first 1080p key frame takes long, so the encoder says
 * 'bandwidth' for a moment on every fresh connection (measured: an idle share was lowered to
 * 20 fps by its first two seconds, and stayed there).
 */
const SETTLE_SECONDS = 4;
/** Consecutive strained samples before stepping down, calm ones before stepping up. */
const DOWN_AFTER = 2;
const UP_AFTER = 5;

export type Pressure = 'strained' | 'calm' | 'steady';

/** How one sample reads, at the rung `current` with the next rung up `above`. */
export function pressureOf(sample: SenderSample, current: TabLimit, above?: TabLimit): Pressure {
  const fps = sample.seconds > 0 ? sample.encoded / sample.seconds : 0;
  const busy = (sample.encodeMs * fps) / 1000;
  const limited = sample.cpuLimited + sample.bandwidthLimited;
  const skipped = sample.captured > 0 ? 1 - sample.encoded / sample.captured : 0;
  // Frames the cap itself drops are no skipping: expect at most the cap's rate.
  const capped = sample.captured / Math.max(sample.seconds, 0.001) > current.maxFramerate * 1.1;
  if (
    busy > BUSY ||
    limited > LIMITED ||
    (!capped && skipped > SKIPPED) ||
    sample.sendDelayMs > PACED_MS
  ) {
    return 'strained';
  }
  if (!above) return 'steady';
  // Encoding cost grows with frames per second and with pixels.
  const growth =
    (above.maxFramerate / current.maxFramerate) *
    (current.scaleResolutionDownBy / above.scaleResolutionDownBy) ** 2;
  const projected = busy * growth;
  const calm = limited < 0.05 && projected < ROOM && sample.sendDelayMs < PACED_MS / 4;
  return calm ? 'calm' : 'steady';
}

/**
 * Per video sender: periodic samples in, the encoder's limit out. Steps down after
 * DOWN_AFTER strained samples, up after UP_AFTER calm ones; each step starts the count anew,
 * so the encoder settles at its new rung before the next is judged.
 */
export class TabPressure {
  private ladder: TabLimit[];
  private rung = 0;
  private strained = 0;
  private calm = 0;
  private settling = SETTLE_SECONDS;

  constructor(quality: TabQuality) {
    this.ladder = limitLadder(quality);
  }

  get limit(): TabLimit {
    return this.ladder[this.rung]!;
  }

  /** Whether the share runs below its preset. */
  get lowered(): boolean {
    return this.rung > 0;
  }

  /** A new preset (the sharer's choice): start again from its top rung. */
  reset(quality: TabQuality): void {
    this.ladder = limitLadder(quality);
    this.rung = 0;
    this.strained = this.calm = 0;
    this.settling = SETTLE_SECONDS;
  }

  /** The limit to apply after `sample`, and whether it changed. */
  next(sample: SenderSample): { limit: TabLimit; changed: boolean } {
    if (this.settling > 0) {
      this.settling -= sample.seconds;
      return { limit: this.limit, changed: false };
    }
    const pressure = pressureOf(sample, this.limit, this.ladder[this.rung - 1]);
    this.strained = pressure === 'strained' ? this.strained + 1 : 0;
    this.calm = pressure === 'calm' ? this.calm + 1 : 0;
    let step = 0;
    if (this.strained >= DOWN_AFTER && this.rung < this.ladder.length - 1) step = 1;
    else if (this.calm >= UP_AFTER && this.rung > 0) step = -1;
    if (step !== 0) {
      this.rung += step;
      this.strained = this.calm = 0;
    }
    return { limit: this.limit, changed: step !== 0 };
  }
}

/** The counters of one video sender's getStats report that a sample is the difference of. */
export interface SenderCounters {
  at: number;
  framesEncoded: number;
  totalEncodeTime: number;
  packetsSent: number;
  totalPacketSendDelay: number;
  qualityLimitationDurations: Record<string, number>;
  captured: number;
}

/** Reads a sender's counters from its getStats entries (the first video outbound-rtp). */
export function senderCounters(entries: Iterable<unknown>, at: number): SenderCounters | undefined {
  const list = [...entries] as Record<string, unknown>[];
  const out = list.find((e) => e.type === 'outbound-rtp' && e.kind === 'video');
  if (!out) return undefined;
  const source = list.find((e) => e.id === out.mediaSourceId);
  const num = (value: unknown) => (typeof value === 'number' ? value : 0);
  const durations = out.qualityLimitationDurations;
  return {
    at,
    framesEncoded: num(out.framesEncoded),
    totalEncodeTime: num(out.totalEncodeTime),
    packetsSent: num(out.packetsSent),
    totalPacketSendDelay: num(out.totalPacketSendDelay),
    qualityLimitationDurations:
      durations && typeof durations === 'object' ? (durations as Record<string, number>) : {},
    captured: num(source?.frames),
  };
}

/** The sample between two readings of the same sender (ms clock in `at`). */
export function sampleBetween(a: SenderCounters, b: SenderCounters): SenderSample {
  const seconds = Math.max(0.001, (b.at - a.at) / 1000);
  const encoded = Math.max(0, b.framesEncoded - a.framesEncoded);
  const packets = b.packetsSent - a.packetsSent;
  const limited = (reason: string) =>
    Math.max(
      0,
      ((b.qualityLimitationDurations[reason] ?? 0) - (a.qualityLimitationDurations[reason] ?? 0)) /
        seconds,
    );
  return {
    seconds,
    cpuLimited: limited('cpu'),
    bandwidthLimited: limited('bandwidth'),
    captured: Math.max(0, b.captured - a.captured),
    encoded,
    encodeMs: encoded > 0 ? (1000 * (b.totalEncodeTime - a.totalEncodeTime)) / encoded : 0,
    sendDelayMs:
      packets > 0 ? (1000 * (b.totalPacketSendDelay - a.totalPacketSendDelay)) / packets : 0,
  };
}

/** What the sharer is told: the frame rate and the height the share runs at when lowered. */
export interface TabLimited {
  fps: number;
  /** Present when the resolution is lowered too. */
  height?: number;
}

export function limitedView(limit: TabLimit, trackHeight: number): TabLimited {
  return limit.scaleResolutionDownBy > 1
    ? {
        fps: limit.maxFramerate,
        height: Math.round(trackHeight / limit.scaleResolutionDownBy),
      }
    : { fps: limit.maxFramerate };
}
