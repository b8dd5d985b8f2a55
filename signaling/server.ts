/**
 * The signaling server: HTTP (`/healthz`, `/metrics`) and WebSocket (`/ws`) transport around a
 * `MailboxStore`. It owns everything about connections (hello handshake, frame checks, limits,
 * heartbeat, shutdown); the store owns mailboxes (in memory, or in Redis shared by several
 * processes: see backend.ts).
 *
 * Each connection is a small state machine:
 *
 *   awaiting-hello --hello{v}--> ready --(any close)--> closing (later frames ignored)
 *        |  other frame: error HELLO_REQUIRED (stays awaiting-hello)
 *        |  wrong v: close 4000; nothing in HELLO_TIMEOUT: close 4005
 *
 * Checks on every frame, in order: size (4002), rate of the connection, then of its address
 * (4003), text (4001), schema (4001). Per process: connections (1013 past MAX_CONNECTIONS, 4007
 * past MAX_CONNECTIONS_PER_IP), mailboxes per address (RATE_LIMITED). Shared through the
 * backend: allocations, claims and joins per address (RATE_LIMITED), nameplates and their
 * quarantine, and the TURN budget of joined sessions.
 * Frames of one connection are handled one after another, so a store that answers
 * asynchronously (Redis) cannot reorder a claim and the relay sent right after it; frames to a
 * connection go out in order too, even when one waits for its TURN budget.
 *
 * TURN credentials: a session paired by nameplate gets them (its claim was a guess, bounded
 * per address). A paired-device mailbox is any 64-hex id, so anyone can make one up and pair
 * two sockets in it: those sessions get credentials out of TURN_GRANTS_PER_HOUR per address,
 * and STUN only past it.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { Config } from './config.js';
import { addressKey, clientAddress } from './ip.js';
import { createInMemoryBackend } from './backend.js';
import { silentLogger, type Logger } from './log.js';
import type { MailboxErrorCode, MailboxEvent, MailboxStore } from './mailboxes.js';
import { createMetrics, type RejectionReason } from './metrics.js';
import { KeyedTokenBuckets, TokenBucket, type Clock, type RateLimiter } from './rate-limit.js';
import { turnIceServer } from './turn.js';
import { createWebViewer, type WebViewerHandler } from './web-viewer.js';
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
const HEARTBEAT_SLICES = 10;
/** RFC 6455 "Try Again Later": this process is full, another one (or later) may not be. */
const SERVER_FULL = 1013;
const SERVER_FULL_REASON = 'server full: try again later';

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
  /** Defaults to the in-memory store; backend.ts makes a Redis one from REDIS_URL. */
  readonly store?: MailboxStore;
  /** Per-address limits; in memory unless given (Redis shares them). */
  readonly allocations?: RateLimiter;
  readonly claims?: RateLimiter;
  readonly joins?: RateLimiter;
  /** TURN credentials for joined (paired-device) sessions, per address. */
  readonly turnGrants?: RateLimiter;
  readonly now?: Clock;
  /** Defaults to 1 MiB. */
  readonly slowConsumerBytes?: number;
  /** Process metrics (RSS, heap, event loop) in /metrics; main.ts turns them on. */
  readonly processMetrics?: boolean;
  /** The no-install tab viewer at /watch; defaults to the built dist-web/. */
  readonly webViewer?: WebViewerHandler;
}

interface Connection {
  readonly id: string;
  readonly ws: WebSocket;
  readonly addressKey: string;
  readonly openedAt: number;
  readonly frameBudget: TokenBucket;
  state: 'awaiting-hello' | 'ready' | 'closing';
  /** The kind of mailbox it is in, as far as this process knows (counts MAX_MAILBOXES_PER_IP). */
  mailbox: 'nameplate' | 'paired' | null;
  /** Cleared on every heartbeat, set by the pong. */
  answeredPing: boolean;
  /** When the last ping went out (the connection's opening, before the first). */
  pingedAt: number;
  /** Frames waiting for the store, handled in order. */
  queue: Promise<void>;
  /** Set while a frame to this client waits (for its TURN budget); later ones go after it. */
  outbox: Promise<void> | null;
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
  const defaults = createInMemoryBackend({ ...config, redisUrl: null }, now);
  const store = options.store ?? defaults.store;
  const allocations = options.allocations ?? defaults.allocations;
  const claims = options.claims ?? defaults.claims;
  const joins = options.joins ?? defaults.joins;
  const turnGrants = options.turnGrants ?? defaults.turnGrants;
  const startedAt = now();
  const connections = new Map<string, Connection>();
  const connectionsPerAddress = new Map<string, number>();
  const mailboxesPerAddress = new Map<string, number>();
  const framesPerAddress = new KeyedTokenBuckets(
    config.frameBurstPerIp,
    config.frameRatePerIp,
    now,
  );
  const metrics = createMetrics({
    connections: () => connections.size,
    stats: () => store.stats(),
    collectDefault: options.processMetrics ?? false,
    logger,
  });
  const intervals: NodeJS.Timeout[] = [];
  let shuttingDown: Promise<void> | null = null;

