import { describe, expect, it } from 'vitest';
import { codecName, preferCodecs } from './tab-codecs.js';

const browserOrder = [
  { mimeType: 'video/VP8' },
  { mimeType: 'video/rtx' },
  { mimeType: 'video/H264', sdpFmtpLine: 'profile-level-id=42001f' },
  { mimeType: 'video/H264', sdpFmtpLine: 'profile-level-id=42e01f' },
  { mimeType: 'video/AV1' },
  { mimeType: 'video/VP9' },
  { mimeType: 'video/red' },
  { mimeType: 'video/ulpfec' },
];

describe('codec preferences are applied in a measured order', () => {
  it('puts preferred codecs first, in preference order', () => {
    const ordered = preferCodecs(browserOrder, ['video/AV1', 'video/VP9']);
    expect(ordered.slice(0, 2).map((c) => c.mimeType)).toEqual(['video/AV1', 'video/VP9']);
  });

  it('keeps every other codec, retransmission and FEC included, in the browser order', () => {
    const ordered = preferCodecs(browserOrder, ['video/VP9']);
    expect(ordered).toHaveLength(browserOrder.length);
    expect(ordered.slice(1).map((c) => c.mimeType)).toEqual([
      'video/VP8',
      'video/rtx',
      'video/H264',
      'video/H264',
      'video/AV1',
      'video/red',
      'video/ulpfec',
    ]);
  });

  it('keeps the order of several profiles of one codec', () => {
    const ordered = preferCodecs(browserOrder, ['video/h264']);
    expect(ordered.slice(0, 2).map((c) => (c as { sdpFmtpLine?: string }).sdpFmtpLine)).toEqual([
      'profile-level-id=42001f',
      'profile-level-id=42e01f',
    ]);
  });

  it('leaves the list as it is when the preferred codec is missing', () => {
    expect(preferCodecs(browserOrder, ['video/H265'])).toEqual(browserOrder);
  });

  it('names codecs without the media type', () => {
    expect(codecName('video/VP8')).toBe('VP8');
  });
});
