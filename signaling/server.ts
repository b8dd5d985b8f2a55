/**
 * The signaling server: HTTP (`/healthz`) and WebSocket (`/ws`) transport around a
 * `MailboxStore`. It owns everything about connections (hello handshake, frame checks, limits,
 * heartbeat, shutdown); the store owns mailboxes.
 *
 * Each connection is a small state machine:
 *
 *   awaiting-hello --hello{v}--> ready --(any close)--> closing (later frames ignored)
 *        |  other frame: error HELLO_REQUIRED (stays awaiting-hello)
 *        |  wrong v: close 4000; nothing in HELLO_TIMEOUT: close 4005
 *
 * Checks on every frame, in order: size (4002), rate (4003), text (4001), schema (4001).
 * Frames of one connection are handled one after another, so a store that answers
 * asynchronously (Redis) cannot reorder a claim and the relay sent right after it.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { Config } from './config.js';
import { addressKey, clientAddress } from './ip.js';
import { silentLogger, type Logger } from './log.js';
import {
  createInMemoryMailboxStore,
  type MailboxErrorCode,
  type MailboxEvent,
  type MailboxStore,
} from './mailboxes.js';
import { KeyedRateLimit, TokenBucket, type Clock } from './rate-limit.js';
import { turnIceServer } from './turn.js';
import {
  CLOSE_REASONS,
  CloseCode,
  PROTOCOL_VERSION,
  SignalingErrorCode,
  decodeClientFrame,
  encodeFrame,
  type ClientFrame,
  type IceServer,
  type ServerFrame,
} from '../src/core/protocol.js';

export const WS_PATH = '/ws';
/** ws stops reading a frame past this many times MAX_FRAME_BYTES (and closes with 1009) instead
 * of buffering it only to reject it; frames between the two limits get the clearer 4002. */
const HARD_CAP_FACTOR = 4;
/** A client that lets this much pile up unsent is not reading: drop it rather than buffer more. */
const SLOW_CONSUMER_BYTES = 1 << 20;
/** How long a closed client has to answer the close frame before its socket is destroyed. */
const CLOSE_GRACE_MS = 2000;
const INTERNAL_ERROR = 1011;

const ERROR_MESSAGES: Record<SignalingErrorCode, string> = {
  NO_SUCH_NAMEPLATE: 'no mailbox has that nameplate: check the code',
  MAILBOX_FULL: 'this mailbox already has two sides',
  ALREADY_IN_MAILBOX: 'this connection is already in a mailbox: release it first',
  NOT_IN_MAILBOX: 'this connection is not in a mailbox',
  NO_PEER: 'the other side is not here',
  HELLO_REQUIRED: 'send hello first',
  RATE_LIMITED: 'too many attempts from this address: try again in a minute',
  NAMEPLATES_EXHAUSTED: 'no free nameplate: try again later',
};

export interface ListeningAddress {
  readonly host: string;
  readonly port: number;
  /** http://host:port */
  readonly url: string;
  /** ws://host:port/ws */
  readonly wsUrl: string;
}

export interface HealthReport {
  readonly ok: true;
  readonly connections: number;
  readonly mailboxes: number;
  readonly waiting: number;
  readonly quarantinedNameplates: number;
  readonly uptimeSeconds: number;
}

export interface SignalingServer {
  listen(): Promise<ListeningAddress>;
  /** Stops accepting, closes every client with SERVER_SHUTTING_DOWN and waits for them. */
  close(): Promise<void>;
  health(): Promise<HealthReport>;
}

export interface SignalingServerOptions {
  /** Defaults to the in-memory store. */
  readonly store?: MailboxStore;
  readonly now?: Clock;
  /** Defaults to 1 MiB. */
  readonly slowConsumerBytes?: number;
}

