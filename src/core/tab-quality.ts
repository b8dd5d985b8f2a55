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
// When the sharer's machine is busy or the path is narrow, a share must not fall behind.
// Text-heavy tabs (the tracks carry contentHint 'detail', the sender 'maintain-resolution')
// give up frame rate first, then resolution, down to a floor that keeps text legible; the
// share climbs back when the pressure goes. The two pressures need different answers:
//
// - A narrow path: frames wait in the pacer and the delay grows with every frame, or the
//   encoder's rate control, short of bits, leaves frames out while it has time to spare. A
//   lower frame-rate cap (30 → 15: every second captured frame, evenly spaced; then
//   resolution; then 10 fps) gives each frame more bits and lets the queue drain (e2e: a
//   300 kbit/s loopback lowers a 720p share to 15 fps; it is back at 30 about 35 s after the
//   path widens, as fast as the bandwidth estimate climbs).
// - A busy CPU: the encoder skips the frames that arrive while it is still encoding, so the
//   frame rate falls by itself and nothing queues. A cap adds nothing there and costs latency
//   (measured, bench/tab.bench.ts under the one-core hog at 1080p: with a 15 fps cap p50 was
//   1.37× bare over 12 rounds, the viewer's jitter buffer 273 against 179 ms; leaving the
//   encoder to skip, 0.93× over 8, 215 against 225 ms). So the policy only tells the sharer
//   the rate the encoder keeps; it lowers resolution once that rate falls below FLUID_FPS.
//
// Open (issue #18): under the one-core hog at 1080p Peerbeam's p50 is 0.84–1.47× bare over
// 13 runs of 8 rounds on one machine, whatever this policy did (no step at all: 1.14, 1.14),
// with contentHint '' (0.90, 0.84), without the sharer's local audio (0.93), and with the
// same CPU per process as bare's; the bench cannot yet resolve a gap below about 15 % there.
// Two bare runs with identical settings, 10 rounds, came out 0.86 and 1.06 of each other.
// On the bare path alone (8–10 rounds each, against browser defaults) no sender setting moved
// that figure beyond the noise: contentHint 'detail' with 'maintain-resolution' 1.10 and 1.02,
// with 'balanced' 0.82 and 0.99, bitrate caps of 0.8 / 1.25 Mbit/s 1.05 / 1.09, video only 0.84.
// Traced second by second, the viewer's jitter buffer climbs for 10–15 s after the first frame
// under the hog on every path (to 300–450 ms), so a 3–7 s window samples a ramp. Measured later
// (14 s in, 5 rounds) a share captured at 720 lines from the start was 0.75× bare; stepping a
// running share down to the floor was not (428–539 against 284–593 ms): each resolution step
// costs a key frame, and the viewer's jitter estimate remembers that frame for seconds.
// On a slower machine (1080p idle already CPU-bound: 18–20 fps at 46 ms per frame on both
// paths) 24 rounds resolved a gap at 1080p: 1.25× bare (90 % interval 1.07–1.46), with the
// encoder's figures alike (18.5 vs 19.1 fps, 46 ms/f) and the viewer's video jitter buffer
// 219 against 139 ms: the time goes on the viewer's side of Peerbeam's path. Not contentHint
// ('' instead of 'detail': 1.29, 1.10–1.50, 16 rounds) and not the sharer's local playback
// of the tab's sound (none: 1.23, 0.88–1.66, 12 rounds; jitter buffer 177 against 123 ms).
// Same run: 720p 1.03 (0.88–1.11), 720p under the hog 0.80 (0.67–0.99), 1080p under the hog
// 1.10 (0.93–1.23, 23 rounds). The gap was the pressure sampler's own RTCRtpSender.getStats(),
// which gathers the whole connection's stats on WebRTC's threads: read each second, the
// viewer's jitter buffer held 54–80 ms more than bare's; never read, 19 ms more (1.11× over 12
// rounds); read every 3 s, 9 ms more, 1.09× (0.86–1.27) over 24 rounds. So tab-share.ts reads
// it every 3 s (PRESSURE_SAMPLE_MS), and the steps below count seconds, not samples, so that
// the pace of a step does not depend on that period. With both, on a faster machine (1080p at
// 30 fps, 17 ms a frame), 24 rounds: 1080p 1.05× bare (0.89–1.11) at 29.0 fps against 29.8;
// 720p 1.13 (0.97–1.25). Still open: under the hog 720p 1.13 (0.96–1.24) and 1080p 1.13
// (0.94–1.21), the viewer's video and audio jitter buffers 24 and 38 ms above bare's at 1080p.
// Tried there: the sharer's local playback of the tab's sound (tab-share.ts, an AudioContext)
// with latencyHint 'playback' (fewer audio wake-ups on a busy CPU): 1080p under the hog 0.83
// (0.72–1.27), the audio jitter-buffer gap 4 ms, but 720p under the hog 1.19 (0.99–1.40), 16
// rounds; not adopted, as it delays the sharer's own sound against the picture for no clear gain.
//
// Chrome's own adaptation does not see the busy CPU: under a one-core busy loop the encoder
// went from 17–22 to 23–28 ms per frame, yet qualityLimitationReason stayed 'none'. So the
// policy reads the encoder's work itself (encode time per frame × frames per second: the
// share of wall time it spends encoding), besides the reason the encoder gives, the frames it
// left out and the pacer's delay.

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

