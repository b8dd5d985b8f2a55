/**
 * Runs inside browser pages of the tab-share tests and bench (bundled by tab-probe.ts into one
 * script; no Peerbeam code is loaded by it). It installs `window.peerbeamProbe`:
 *
 * - `paint()`: the shared page paints the current time as a row of blocks every frame
 *   (tab-blocks.ts) over a page of text, and remembers what it painted.
 * - `decode()`: a viewer decodes the blocks from every received frame
 *   (MediaStreamTrackProcessor on a clone of the track) and subtracts its own clock.
 * - `bareSend()` / `bareReceive()`: the bench's baseline, a plain RTCPeerConnection with
 *   default settings, the SDP exchanged by the test process (complete ICE, no trickle).
 */
import {
  BLOCK_COUNT,
  BLOCK_ROW,
  clockValue,
  decodeLuma,
  encodeBlocks,
  latencyMs,
  luma,
} from './tab-blocks.js';

const now = () => performance.timeOrigin + performance.now();

/** Chrome exposes it on windows too; TypeScript's lib types only the worker variant. */
const TrackProcessor = (
  globalThis as unknown as {
    MediaStreamTrackProcessor: new (init: { track: MediaStreamTrack }) => {
      readable: ReadableStream<VideoFrame>;
    };
  }
).MediaStreamTrackProcessor;

// --- the shared page -------------------------------------------------------------------

const painted: number[] = [];
const MAX_PAINTED = 20_000;