interface Connection {
  readonly id: string;
  readonly ws: WebSocket;
  readonly addressKey: string;
  readonly openedAt: number;
  readonly frameBudget: TokenBucket;
  state: 'awaiting-hello' | 'ready' | 'closing';
  /** Cleared on every heartbeat, set by the pong. */
  answeredPing: boolean;
  /** Frames waiting for the store, handled in order. */
  queue: Promise<void>;
  /** Mailbox events that arrived while one of this connection's frames was being handled. */
  deferred: MailboxEvent[] | null;
  readonly timers: NodeJS.Timeout[];
  readonly closed: Promise<void>;
}

export function createSignalingServer(
  config: Config,
  logger: Logger = silentLogger,
  options: SignalingServerOptions = {},
): SignalingServer {
  const now = options.now ?? Date.now;
  const slowConsumerBytes = options.slowConsumerBytes ?? SLOW_CONSUMER_BYTES;
  const store =
    options.store ??
    createInMemoryMailboxStore({
      mailboxTtlMs: config.mailboxTtlMs,
      nameplateQuarantineMs: config.nameplateQuarantineMs,
      now,
    });
  const startedAt = now();
  const connections = new Map<string, Connection>();
  const connectionsPerAddress = new Map<string, number>();
  const allocations = new KeyedRateLimit(config.allocationsPerMinute, now);
  const claims = new KeyedRateLimit(config.claimsPerMinute, now);
  const intervals: NodeJS.Timeout[] = [];
  let shuttingDown: Promise<void> | null = null;

  const http = createServer(handleRequest);
  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    perMessageDeflate: false, // compression would let a small frame inflate past every limit
    maxPayload: config.maxFrameBytes * HARD_CAP_FACTOR,
  });
  http.on('upgrade', handleUpgrade);

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

  function handleRequest(req: IncomingMessage, res: ServerResponse): void {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path !== '/healthz') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end();
      return;
    }
    health().then(
      (report) => {
        res
          .writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' })
          .end(JSON.stringify(report));
      },
      (error: unknown) => {
        logger.error('healthz.failed', { error: errorName(error) });
        res.writeHead(503, { 'content-type': 'application/json' }).end('{"ok":false}');
      },
    );
  }

  function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path !== WS_PATH || shuttingDown) {
      const status = shuttingDown ? '503 Service Unavailable' : '404 Not Found';
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    const key = addressKey(clientAddress(req, config.trustProxy));
    wss.handleUpgrade(req, socket, head, (ws) => {
      const open = connectionsPerAddress.get(key) ?? 0;
      // Upgrade first, then close: a browser sees a close code, never an HTTP status.
      if (open >= config.maxConnectionsPerIp) {
        logger.warn('conn.rejected', { reason: 'too-many-connections' });
        ws.on('error', () => {});
        ws.close(CloseCode.TOO_MANY_CONNECTIONS, CLOSE_REASONS[CloseCode.TOO_MANY_CONNECTIONS]);
        setTimeout(() => ws.terminate(), CLOSE_GRACE_MS).unref();
        return;
      }
      connectionsPerAddress.set(key, open + 1);
      accept(ws, key);
    });
  }

  function accept(ws: WebSocket, key: string): void {
    let resolveClosed = () => {};
    const conn: Connection = {
      id: randomBytes(8).toString('hex'),
      ws,
      addressKey: key,
      openedAt: now(),
      frameBudget: new TokenBucket(config.frameBurst, config.frameRate, now),
      state: 'awaiting-hello',
      answeredPing: true,
      queue: Promise.resolve(),
      deferred: null,
      timers: [],
      closed: new Promise((resolve) => (resolveClosed = resolve)),
    };
    connections.set(conn.id, conn);
    conn.timers.push(
      setTimeout(() => {
        if (conn.state === 'awaiting-hello') closeWith(conn, CloseCode.HELLO_TIMEOUT);
      }, config.helloTimeoutMs),
    );
    logger.info('conn.open', { conn: conn.id, connections: connections.size });

    ws.on('message', (data, isBinary) => receive(conn, data, isBinary));
    ws.on('pong', () => (conn.answeredPing = true));
    ws.on('error', (error) =>
      logger.warn('conn.error', { conn: conn.id, error: errorName(error) }),
    );
    ws.on('close', (code) => {
      conn.state = 'closing';
      for (const timer of conn.timers) clearTimeout(timer);
      connections.delete(conn.id);
      const open = (connectionsPerAddress.get(key) ?? 1) - 1;
      if (open > 0) connectionsPerAddress.set(key, open);
      else connectionsPerAddress.delete(key);
      // Queued after the frames already received, so a release still reaches the peer first.
      enqueue(conn, () => store.disconnect(conn.id));
      logger.info('conn.close', {
        conn: conn.id,
        code,
        seconds: Math.round((now() - conn.openedAt) / 1000),
        connections: connections.size,
      });
      resolveClosed();
    });

    enqueue(conn, () => store.connect(conn.id, (event) => onMailboxEvent(conn, event)));
  }

  function receive(conn: Connection, data: RawData, isBinary: boolean): void {
    if (conn.state === 'closing') return;
    const bytes = toBuffer(data);
    if (bytes.length > config.maxFrameBytes) return closeWith(conn, CloseCode.FRAME_TOO_LARGE);
    if (!conn.frameBudget.take()) return closeWith(conn, CloseCode.RATE_LIMITED);
    if (isBinary) return closeWith(conn, CloseCode.INVALID_FRAME);
    const decoded = decodeClientFrame(bytes.toString('utf8'));
    if (!decoded.ok) return closeWith(conn, CloseCode.INVALID_FRAME);
    const frame = decoded.frame;

    if (conn.state === 'awaiting-hello') {
      if (frame.type !== 'hello') return sendError(conn, SignalingErrorCode.HELLO_REQUIRED);
      if (frame.v !== PROTOCOL_VERSION) return closeWith(conn, CloseCode.PROTOCOL_MISMATCH);
      conn.state = 'ready';
      send(conn, { type: 'welcome', v: PROTOCOL_VERSION, maxFrameBytes: config.maxFrameBytes });
      return;
    }
    // hello is the first frame and only the first.
    if (frame.type === 'hello') return closeWith(conn, CloseCode.INVALID_FRAME);
    enqueue(conn, () => handle(conn, frame));
  }

  /** Also runs for frames queued before a close: a `release{scary}` sent just before the
   * socket closed must still reach the peer with its mood. Replies to a closed socket are dropped. */
  async function handle(conn: Connection, frame: Exclude<ClientFrame, { type: 'hello' }>) {
    switch (frame.type) {
      case 'allocate': {
        if (!allocations.take(conn.addressKey)) {
          return sendError(conn, SignalingErrorCode.RATE_LIMITED);
        }
        const result = await store.allocate(conn.id);
        if (!result.ok) return sendError(conn, result.code);
        send(conn, { type: 'allocated', nameplate: result.nameplate });
        return;
      }
      case 'claim': {
        if (!claims.take(conn.addressKey)) return sendError(conn, SignalingErrorCode.RATE_LIMITED);
        const result = await store.claim(conn.id, frame.nameplate);
        if (!result.ok) return sendError(conn, result.code);
        send(conn, { type: 'claimed', nameplate: frame.nameplate });
        sendPaired(conn);
        return;
      }
      case 'join': {
        const result = await store.join(conn.id, frame.mailbox);
        if (!result.ok) return sendError(conn, result.code);
        send(conn, { type: 'joined', peerPresent: result.peerPresent });
        if (result.peerPresent) sendPaired(conn);
        return;
      }
      case 'relay': {
        const result = await store.relay(conn.id, frame.body);
        if (!result.ok) sendError(conn, result.code);
        return;
      }
      case 'release':
        return store.release(conn.id, frame.mood);
    }
  }

  function onMailboxEvent(conn: Connection, event: MailboxEvent): void {
    if (conn.deferred) conn.deferred.push(event);
    else deliverEvent(conn, event);
  }

  function deliverEvent(conn: Connection, event: MailboxEvent): void {
    switch (event.type) {
      case 'paired':
        return sendPaired(conn);
      case 'relay':
        return send(conn, { type: 'relay', body: event.body });
      case 'peer-left':
        return send(
          conn,
          event.mood === undefined
            ? { type: 'peer', event: 'left' }
            : { type: 'peer', event: 'left', mood: event.mood },
        );
      case 'expired':
        return closeWith(conn, CloseCode.MAILBOX_EXPIRED);
    }
  }

  /** Only here, once a client is in a mailbox with its peer, are TURN credentials minted. */
  function sendPaired(conn: Connection): void {
    const iceServers: IceServer[] = [...config.iceServers];
    if (config.turn) iceServers.push(turnIceServer(config.turn, now(), conn.id));
    send(conn, { type: 'paired', iceServers });
  }

  function sendError(conn: Connection, code: SignalingErrorCode | MailboxErrorCode): void {
    send(conn, { type: 'error', code, message: ERROR_MESSAGES[code] });
  }

  function send(conn: Connection, frame: ServerFrame): void {
    if (conn.state === 'closing' || conn.ws.readyState !== conn.ws.OPEN) return;
    if (conn.ws.bufferedAmount > slowConsumerBytes) {
      // A close frame would wait behind the backlog it cannot drain: drop the socket.
      logger.warn('conn.dropped', { conn: conn.id, reason: 'slow-consumer' });
      conn.state = 'closing';
      conn.ws.terminate();
      return;
    }
    conn.ws.send(encodeFrame(frame));
  }

  function closeWith(conn: Connection, code: CloseCode | typeof INTERNAL_ERROR): void {
    if (conn.state === 'closing') return;
    conn.state = 'closing';
    if (code !== CloseCode.SERVER_SHUTTING_DOWN) {
      logger.info('conn.closing', { conn: conn.id, code });
    }
    const reason = code === INTERNAL_ERROR ? 'internal error' : CLOSE_REASONS[code];
    conn.ws.close(code, reason);
    // A client that never answers the close frame must not hold its socket (ws waits 30 s).
    conn.timers.push(setTimeout(() => conn.ws.terminate(), CLOSE_GRACE_MS));
  }

  /**
   * Runs `task` after the connection's earlier ones. Events for the connection wait until it is
   * done, so a reply always precedes what the peer did after it (claimed, paired, then the
   * peer's first relay), however the store interleaves its callbacks.
   */
  function enqueue(conn: Connection, task: () => Promise<unknown>): void {
    conn.queue = conn.queue.then(async () => {
      conn.deferred = [];
      try {
        await task();
      } catch (error) {
        logger.error('store.failed', { conn: conn.id, error: errorName(error) });
        closeWith(conn, INTERNAL_ERROR);
      } finally {
        const deferred = conn.deferred;
        conn.deferred = null;
        for (const event of deferred) deliverEvent(conn, event);
      }
    });
  }

  function heartbeat(): void {
    for (const conn of connections.values()) {
      if (conn.state === 'closing') continue;
      if (!conn.answeredPing) {
        closeWith(conn, CloseCode.HEARTBEAT_TIMEOUT);
        continue;
      }
      conn.answeredPing = false;
      conn.ws.ping();
    }
  }

  async function sweep(): Promise<void> {
    allocations.prune();
    claims.prune();
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
            setInterval(heartbeat, config.heartbeatIntervalMs),
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
        const clients = [...connections.values()];
        for (const conn of clients) closeWith(conn, CloseCode.SERVER_SHUTTING_DOWN);
        await Promise.all(clients.map((conn) => conn.closed));
        await Promise.all(clients.map((conn) => conn.queue));
        await httpClosed;
        await store.close();
        logger.info('stopped');
      })();
      return shuttingDown;
    },
  };
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/** Error class or code only: messages can quote the data that caused them. */
function errorName(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code ?? error.name;
  }
  return typeof error;
}