/** The encoder's frame-rate cap and downscale factor. */
export interface TabLimit {
  maxFramerate: number;
  scaleResolutionDownBy: number;
}

/**
 * The lowest height text stays legible at: 16 px text in a 1080p tab is 10.7 px at 720
 * lines; lower than that is a blur. A 720p tab may go to 540 lines (12 px text), no lower.
 */
const LEGIBLE_HEIGHT = { '720p': 540, '1080p': 720, source: 1440 } as const;

/** Frame-rate caps, top first. */
const FRAME_RATE_CAPS = [MAX_FRAME_RATE, 15, 10] as const;

/** Downscale factors, top first: ×0.8, then the legible floor. */
function scaleSteps(quality: TabQuality): number[] {
  const floor = PRESETS[quality].maxHeight / LEGIBLE_HEIGHT[quality];
  return [1, Math.min(1.25, floor), floor];
}

/**
 * The steps for a narrow path, top first: frame rate (30 → 15), then resolution (×0.8, then
 * the floor), then 10 fps at the floor: for text a lower frame rate costs nothing readable,
 * a lower resolution does. A busy CPU takes only the resolution steps.
 */
export function limitLadder(quality: TabQuality): TabLimit[] {
  const [full, smaller, floor] = scaleSteps(quality) as [number, number, number];
  const [top, half, low] = FRAME_RATE_CAPS;
  return [
    { maxFramerate: top, scaleResolutionDownBy: full },
    { maxFramerate: half, scaleResolutionDownBy: full },
    { maxFramerate: half, scaleResolutionDownBy: smaller },
    { maxFramerate: half, scaleResolutionDownBy: floor },
    { maxFramerate: low, scaleResolutionDownBy: floor },
  ];
}

/**
 * The encoder spending more than this share of the time encoding is saturated: it skips
 * frames from here on. Idle at 1080p, second by second, it spent 0.56–0.68 (e.g. 31 fps ×
 * 22 ms); bare's encoder, without contentHint, up to 0.74 under the busy loop.
 */
const BUSY = 0.7;
/**
 * Going up one step must keep the encoder below this (projected from the last sample): at
 * least idle's usual share, so that the share climbs back once the pressure goes, and below
 * BUSY, so that it does not climb straight back into the strain.
 */
const ROOM = 0.65;
/**
 * Below this share of the time encoding the encoder has time to spare: frames it leaves out
 * then are its rate control's (too few bits), not the CPU's (idle 720p: 0.15–0.3).
 */
const IDLE_BUSY = 0.35;
/** Limited (cpu or bandwidth, by the encoder's own word) for this share of the interval. */
const LIMITED = 0.3;
/** Captured frames the encoder skipped, as a share of those captured. */
const SKIPPED = 0.15;
/** Pacer delay per packet, ms: the bitrate no longer carries the frames. */
const PACED_MS = 40;
/**
 * A saturated encoder keeping fewer frames than this a second is a slideshow: resolution gives
 * way. Not sooner: under the one-core hog at 1080p (encoder at 10–12 fps, 72 ms a frame) a
 * step to 864p made frames no cheaper (72 against bare's 73 ms at 1080p), and the key frame
 * each step costs filled the pacer (46 against 0.4 ms): p50 1.29× bare over 8 rounds with the
 * step below 15 fps, 1.28× with it below 8; 1.14× (twice) with no step taken at all.
 */
const FLUID_FPS = MIN_FRAME_RATE;
/** Weight of one newest second in the encoder's frame rate (one second alone is noisy). */
const RATE_SMOOTHING = 0.5;
/**
 * Seconds after the start (or a new preset) that are not judged: the bandwidth estimate ramps
 * up from a few hundred kbit/s and the first 1080p key frame takes long, so the encoder says
 * 'bandwidth' for a moment on every fresh connection (measured: an idle share was lowered to
 * 20 fps by its first two seconds, and stayed there).
 */
