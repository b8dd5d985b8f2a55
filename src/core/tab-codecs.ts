/**
 * Which video codec a tab share prefers, applied with RTCRtpTransceiver.setCodecPreferences.
 *
 * Measured, not guessed (`npm run bench -- tab`, bare RTCPeerConnection, tab captured at
 * 1280×720, two Chromium 156 on one 2-core machine, software codecs): see
 * src/core/PROTOCOL.md, "Tab share", for the table. VP8 had the lowest glass-to-glass latency
 * and kept 30 fps; VP9 and AV1 cost more CPU per frame (latency up, frame rate down under
 * load) and H264 is not offered by every build. VP8 first, the rest as the browser lists them.
 */
export const VIDEO_CODEC_PREFERENCE: readonly string[] = ['video/VP8'];

export interface CodecLike {
  mimeType: string;
}

/**
 * The codecs reordered: preferred ones first, in preference order, then every other codec in
 * the browser's order (retransmission, RED and FEC entries must stay in the list).
 */
export function preferCodecs<T extends CodecLike>(
  codecs: readonly T[],
  preference: readonly string[] = VIDEO_CODEC_PREFERENCE,
): T[] {
  const rank = (codec: T): number => {
    const index = preference.findIndex(
      (mime) => mime.toLowerCase() === codec.mimeType.toLowerCase(),
    );
    return index === -1 ? preference.length : index;
  };
  // Array.prototype.sort is stable: codecs of equal rank keep the browser's order.
  return [...codecs].sort((a, b) => rank(a) - rank(b));
}

/** 'video/VP8' → 'VP8'. */
export const codecName = (mimeType: string): string => mimeType.replace(/^video\//i, '');
