import { describe, expect, it } from 'vitest';
import type { ClientFrame, ServerFrame } from '../core/protocol.js';
import { establishSealedSignaling } from './sealed-signaling.js';
import type { SignalingConnection } from './signaling-client.js';

/**
 * A mailbox of two fake signaling connections: what one side sends as `relay` the other reads.
 * `mute` stops delivering one side's frames after the given count, as a peer that goes silent.
 */
function mailbox(options: { deliverFromB?: number } = {}) {
  const sides = [0, 1].map(() => ({ queue: [] as ServerFrame[], wake: () => {}, sent: 0 }));
  const connection = (self: 0 | 1): SignalingConnection => {
    const me = sides[self]!;
    const other = sides[1 - self]!;
    return {
      send(frame: ClientFrame) {
        if (frame.type !== 'relay') return;
        me.sent++;
        if (self === 1 && me.sent > (options.deliverFromB ?? Infinity)) return;
        other.queue.push({ type: 'relay', body: frame.body });
        other.wake();
      },
      async next(signal?: AbortSignal): Promise<ServerFrame> {
        for (;;) {
          signal?.throwIfAborted();
          const frame = me.queue.shift();
          if (frame) return frame;
          await new Promise<void>((resolve) => {
            me.wake = resolve;
            signal?.addEventListener('abort', () => resolve(), { once: true });
          });
        }
      },
    } as unknown as SignalingConnection;
  };
  return { a: connection(0), b: connection(1) };
}

const options = { password: 'apple-river', context: '7', stepTimeoutMs: 200 };

describe('every handshake step has a timeout', () => {
  it('two sides with the same code finish the PAKE', async () => {
    const { a, b } = mailbox();
    const [sealedA, sealedB] = await Promise.all([
      establishSealedSignaling(a, { role: 'A', ...options }),
      establishSealedSignaling(b, { role: 'B', ...options }),
    ]);
    expect(sealedA.isOpen && sealedB.isOpen).toBe(true);
  });

  it.each([
    ['a peer that never sends its share', 0],
    ['a peer that sends its share, takes our confirmation and goes silent', 1],
  ])('%s fails with TIMEOUT in bounded time', async (_case, deliverFromB) => {
    const { a, b } = mailbox({ deliverFromB });
    const started = Date.now();
    const silentPeer = establishSealedSignaling(b, {
      role: 'B',
      ...options,
      stepTimeoutMs: 60_000,
    });
    await expect(establishSealedSignaling(a, { role: 'A', ...options })).rejects.toMatchObject({
      code: 'TIMEOUT',
    });
    expect(Date.now() - started).toBeLessThan(2_000);
    void silentPeer.catch(() => undefined);
  });

  it('our own cancel is reported as the cancel, not as a timeout', async () => {
    const { a } = mailbox();
    const cancel = new AbortController();
    const attempt = establishSealedSignaling(a, { role: 'A', ...options, signal: cancel.signal });
    cancel.abort(new Error('cancelled by the person'));
    await expect(attempt).rejects.toThrow('cancelled by the person');
  });
});