function paint(): void {
  document.body.style.cssText =
    'margin:0;background:#f8fafc;color:#111827;font:16px/22px sans-serif;overflow:hidden';
  // Text above and below the clock: a share is tuned for text-heavy pages. It never changes, so
  // each frame only the clock row is repainted (as on a real page, most of it is still).
  const text = document.createElement('div');
  text.style.cssText = 'position:fixed;inset:0;padding:8px;white-space:pre-wrap';
  text.textContent =
    'Peerbeam tab share: glass-to-glass latency probe. The quick brown fox jumps. '.repeat(400);
  const canvas = document.createElement('canvas');
  canvas.style.cssText = `position:fixed;left:0;width:100vw;top:${BLOCK_ROW.top * 100}vh;height:${BLOCK_ROW.height * 100}vh;display:block;image-rendering:pixelated`;
  document.body.append(text, canvas);
  const context = canvas.getContext('2d', { alpha: false })!;
  canvas.width = BLOCK_COUNT;
  canvas.height = 1;
  const pixels = context.createImageData(BLOCK_COUNT, 1);
  const frame = () => {
    const value = clockValue(now());
    encodeBlocks(value).forEach((white, i) => {
      pixels.data.fill(white ? 255 : 0, i * 4, i * 4 + 3);
      pixels.data[i * 4 + 3] = 255;
    });
    context.putImageData(pixels, 0, 0);
    painted.push(value);
    if (painted.length > MAX_PAINTED) painted.splice(0, painted.length - MAX_PAINTED);
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
}

// --- a viewer --------------------------------------------------------------------------

interface DecodeStats {
  frames: number;
  /** Frames per second over the window, from the first to the last frame. */
  fps: number;
  width: number;
  height: number;
  /** Each new value decoded, in order (the latest ones). */
  values: number[];
  /** Latency of each new value, ms. */
  latencies: number[];
  /** Frames whose blocks could not be read. */
  unreadable: number;
  /** Whether the page's <video> plays muted (the browser refused sound without a click). */
  muted?: boolean;
}

let decoding: { stop(): void; stats(): DecodeStats; reset(): void } | undefined;

function decodeTrack(track: MediaStreamTrack): void {
  decoding?.stop();
  const clone = track.clone();
  const processor = new TrackProcessor({ track: clone });
  const reader = processor.readable.getReader();
  const sampleWidth = BLOCK_COUNT * 4;
  const canvas = new OffscreenCanvas(sampleWidth, 4);
  const context = canvas.getContext('2d', { willReadFrequently: true })!;
  let frames = 0;
  let first = 0;
  let last = 0;
  let width = 0;
  let height = 0;
  let unreadable = 0;
  let previous: number | undefined;
  const values: number[] = [];
  const latencies: number[] = [];
  let running = true;
  void (async () => {
    while (running) {
      const { value: frame, done } = await reader.read();
      if (done || !frame) break;
      const at = now();
      try {
        frames++;
        if (frames === 1) first = at;
        last = at;
        width = frame.displayWidth;
        height = frame.displayHeight;
        // The middle half of the row's height, squeezed to 4 pixels per block.
        const top = (BLOCK_ROW.top + BLOCK_ROW.height / 4) * height;
        context.drawImage(
          frame,
          0,
          top,
          width,
          (BLOCK_ROW.height / 2) * height,
          0,
          0,
          sampleWidth,
          4,
        );
        const pixels = context.getImageData(0, 0, sampleWidth, 4).data;
        const samples: number[] = [];
        for (let i = 0; i < BLOCK_COUNT; i++) {
          const offset = (2 * sampleWidth + i * 4 + 2) * 4;
          samples.push(luma(pixels[offset]!, pixels[offset + 1]!, pixels[offset + 2]!));
        }
        const value = decodeLuma(samples);
        if (value === undefined) unreadable++;
        else if (value !== previous) {
          previous = value;
          values.push(value);
          latencies.push(latencyMs(value, at));
          if (values.length > 5000) {
            values.splice(0, 1000);
            latencies.splice(0, 1000);
          }
        }
      } finally {
        frame.close();
      }
    }
  })();
  decoding = {
    stop() {
      running = false;
      void reader.cancel().catch(() => undefined);
      clone.stop();
    },
    reset() {
      frames = 0;
      unreadable = 0;
      values.length = 0;
      latencies.length = 0;
    },
    stats: () => ({
      frames,
      fps: frames > 1 ? ((frames - 1) * 1000) / (last - first) : 0,
      width,
      height,
      values: values.slice(-500),
      latencies: [...latencies],
      unreadable,
      muted: document.querySelector('video')?.muted,
    }),
  };
}

/** Decodes what the page's <video> shows, once it has a video track (bounded wait). */
async function decode(selector = 'video', timeoutMs = 20_000): Promise<void> {
  const deadline = now() + timeoutMs;
  for (;;) {
    const video = document.querySelector<HTMLVideoElement>(selector);
    const stream = video?.srcObject;
    const track = stream instanceof MediaStream ? stream.getVideoTracks()[0] : undefined;
    if (track) {
      decodeTrack(track);
      return;
    }
    if (now() > deadline) throw new Error(`no video track in ${selector} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// --- the bench's bare baseline ---------------------------------------------------------

let bare: RTCPeerConnection | undefined;
let bareStream: MediaStream | undefined;

async function gathered(pc: RTCPeerConnection): Promise<RTCSessionDescriptionInit> {
  await new Promise<void>((resolve) => {
    if (pc.iceGatheringState === 'complete') resolve();
    pc.addEventListener('icegatheringstatechange', () => {
      if (pc.iceGatheringState === 'complete') resolve();
    });
    setTimeout(resolve, 5_000);
  });
  return pc.localDescription!.toJSON();
}

export interface BareOptions {
  /** Prefer this codec (e.g. 'video/VP9'). */
  codec?: string;
  /** Peerbeam's encoder settings on the bare path, to measure their effect alone. */
  tuned?: {
    contentHint: string;
    degradationPreference: RTCDegradationPreference;
    maxBitrate: number;
  };
}

/** Captures the tab with the given constraints and offers it on a plain connection. */
async function bareSend(
  constraints: MediaStreamConstraints,
  { codec, tuned }: BareOptions = {},
): Promise<RTCSessionDescriptionInit> {
  bareStream = await navigator.mediaDevices.getUserMedia(constraints);
  bare = new RTCPeerConnection();
  for (const track of bareStream.getTracks()) {
    const video = track.kind === 'video';
    if (tuned && video) track.contentHint = tuned.contentHint;
    const transceiver = bare.addTransceiver(track, {
      direction: 'sendonly',
      streams: [bareStream],
      ...(tuned && video
        ? { sendEncodings: [{ maxBitrate: tuned.maxBitrate, maxFramerate: 30 }] }
        : {}),
    });
    if (codec && video) {
      const codecs = RTCRtpSender.getCapabilities('video')!.codecs;
      const rank = (c: RTCRtpCodec) => (c.mimeType.toLowerCase() === codec.toLowerCase() ? 0 : 1);
      transceiver.setCodecPreferences([...codecs].sort((a, b) => rank(a) - rank(b)));
    }
    if (tuned && video) {
      const parameters = transceiver.sender.getParameters();
      parameters.degradationPreference = tuned.degradationPreference;
      await transceiver.sender.setParameters(parameters).catch(() => undefined);
    }
  }
  await bare.setLocalDescription();
  return gathered(bare);
}

async function bareAccept(answer: RTCSessionDescriptionInit): Promise<void> {
  await bare!.setRemoteDescription(answer);
}

async function bareReceive(offer: RTCSessionDescriptionInit): Promise<RTCSessionDescriptionInit> {
  bare = new RTCPeerConnection();
  let video: HTMLVideoElement | undefined;
  bare.addEventListener('track', (event) => {
    const stream = event.streams[0] ?? new MediaStream([event.track]);
    // Played like the viewer page plays it (sound on if the browser allows, audio and video of
    // one stream kept in sync), so both paths have the same sinks.
    if (!video) {
      video = document.createElement('video');
      Object.assign(video, { autoplay: true, playsInline: true });
      video.style.cssText = 'width:100vw;height:100vh;object-fit:contain';
      video.srcObject = stream;
      document.body.append(video);
      const shown = video;
      shown.play().catch(() => {
        shown.muted = true;
        void shown.play().catch(() => undefined);
      });
    }
    if (event.track.kind === 'video') decodeTrack(event.track);
  });
  await bare.setRemoteDescription(offer);
  await bare.setLocalDescription();
  return gathered(bare);
}

function bareStop(): void {
  decoding?.stop();
  decoding = undefined;
  for (const track of bareStream?.getTracks() ?? []) track.stop();
  bare?.close();
  bare = undefined;
}

/** The video codec in use, from a connection's stats (the bare one, or `pc`). */
async function videoCodec(pc: RTCPeerConnection | undefined = bare): Promise<string | undefined> {
  if (!pc) return undefined;
  const report = await pc.getStats();
  const entries = [...(report.values() as Iterable<Record<string, unknown>>)];
  const rtp = entries.find(
    (e) => (e.type === 'inbound-rtp' || e.type === 'outbound-rtp') && e.kind === 'video',
  );
  const codec = entries.find((e) => e.id === rtp?.codecId);
  return typeof codec?.mimeType === 'string' ? codec.mimeType : undefined;
}

/** Video codecs this browser can send and receive. */
function codecs(): { send: string[]; receive: string[] } {
  const names = (list: RTCRtpCodec[] | undefined) => [
    ...new Set(
      (list ?? []).map((c) => c.mimeType).filter((m) => !/rtx|red|ulpfec|flexfec/i.test(m)),
    ),
  ];
  return {
    send: names(RTCRtpSender.getCapabilities('video')?.codecs),
    receive: names(RTCRtpReceiver.getCapabilities('video')?.codecs),
  };
}

const probe = {
  paint,
  painted: () => [...painted],
  decode,
  stats: (): DecodeStats | undefined => decoding?.stats(),
  reset: () => decoding?.reset(),
  stopDecoding: () => {
    decoding?.stop();
    decoding = undefined;
  },
  bareSend,
  bareAccept,
  bareReceive,
  bareStop,
  videoCodec,
  codecs,
};
export type Probe = typeof probe;
(globalThis as { peerbeamProbe?: Probe }).peerbeamProbe ??= probe;
