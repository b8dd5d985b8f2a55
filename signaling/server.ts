/**
 * The signaling server: wires the HTTP routes (`/healthz`, `/metrics`, `/watch`, upgrades to
 * `/ws`: http-routes.ts), what is let in (admission.ts) and each connection's state machine
 * (connection.ts, run by connection-driver.ts) around a `MailboxStore`, which owns mailboxes
 * (in memory, or in Redis shared by several processes: see backend.ts).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { Admission } from './admission.js';
import { createInMemoryBackend } from './backend.js';
import type { Config } from './config.js';
import { HEARTBEAT_SLICES, createConnectionDriver } from './connection-driver.js';
import { createHttpRoutes, WS_PATH, type HealthReport } from './http-routes.js';
import { addressKey, clientAddress } from './ip.js';
import { errorName, silentLogger, type Logger } from './log.js';
import type { MailboxStore } from './mailboxes.js';
import { createMetrics } from './metrics.js';
import type { Clock, RateLimiter } from './rate-limit.js';
import { createWebViewer, type WebViewerHandler } from './web-viewer.js';

export type { HealthReport } from './http-routes.js';

/** ws stops reading a frame past this many times MAX_FRAME_BYTES (and closes with 1009) instead
 * of buffering it only to reject it; frames between the two limits get the clearer 4002. */
const HARD_CAP_FACTOR = 4;
const SLOW_CONSUMER_BYTES = 1 << 20;

export interface ListeningAddress {
  readonly host: string;
  readonly port: number;
  /** http://host:port */
  readonly url: string;
  /** ws://host:port/ws */
  readonly wsUrl: string;
}

export interface SignalingServer {
  listen(): Promise<ListeningAddress>;
  /** Stops accepting, closes every client with SERVER_SHUTTING_DOWN and waits for them. */
  close(): Promise<void>;
  health(): Promise<HealthReport>;
}

export interface SignalingServerOptions {
  /** Defaults to the in-memory store; backend.ts makes a Redis one from REDIS_URL. */
  readonly store?: MailboxStore;
  /** Per-address limits; in memory unless given (Redis shares them). */
  readonly allocations?: RateLimiter;
  readonly claims?: RateLimiter;
  readonly joins?: RateLimiter;
  /** TURN credentials for joined (paired-device) sessions, per address. */
  readonly turnGrants?: RateLimiter;
  readonly now?: Clock;
  /** A client that lets this much pile up unsent is dropped. Defaults to 1 MiB. */
  readonly slowConsumerBytes?: number;
  /** Process metrics (RSS, heap, event loop) in /metrics; main.ts turns them on. */
  readonly processMetrics?: boolean;
  /** The no-install tab viewer at /watch; defaults to the built dist-web/. */
  readonly webViewer?: WebViewerHandler;
}

export function createSignalingServer(
  config: Config,
  logger: Logger = silentLogger,
  options: SignalingServerOptions = {},
): SignalingServer {
  const now = options.now ?? Date.now;
  const defaults = createInMemoryBackend({ ...config, redisUrl: null }, now);
  const store = options.store ?? defaults.store;
  const admission = new Admission(
    config,
    {
      allocations: options.allocations ?? defaults.allocations,
      claims: options.claims ?? defaults.claims,
      joins: options.joins ?? defaults.joins,
      turnGrants: options.turnGrants ?? defaults.turnGrants,
    },
    now,
  );
  const startedAt = now();
  const metrics = createMetrics({
    connections: () => connections.size,
    stats: () => store.stats(),
    collectDefault: options.processMetrics ?? false,
    logger,
  });
  const connections = createConnectionDriver({
    config,
    logger,
    metrics,
    store,
    admission,
    now,
    slowConsumerBytes: options.slowConsumerBytes ?? SLOW_CONSUMER_BYTES,
  });
  const intervals: NodeJS.Timeout[] = [];
  let shuttingDown: Promise<void> | null = null;

  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    perMessageDeflate: false, // compression would let a small frame inflate past every limit
    maxPayload: config.maxFrameBytes * HARD_CAP_FACTOR,
  });
  const routes = createHttpRoutes({
    webViewer: options.webViewer ?? createWebViewer(),
    metrics,
    health,
    draining: () => shuttingDown !== null,
    logger,
    onWebSocket(req, socket, head) {
      const key = addressKey(clientAddress(req, config.trustProxy));
      wss.handleUpgrade(req, socket, head, (ws) => connections.admit(ws, key));
    },
  });
  const http = createServer(routes.request);
  http.on('upgrade', routes.upgrade);

  async function health(): Promise<HealthReport> {
    const stats = await store.stats();
    return {
      ok: true,
      connections: connections.size,
      mailboxes: stats.mailboxes,
      waiting: stats.waiting,
      quarantinedNameplates: stats.quarantinedNameplates,
      uptimeSeconds: Math.round((now() - startedAt) / 1000),
    };
  }

  async function sweep(): Promise<void> {
    admission.prune();
    try {
      await store.sweep();
    } catch (error) {
      logger.error('store.sweep-failed', { error: errorName(error) });
    }
  }

  return {
    health,

    listen() {
      return new Promise((resolve, reject) => {
        http.once('error', reject);
        http.listen(config.port, config.host, () => {
          http.off('error', reject);
          const { port } = http.address() as AddressInfo;
          const host = config.host.includes(':') ? `[${config.host}]` : config.host;
          const url = `http://${host}:${port}`;
          intervals.push(
            setInterval(connections.heartbeat, config.heartbeatIntervalMs / HEARTBEAT_SLICES),
            // Often enough that a mailbox outlives its TTL by at most a quarter of it.
            setInterval(() => void sweep(), Math.min(config.mailboxTtlMs / 4, 60_000)),
          );
          resolve({ host: config.host, port, url, wsUrl: `ws://${host}:${port}${WS_PATH}` });
        });
      });
    },

    close() {
      shuttingDown ??= (async () => {
        logger.info('shutdown', { connections: connections.size });
        for (const interval of intervals) clearInterval(interval);
        // Resolves once every socket, upgraded ones included, has ended (or at once if never
        // listening: the callback then gets ERR_SERVER_NOT_RUNNING, which changes nothing here).
        const httpClosed = new Promise<void>((resolve) => http.close(() => resolve()));
        http.closeIdleConnections();
        await connections.shutdown();
        await httpClosed;
        await store.close();
        logger.info('stopped');
      })();
      return shuttingDown;
    },
  };
}
