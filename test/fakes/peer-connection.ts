/**
 * Peer connections in memory, for sessions (src/engine/session.ts `createConnection`): the
 * connections of one generation on side A and side B share a FakeDataChannel pair, open once
 * both exist. Descriptions still travel, sealed, over the session's signaling: A offers, B
 * answers.
 */
import type { IncomingSignal } from '../../src/rtc/peer-connection.js';
import type { SessionConnection, SessionConnectionOptions } from '../../src/engine/session.js';
import { FakeDataChannel } from './data-channel.js';

interface Generation {
  pair: [FakeDataChannel, FakeDataChannel];
  opened: Promise<void>;
  created: Set<'A' | 'B'>;
  open: () => void;
}

export class FakePeerNetwork {
  private readonly generations = new Map<number, Generation>();
  /** Descriptions each side's connections received, in order. */
  readonly received: { A: string[]; B: string[] } = { A: [], B: [] };

  /** The `createConnection` for one side of the session. */
  side(role: 'A' | 'B'): (options: SessionConnectionOptions) => SessionConnection {
    return (options) => this.connection(role, options);
  }

  /** The channel end of `role` in `generation` (to close it, as a lost connection). */
  channel(role: 'A' | 'B', generation = 0): FakeDataChannel {
    return this.generation(generation).pair[role === 'A' ? 0 : 1];
  }

  private generation(number: number): Generation {
    let found = this.generations.get(number);
    if (!found) {
      let open!: () => void;
      const opened = new Promise<void>((resolve) => (open = resolve));
      found = { pair: FakeDataChannel.pair(), opened, created: new Set(), open };
      this.generations.set(number, found);
    }
    return found;
  }

  private connection(role: 'A' | 'B', options: SessionConnectionOptions): SessionConnection {
    const { generation } = options;
    const shared = this.generation(generation);
    shared.created.add(role);
    if (shared.created.size === 2) shared.open();
    const end = shared.pair[role === 'A' ? 0 : 1];
    let closed = false;
    const describe = (type: 'offer' | 'answer') =>
      options.sendSignal({ t: 'description', gen: generation, description: { type, sdp: 'fake' } });
    return {
      // The session hands its channel to rtc/backpressure, which is typed for the DOM class.
      channel: shared.opened.then(() => end as unknown as RTCDataChannel),
      get closed() {
        return closed;
      },
      maxMessageSize: 256 * 1024,
      pc: { connectionState: 'connected', addEventListener: () => undefined },
      offer: async () => describe('offer'),
      restartIce: async () => describe('offer'),
      waitConnected: async () => true,
      handleSignal: async (signal: IncomingSignal) => {
        if (!('description' in signal)) return;
        this.received[role].push(signal.description.type);
        if (signal.description.type === 'offer') describe('answer');
      },
      selectedPair: async () => ({ path: 'direct', local: 'host', remote: 'host' }),
      close: () => {
        closed = true;
      },
    };
  }
}
