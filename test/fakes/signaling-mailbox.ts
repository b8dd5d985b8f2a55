/**
 * A signaling mailbox in memory: two connections where what one side relays the other reads,
 * and a `release` reaches the other side as the server says it (peer{left, mood}). Only what
 * the sealed signaling uses (send, next, close) exists.
 */
import type { ClientFrame, ServerFrame } from '../../src/core/protocol.js';
import type { SignalingConnection } from '../../src/rtc/signaling-client.js';

interface Side {
  queue: ServerFrame[];
  wake: () => void;
}

export interface FakeMailboxOptions {
  /** B's relays after this many are lost: a peer that goes silent mid-handshake. */
  relaysFromB?: number;
}

export function fakeMailbox(options: FakeMailboxOptions = {}): {
  a: SignalingConnection;
  b: SignalingConnection;
} {
  const sides: [Side, Side] = [
    { queue: [], wake: () => undefined },
    { queue: [], wake: () => undefined },
  ];
  const connection = (self: 0 | 1) => {
    const me = sides[self];
    const other = sides[self === 0 ? 1 : 0];
    const deliver = (frame: ServerFrame) => {
      other.queue.push(frame);
      other.wake();
    };
    let relays = 0;
    const muted = () => self === 1 && ++relays > (options.relaysFromB ?? Infinity);
    return {
      send(frame: ClientFrame) {
        if (frame.type === 'relay' && !muted()) deliver({ type: 'relay', body: frame.body });
        if (frame.type === 'release') deliver({ type: 'peer', event: 'left', mood: frame.mood });
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
      close() {
        deliver({ type: 'peer', event: 'left' });
      },
    };
  };
  // The class has a socket behind it; the sealed signaling uses only these three methods.
  return {
    a: connection(0) as unknown as SignalingConnection,
    b: connection(1) as unknown as SignalingConnection,
  };
}