  const webViewer = options.webViewer ?? createWebViewer();
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
    if (webViewer(req, res, path)) return;
    if (path !== '/healthz' && path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end();
      return;
    }
    if (path === '/metrics') {
      metrics.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
        (error: unknown) => {
          logger.error('metrics.failed', { error: errorName(error) });
          res.writeHead(500, { 'content-type': 'text/plain' }).end();
        },
      );
      return;
    }
    if (shuttingDown) {
      // A load balancer still probing this process stops sending clients here.
      res.writeHead(503, { 'content-type': 'application/json' }).end('{"ok":false}');
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
      if (connections.size >= config.maxConnections) {
        return refuse(ws, 'server_full', SERVER_FULL, SERVER_FULL_REASON);
      }
      if (open >= config.maxConnectionsPerIp) {
        const code = CloseCode.TOO_MANY_CONNECTIONS;
        return refuse(ws, 'ip_connections', code, CLOSE_REASONS[code]);
      }
      connectionsPerAddress.set(key, open + 1);
      accept(ws, key);
    });
  }

  function refuse(ws: WebSocket, reason: RejectionReason, code: number, text: string): void {
    reject(reason);
    ws.on('error', () => {});
    ws.close(code, text);
    setTimeout(() => ws.terminate(), CLOSE_GRACE_MS).unref();
  }

  function reject(reason: RejectionReason): void {
    metrics.rejections.inc({ reason });
    logger.info('rejected', { reason });
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
      mailbox: null,
      answeredPing: true,
      pingedAt: now(),
      queue: Promise.resolve(),
      outbox: null,
      deferred: null,
      timers: [],
      closed: new Promise((resolve) => (resolveClosed = resolve)),
    };
    connections.set(conn.id, conn);
    conn.timers.push(
      setTimeout(() => {
        if (conn.state === 'awaiting-hello') {
          rejectWith(conn, 'hello_timeout', CloseCode.HELLO_TIMEOUT);
        }
      }, config.helloTimeoutMs),
    );
    metrics.connectionsOpened.inc();
    logger.info('conn.open', { conn: conn.id, connections: connections.size });

    ws.on('message', (data, isBinary) => receive(conn, data, isBinary));
    ws.on('pong', () => (conn.answeredPing = true));
    ws.on('error', (error) => {
      // ws stopped reading a frame far over the limit and closes with 1009.
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') reject('frame_too_large');
      logger.warn('conn.error', { conn: conn.id, error: errorName(error) });
    });
    ws.on('close', (code) => {
      conn.state = 'closing';
      for (const timer of conn.timers) clearTimeout(timer);
      connections.delete(conn.id);
      decrement(connectionsPerAddress, key);
      leaveMailbox(conn);
      // Queued after the frames already received, so a release still reaches the peer first.
      enqueue(conn, () => store.disconnect(conn.id));
      logger.info('conn.close', {
        conn: conn.id,
        closeCode: code,
        seconds: Math.round((now() - conn.openedAt) / 1000),
        connections: connections.size,
      });
      resolveClosed();
    });

    enqueue(conn, () => store.connect(conn.id, (event) => onMailboxEvent(conn, event)));
  }

  function receive(conn: Connection, data: RawData, isBinary: boolean): void {
    if (conn.state === 'closing') return;
    const receivedAt = performance.now();
    const bytes = toBuffer(data);
    if (bytes.length > config.maxFrameBytes) {
      return rejectWith(conn, 'frame_too_large', CloseCode.FRAME_TOO_LARGE);
    }
    if (!conn.frameBudget.take()) return rejectWith(conn, 'frame_rate', CloseCode.RATE_LIMITED);
    if (!framesPerAddress.take(conn.addressKey)) {
      return rejectWith(conn, 'ip_frame_rate', CloseCode.RATE_LIMITED);
    }
    if (isBinary) return rejectWith(conn, 'invalid_frame', CloseCode.INVALID_FRAME);
    const decoded = decodeClientFrame(bytes.toString('utf8'));
    if (!decoded.ok) return rejectWith(conn, 'invalid_frame', CloseCode.INVALID_FRAME);
    const frame = decoded.frame;

    if (conn.state === 'awaiting-hello') {
      if (frame.type !== 'hello') {
        reject('hello_required');
        return sendError(conn, SignalingErrorCode.HELLO_REQUIRED);
      }
      if (frame.v !== PROTOCOL_VERSION) {
        return rejectWith(conn, 'protocol_mismatch', CloseCode.PROTOCOL_MISMATCH);
      }
      conn.state = 'ready';
      send(conn, { type: 'welcome', v: PROTOCOL_VERSION, maxFrameBytes: config.maxFrameBytes });
      return;
    }
    // hello is the first frame and only the first.
    if (frame.type === 'hello') return rejectWith(conn, 'invalid_frame', CloseCode.INVALID_FRAME);
    enqueue(conn, () => handle(conn, frame, receivedAt));
  }

  /** Also runs for frames queued before a close: a `release{scary}` sent just before the
   * socket closed must still reach the peer with its mood. Replies to a closed socket are dropped. */
  async function handle(
    conn: Connection,
    frame: Exclude<ClientFrame, { type: 'hello' }>,
    receivedAt: number,
  ) {
    switch (frame.type) {
      case 'allocate': {
        if (atMailboxLimit(conn)) return refuseFrame(conn, 'ip_mailboxes');
        if (!(await allocations.take(conn.addressKey))) return refuseFrame(conn, 'allocation_rate');
        const result = await store.allocate(conn.id);
        if (!result.ok) return sendError(conn, result.code);
        enterMailbox(conn, 'nameplate');
        send(conn, { type: 'allocated', nameplate: result.nameplate });
        return;
      }
      case 'claim': {
        if (atMailboxLimit(conn)) return refuseFrame(conn, 'ip_mailboxes');
        if (!(await claims.take(conn.addressKey))) return refuseFrame(conn, 'claim_rate');
        const result = await store.claim(conn.id, frame.nameplate);
        if (!result.ok) return sendError(conn, result.code);
        enterMailbox(conn, 'nameplate');
        metrics.pairings.inc();
        send(conn, { type: 'claimed', nameplate: frame.nameplate });
        sendPaired(conn);
        return;
      }
      case 'join': {
        if (atMailboxLimit(conn)) return refuseFrame(conn, 'ip_mailboxes');
        if (!(await joins.take(conn.addressKey))) return refuseFrame(conn, 'join_rate');
        const result = await store.join(conn.id, frame.mailbox);
        if (!result.ok) return sendError(conn, result.code);
        enterMailbox(conn, 'paired');
        send(conn, { type: 'joined', peerPresent: result.peerPresent });
        if (result.peerPresent) {
          metrics.pairings.inc();
          sendPaired(conn);
        }
        return;
      }
      case 'relay': {
        const result = await store.relay(conn.id, frame.body);
        if (!result.ok) return sendError(conn, result.code);
        metrics.framesRelayed.inc();
        metrics.relayLatency.observe((performance.now() - receivedAt) / 1000);
        return;
      }
      case 'release':
        await store.release(conn.id, frame.mood);
        leaveMailbox(conn);
        return;
    }
  }

  /** Only a connection outside any mailbox can enter one; the store answers the others. */
  function atMailboxLimit(conn: Connection): boolean {
    if (conn.mailbox !== null) return false;
    return (mailboxesPerAddress.get(conn.addressKey) ?? 0) >= config.maxMailboxesPerIp;
  }

  function enterMailbox(conn: Connection, kind: 'nameplate' | 'paired'): void {
    // Closed while the store answered: its close handler has already settled the counts.
    if (conn.mailbox !== null || !connections.has(conn.id)) return;
    conn.mailbox = kind;
    mailboxesPerAddress.set(conn.addressKey, (mailboxesPerAddress.get(conn.addressKey) ?? 0) + 1);
  }

  function leaveMailbox(conn: Connection): void {
    if (conn.mailbox === null) return;
    conn.mailbox = null;
    decrement(mailboxesPerAddress, conn.addressKey);
  }

  function refuseFrame(conn: Connection, reason: RejectionReason): void {
    reject(reason);
    sendError(conn, SignalingErrorCode.RATE_LIMITED);
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
        // A nameplate mailbox closes when either side leaves; a paired-device one stays.
        if (conn.mailbox === 'nameplate') leaveMailbox(conn);
        return send(
          conn,
          event.mood === undefined
            ? { type: 'peer', event: 'left' }
            : { type: 'peer', event: 'left', mood: event.mood },
        );
      case 'expired':
        leaveMailbox(conn);
        return closeWith(conn, CloseCode.MAILBOX_EXPIRED);
    }
  }

  /** Only here, once a client is in a mailbox with its peer, are TURN credentials minted. */
  function sendPaired(conn: Connection): void {
    if (conn.state === 'closing') return;
    if (!config.turn || conn.mailbox === 'nameplate') return send(conn, pairedFrame(conn, true));
    const granted = config.turnGrantsPerHour > 0 && turnGrants.take(conn.addressKey);
    if (typeof granted === 'boolean') return send(conn, pairedFrame(conn, granted));
    sendAfter(conn, () =>
      granted.then(
        (ok) => pairedFrame(conn, ok),
        (error: unknown) => {
          // Without the budget's answer, fail closed: the session still pairs, on STUN.
          logger.error('store.failed', { conn: conn.id, error: errorName(error) });
          return pairedFrame(conn, false);
        },
      ),
    );
  }

  function pairedFrame(conn: Connection, withTurn: boolean): ServerFrame {
    const iceServers: IceServer[] = [...config.iceServers];
    if (!config.turn) return { type: 'paired', iceServers };
    if (!withTurn) {
      reject('turn_budget');
      return { type: 'paired', iceServers, turn: 'withheld' };
    }
    iceServers.push(turnIceServer(config.turn, now(), conn.id));
    return { type: 'paired', iceServers };
  }

  function sendError(conn: Connection, code: SignalingErrorCode | MailboxErrorCode): void {
    send(conn, { type: 'error', code, message: ERROR_MESSAGES[code] });
  }

  function send(conn: Connection, frame: ServerFrame): void {
    if (conn.outbox) sendAfter(conn, () => Promise.resolve(frame));
    else transmit(conn, frame);
  }

  /** Sends what `next` resolves to once every frame before it has gone. */
  function sendAfter(conn: Connection, next: () => Promise<ServerFrame>): void {
    const step: Promise<void> = (conn.outbox ?? Promise.resolve()).then(next).then(
      (frame) => transmit(conn, frame),
      () => closeWith(conn, INTERNAL_ERROR),
    );
    conn.outbox = step;
    void step.then(() => {
      if (conn.outbox === step) conn.outbox = null;
    });
  }

  function transmit(conn: Connection, frame: ServerFrame): void {
    if (conn.state === 'closing' || conn.ws.readyState !== conn.ws.OPEN) return;
    if (conn.ws.bufferedAmount > slowConsumerBytes) {
      // A close frame would wait behind the backlog it cannot drain: drop the socket.
      reject('slow_consumer');
      conn.state = 'closing';
      conn.ws.terminate();
      return;
    }
    conn.ws.send(encodeFrame(frame));
  }

  function rejectWith(conn: Connection, reason: RejectionReason, code: CloseCode): void {
    if (conn.state === 'closing') return;
    reject(reason);
    closeWith(conn, code);
  }

  function closeWith(conn: Connection, code: CloseCode | typeof INTERNAL_ERROR): void {
    if (conn.state === 'closing') return;
    conn.state = 'closing';
    if (code !== CloseCode.SERVER_SHUTTING_DOWN) {
      logger.info('conn.closing', { conn: conn.id, closeCode: code });
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
        if (conn.state !== 'closing') metrics.rejections.inc({ reason: 'store_error' });
        closeWith(conn, INTERNAL_ERROR);
      } finally {
        const deferred = conn.deferred;
        conn.deferred = null;
        for (const event of deferred) deliverEvent(conn, event);
      }
    });
  }

  /**
   * Visits a tenth of the connections per call, so one pass over all of them takes the
   * heartbeat interval: pinging 10,000 sockets at once would stall every relay behind it.
   */
  let heartbeatPass: Iterator<Connection> = connections.values();
  function heartbeat(): void {
    const slice = Math.ceil(connections.size / HEARTBEAT_SLICES);
    for (let visited = 0; visited < slice; visited++) {
      let next = heartbeatPass.next();
      if (next.done) {
        heartbeatPass = connections.values();
        next = heartbeatPass.next();
        if (next.done) return;
      }
      const conn = next.value;
      if (conn.state === 'closing' || now() - conn.pingedAt < config.heartbeatIntervalMs) continue;
      if (!conn.answeredPing) {
        rejectWith(conn, 'heartbeat_timeout', CloseCode.HEARTBEAT_TIMEOUT);
        continue;
      }
      conn.answeredPing = false;
      conn.pingedAt = now();
      conn.ws.ping();
    }
  }

  async function sweep(): Promise<void> {
    allocations.prune();
    claims.prune();
    joins.prune();
    turnGrants.prune();
    framesPerAddress.prune();
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
            setInterval(heartbeat, config.heartbeatIntervalMs / HEARTBEAT_SLICES),
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

function decrement(counts: Map<string, number>, key: string): void {
  const count = (counts.get(key) ?? 1) - 1;
  if (count > 0) counts.set(key, count);
  else counts.delete(key);
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
