/**
 * Send-side flow control for an RTCDataChannel: keep the channel's buffer between a low and a
 * high mark, waking on `bufferedamountlow` (never polling). The high mark stays far below
 * Chromium's 16 MiB send-queue limit, where send() would throw and close the channel.
 */
export const HIGH_WATER_BYTES = 8 * 1024 * 1024;
export const LOW_WATER_BYTES = 2 * 1024 * 1024;

export function configureBackpressure(channel: RTCDataChannel, lowWater = LOW_WATER_BYTES): void {
  channel.bufferedAmountLowThreshold = lowWater;
}

/** Resolves once there is room below the high mark (or rejects when the channel closes). */
export function whenWritable(
  channel: RTCDataChannel,
  highWater = HIGH_WATER_BYTES,
  signal?: AbortSignal,
): Promise<void> {
  if (channel.readyState !== 'open') return Promise.reject(new Error('channel closed'));
  if (channel.bufferedAmount <= highWater) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const done = () => {
      channel.removeEventListener('bufferedamountlow', onLow);
      channel.removeEventListener('close', onClose);
      signal?.removeEventListener('abort', onClose);
    };
    const onLow = () => {
      done();
      resolve();
    };
    const onClose = () => {
      done();
      reject(new Error('channel closed'));
    };
    channel.addEventListener('bufferedamountlow', onLow);
    channel.addEventListener('close', onClose);
    signal?.addEventListener('abort', onClose);
  });
}
