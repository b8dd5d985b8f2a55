/**
 * Which video codec a tab share prefers, applied with RTCRtpTransceiver.setCodecPreferences.
 *
 * Measured, not guessed (`npm run bench -- tab`: bare connection, 1280×720 tab, two Chromium
 * 156 on one 2-core machine, software codecs; table in src/core/PROTOCOL.md, "Tab share"):
 * p50 glass-to-glass VP8 60 ms at 30 fps, VP9 89 ms at 30 fps, H264 74 ms at 15 fps (OpenH264
 * could not keep up), AV1 85 ms at 30 fps. VP8 was lowest or tied in every run and kept 30 fps
 * where VP9 sometimes dropped frames (more CPU per frame, and every viewer has its own
 * encoder). VP8 first; the rest follow in the browser's order, so a peer without VP8 still
 * gets a codec.
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