const SETTLE_SECONDS = 4;
/**
 * Seconds strained in a row before stepping down, calm ones before stepping up: seconds, not
 * samples, so that how often the sender is read (tab-share.ts) does not change the pace.
 */
const DOWN_AFTER_SECONDS = 2;
const UP_AFTER_SECONDS = 5;
/** A sampling timer fires a little late or early: two readings 1 s apart may span 0.98 s. */
const TIMER_SLACK_SECONDS = 0.25;

function lasted(seconds: number, needed: number): boolean {
  return seconds >= needed - TIMER_SLACK_SECONDS;
}

/** How one sample reads: the pressure, if any, and whether a step up would fit. */
export interface Reading {
  /** Packets queue in the pacer, the encoder says bandwidth, or drops frames for want of bits. */
  narrow: boolean;
  /** The encoder is busy nearly all the time, or says cpu. */
  cpuBusy: boolean;
  /** Fewer frames than captured are encoded (busy, or dropped for bits): the rate it keeps. */
  belowCapture: boolean;
  /** The step up `above` would fit: no pressure, with room for its extra work. */
  roomAbove: boolean;
  /** Frames encoded per second. */
  fps: number;
}

/** How one sample reads at the limit `current`, with the next step up `above`. */
export function readSample(sample: SenderSample, current: TabLimit, above?: TabLimit): Reading {
  const fps = sample.seconds > 0 ? sample.encoded / sample.seconds : 0;
  const busy = (sample.encodeMs * fps) / 1000;
  const skipped = sample.captured > 0 ? 1 - sample.encoded / sample.captured : 0;
  // Frames the cap itself drops are no skipping: expect at most the cap's rate.
  const capped = sample.captured / Math.max(sample.seconds, 0.001) > current.maxFramerate * 1.1;
  const dropping = !capped && skipped > SKIPPED;
  const cpuBusy = busy > BUSY || sample.cpuLimited > LIMITED;
  const narrow =
    sample.bandwidthLimited > LIMITED ||
    // A starved CPU delays the pacer too (its thread waits for a core): no proof of a narrow
    // path then. An encoder with time to spare that leaves frames out is short of bits.
    (!cpuBusy && (sample.sendDelayMs > PACED_MS || (dropping && busy < IDLE_BUSY)));
  const belowCapture = cpuBusy || dropping;
  let roomAbove = false;
  if (above && !narrow && !belowCapture) {
    // Encoding cost grows with frames per second and with pixels.
    const growth =
      (above.maxFramerate / current.maxFramerate) *
      (current.scaleResolutionDownBy / above.scaleResolutionDownBy) ** 2;
    roomAbove =
      sample.cpuLimited + sample.bandwidthLimited < 0.05 &&
      busy * growth < ROOM &&
      sample.sendDelayMs < PACED_MS / 4;
  }
  return { narrow, cpuBusy, belowCapture, roomAbove, fps };
}

/**
 * Per video sender: periodic samples in, the encoder's limit and what the sharer is told out.
 * Steps down after DOWN_AFTER_SECONDS strained, up after UP_AFTER_SECONDS calm; each step
 * starts the count anew, so the encoder settles at its new limit before the next is judged.
 */
export class TabPressure {
  private scales: number[];
  private cap = 0;
  private scale = 0;
  /** Seconds in a row strained, calm (room above), and encoding fewer frames than captured. */
  private strainedFor = 0;
  private calmFor = 0;
  private belowCaptureFor = 0;
  private settling = SETTLE_SECONDS;
  /** The encoder's own frame rate, smoothed; undefined until read at this limit. */
  private ownFps: number | undefined;
  /** The frame rate the sharer was last told (undefined: the preset's). */
  private toldFps: number | undefined;

  constructor(quality: TabQuality) {
    this.scales = scaleSteps(quality);
  }

  get limit(): TabLimit {
    return this.limitAt({ cap: this.cap, scale: this.scale });
  }

  private limitAt(at: { cap: number; scale: number }): TabLimit {
    return {
      maxFramerate: FRAME_RATE_CAPS[at.cap]!,
      scaleResolutionDownBy: this.scales[at.scale]!,
    };
  }

