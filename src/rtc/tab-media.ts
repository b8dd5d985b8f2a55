/**
 * What a tab share's media connection carries, set up on its RTCPeerConnection
 * (peer-connection.ts): the sharer sends the tab's video and audio, tuned for text; the viewer
 * receives them as one stream.
 */
import { preferCodecs } from '../core/tab-codecs.js';
import {
  tabCaptureConstraints,
  videoEncoding,
  type TabLimit,
  type TabQuality,
} from '../core/tab-quality.js';

/** Adds `stream`'s tracks, sendonly; returns the video sender (to tune after the offer). */
export function addTabTracks(
  pc: RTCPeerConnection,
  stream: MediaStream,
  quality: TabQuality,
): RTCRtpSender | undefined {
  let video: RTCRtpSender | undefined;
  for (const track of stream.getTracks()) {
    if (track.kind === 'video') {
      const transceiver = pc.addTransceiver(track, {
        direction: 'sendonly',
        streams: [stream],
        sendEncodings: [videoEncoding(quality)],
      });
      preferVideoCodecs(transceiver);
      video = transceiver.sender;
    } else {
      pc.addTransceiver(track, { direction: 'sendonly', streams: [stream] });
    }
  }
  return video;
}

/** Under pressure, drop frames before pixels: text must stay readable. */
export async function keepResolution(sender: RTCRtpSender): Promise<void> {
  const parameters = sender.getParameters() as RTCRtpSendParameters & {
    degradationPreference?: string;
  };
  parameters.degradationPreference = 'maintain-resolution';
  try {
    await sender.setParameters(parameters);
  } catch {
    // Older builds reject the field; contentHint 'detail' implies the same preference there.
  }
}

/** The sharer's stream, once its first track arrived. */
export function receivedStream(pc: RTCPeerConnection, signal: AbortSignal): Promise<MediaStream> {
  return new Promise<MediaStream>((resolve) => {
    pc.addEventListener(
      'track',
      (event) => resolve(event.streams[0] ?? new MediaStream([event.track])),
      { signal },
    );
  });
}

function preferVideoCodecs(transceiver: RTCRtpTransceiver): void {
  // A sendonly transceiver is checked against what this browser can send.
  for (const capabilities of [
    RTCRtpSender.getCapabilities('video'),
    RTCRtpReceiver.getCapabilities('video'),
  ]) {
    if (!capabilities) continue;
    try {
      transceiver.setCodecPreferences(preferCodecs(capabilities.codecs));
      return;
    } catch {
      // Try the other list; without preferences the browser's default order applies.
    }
  }
}

/**
 * A live share's new quality, on the capture track: the same maximums as at capture
 * (tab-quality.ts), as standard constraints, since the track cannot be captured again.
 */
export async function retuneCapture(track: MediaStreamTrack, quality: TabQuality): Promise<void> {
  const { maxWidth, maxHeight, minFrameRate, maxFrameRate } = tabCaptureConstraints('', quality)
    .video.mandatory;
  await track.applyConstraints({
    width: { max: maxWidth },
    height: { max: maxHeight },
    frameRate: { min: minFrameRate, max: maxFrameRate },
  });
}

/**
 * A live share's new quality, on one viewer's video sender: no renegotiation. Should the
 * capture track still be larger than the preset (its constraints did not take), the encoder
 * scales it down. `limit`: the rung the sender runs at under pressure (tab-quality.ts
 * TabPressure), on top of the preset.
 */
export async function retuneSender(
  sender: RTCRtpSender,
  quality: TabQuality,
  limit?: TabLimit,
): Promise<void> {
  const { maxWidth, maxHeight } = tabCaptureConstraints('', quality).video.mandatory;
  const { width = 0, height = 0 } = sender.track?.getSettings() ?? {};
  const scale = Math.max(1, width / maxWidth, height / maxHeight);
  const parameters = sender.getParameters();
  const encoding = {
    ...videoEncoding(quality),
    scaleResolutionDownBy: scale * (limit?.scaleResolutionDownBy ?? 1),
    ...(limit ? { maxFramerate: limit.maxFramerate } : {}),
  };
  parameters.encodings = parameters.encodings.map((current) => ({ ...current, ...encoding }));
  await sender.setParameters(parameters);
}

/** The video sender of a tab share's connection, once it has its track. */
export function tabVideoSender(pc: RTCPeerConnection): RTCRtpSender | undefined {
  return pc.getSenders().find((sender) => sender.track?.kind === 'video');
}
