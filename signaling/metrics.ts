/**
 * Prometheus metrics for `/metrics`, in a registry of the server's own (tests run several
 * servers in one process). Mailbox counts come from the store, so with Redis they count every
 * process's mailboxes; connections, frames and rejections are this process's.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Logger } from './log.js';
import type { StoreStats } from './mailboxes.js';

/** Label values of `peerbeam_signaling_rejections_total`: stable, one per limit or check. */
export const REJECTION_REASONS = [
  'frame_too_large', // 4002, or 1009 when ws cuts the frame off while reading it
  'frame_rate', // 4003: this connection's frame rate
  'ip_frame_rate', // 4003: the frame rate of all connections of its address
  'invalid_frame', // 4001
  'protocol_mismatch', // 4000
  'hello_required', // error HELLO_REQUIRED
  'hello_timeout', // 4005
  'heartbeat_timeout', // 4004
  'ip_connections', // 4007
  'server_full', // 1013: MAX_CONNECTIONS
  'slow_consumer', // dropped without a close frame
  'allocation_rate', // error RATE_LIMITED on allocate
  'claim_rate', // error RATE_LIMITED on claim
  'join_rate', // error RATE_LIMITED on join
  'turn_budget', // paired{turn: 'withheld'}: a joined session's address spent its TURN budget
  'ip_mailboxes', // error RATE_LIMITED: MAX_MAILBOXES_PER_IP
  'store_error', // 1011
] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

export interface SignalingMetrics {
  readonly registry: Registry;
  readonly connectionsOpened: Counter;
  readonly pairings: Counter;
  readonly framesRelayed: Counter;
  readonly rejections: Counter<'reason'>;
  /** From a relay frame's arrival to its hand-off to the peer (its socket, or Redis). */
  readonly relayLatency: Histogram;
}

export interface MetricsSources {
  readonly connections: () => number;
  readonly stats: () => Promise<StoreStats>;
  /** Process metrics (RSS, heap, event loop lag, GC): on in main.ts, off in tests. */
  readonly collectDefault: boolean;
  readonly logger: Logger;
}

export function createMetrics(sources: MetricsSources): SignalingMetrics {
  const registry = new Registry();
  if (sources.collectDefault) collectDefaultMetrics({ register: registry });

  // One store round trip per scrape, shared by the gauges that read it.
  let scrape: Promise<StoreStats | null> | null = null;
  const stats = () => {
    scrape ??= sources
      .stats()
      .catch((error: unknown) => {
        sources.logger.warn('metrics.stats-failed', {
          error: error instanceof Error ? error.name : typeof error,
        });
        return null;
      })
      .finally(() => setImmediate(() => (scrape = null)));
    return scrape;
  };

  new Gauge({
    name: 'peerbeam_signaling_connections',
    help: 'Open WebSocket connections on this process.',
    registers: [registry],
    collect() {
      this.set(sources.connections());
    },
  });
  new Gauge({
    name: 'peerbeam_signaling_mailboxes',
    help: 'Open mailboxes (all processes sharing the store), by whether the second side is there.',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      const current = await stats();
      if (!current) return;
      this.set({ state: 'waiting' }, current.waiting);
      this.set({ state: 'paired' }, current.mailboxes - current.waiting);
    },
  });
  new Gauge({
    name: 'peerbeam_signaling_quarantined_nameplates',
    help: 'Used nameplates kept out of allocation for now.',
    registers: [registry],
    async collect() {
      const current = await stats();
      if (current) this.set(current.quarantinedNameplates);
    },
  });

  const rejections = new Counter({
    name: 'peerbeam_signaling_rejections_total',
    help: 'Frames or connections refused, by the limit or check that refused them.',
    labelNames: ['reason'],
    registers: [registry],
  });
  for (const reason of REJECTION_REASONS) rejections.inc({ reason }, 0);

  return {
    registry,
    rejections,
    connectionsOpened: new Counter({
      name: 'peerbeam_signaling_connections_opened_total',
      help: 'WebSocket connections accepted.',
      registers: [registry],
    }),
    pairings: new Counter({
      name: 'peerbeam_signaling_pairings_total',
      help: 'Mailboxes whose second side arrived (claims and joins that found the peer).',
      registers: [registry],
    }),
    framesRelayed: new Counter({
      name: 'peerbeam_signaling_frames_relayed_total',
      help: 'Relay frames handed to the other side of a mailbox.',
      registers: [registry],
    }),
    relayLatency: new Histogram({
      name: 'peerbeam_signaling_relay_latency_seconds',
      help: "From a relay frame's arrival to its hand-off to the peer's socket (or to Redis).",
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
  };
}