  /**
   * What the share runs at when below its preset (by a step, or by the encoder skipping
   * frames on its own), in frames per second rounded to 5; undefined at the preset.
   */
  get lowered(): TabLimit | undefined {
    const { limit } = this;
    const fps = Math.min(limit.maxFramerate, this.toldFps ?? limit.maxFramerate);
    return fps < MAX_FRAME_RATE || limit.scaleResolutionDownBy > 1
      ? { maxFramerate: fps, scaleResolutionDownBy: limit.scaleResolutionDownBy }
      : undefined;
  }

  /** A new preset (the sharer's choice): start again from its top. */
  reset(quality: TabQuality): void {
    this.scales = scaleSteps(quality);
    this.cap = this.scale = 0;
    this.strainedFor = this.calmFor = this.belowCaptureFor = 0;
    this.settling = SETTLE_SECONDS;
    this.ownFps = this.toldFps = undefined;
  }

  /**
   * The limit to apply after `sample`: `changed` when the encoder must be retuned, `told`
   * when what the sharer is told (`lowered`) changed.
   */
  next(sample: SenderSample): { limit: TabLimit; changed: boolean; told: boolean } {
    if (this.settling > 0) {
      this.settling -= sample.seconds;
      return { limit: this.limit, changed: false, told: false };
    }
    const before = this.lowered;
    const up = this.stepUp();
    const reading = readSample(sample, this.limit, up && this.limitAt(up));
    // A longer sample weighs as much as that many one-second samples would.
    const weight = 1 - (1 - RATE_SMOOTHING) ** sample.seconds;
    this.ownFps =
      this.ownFps === undefined ? reading.fps : weight * reading.fps + (1 - weight) * this.ownFps;
    const { seconds } = sample;
    this.belowCaptureFor = reading.belowCapture ? this.belowCaptureFor + seconds : 0;
    // Below on the last sample and on the smoothed rate: one slow second is no trend.
    const cpuBound = reading.cpuBusy && Math.max(reading.fps, this.ownFps) < FLUID_FPS;
    this.strainedFor = reading.narrow || cpuBound ? this.strainedFor + seconds : 0;
    this.calmFor = reading.roomAbove ? this.calmFor + seconds : 0;

    let changed = false;
    if (lasted(this.strainedFor, DOWN_AFTER_SECONDS)) {
      changed = reading.narrow ? this.narrowStep() : this.scaleStep();
    } else if (lasted(this.calmFor, UP_AFTER_SECONDS) && up) {
      ({ cap: this.cap, scale: this.scale } = up);
      changed = true;
    }
    if (changed) {
      this.strainedFor = this.calmFor = this.belowCaptureFor = 0;
      this.ownFps = this.toldFps = undefined;
    } else if (lasted(this.belowCaptureFor, DOWN_AFTER_SECONDS)) {
      this.toldFps = Math.max(5, Math.round(this.ownFps / 5) * 5);
    } else if (!reading.belowCapture) {
      this.toldFps = undefined;
    }
    const after = this.lowered;
    const told =
      before?.maxFramerate !== after?.maxFramerate ||
      before?.scaleResolutionDownBy !== after?.scaleResolutionDownBy;
    return { limit: this.limit, changed, told };
  }

  /** A narrow path: frame rate first, then resolution, then 10 fps at the floor. */
  private narrowStep(): boolean {
    if (this.cap === 0) this.cap = 1;
    else if (this.scale < this.scales.length - 1) this.scale++;
    else if (this.cap < FRAME_RATE_CAPS.length - 1) this.cap++;
    else return false;
    return true;
  }

  /** A busy CPU: the encoder already gave up frame rate; resolution, down to the floor. */
  private scaleStep(): boolean {
    if (this.scale >= this.scales.length - 1) return false;
    this.scale++;
    return true;
  }

  /** The step back up, undoing the narrow ladder from its bottom: 10 fps, scale, 15 fps. */
  private stepUp(): { cap: number; scale: number } | undefined {
    const { cap, scale } = this;
    if (cap === 2) return { cap: 1, scale };
    if (scale > 0) return { cap, scale: scale - 1 };
    if (cap === 1) return { cap: 0, scale };
    return undefined;
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

/** What the sharer is told: what the share was lowered to (at least one of the two). */
export interface TabLimited {
  /** Present when the frame rate is below the preset's. */
  fps?: number;
  /** Present when the resolution is lowered. */
  height?: number;
}

export function limitedView(limit: TabLimit, trackHeight: number): TabLimited {
  return {
    ...(limit.maxFramerate < MAX_FRAME_RATE ? { fps: limit.maxFramerate } : {}),
    ...(limit.scaleResolutionDownBy > 1
      ? { height: Math.round(trackHeight / limit.scaleResolutionDownBy) }
      : {}),
  };
}
