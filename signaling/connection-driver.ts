/**
 * Runs each client's WebSocket through the state machine in connection.ts: turns what happens
 * on the socket, in the store and on timers into inputs, and carries out the effects (frames,
 * close codes, metrics, the store's work, mailbox counts in admission.ts).
 *
 * Frames of one connection are handled one after another, so a store that answers
 * asynchronously (Redis) cannot reorder a claim and the relay sent right after it; frames to a
 * connection go out in order too, even when one waits for its TURN budget.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { RawData, WebSocket } from 'ws';
import type { Admission, ConnectionRefusal } from './admission.js';
import type { Config } from './config.js';
import {
  INITIAL_STATE,
  INTERNAL_ERROR,
  heldMailbox,
  isEnding,
  transition,
  type ConnectionCloseCode,
  type ConnectionEffect,
  type ConnectionInput,
  type ConnectionState,
  type MailboxKind,
} from './connection.js';
import { errorName, type Logger } from './log.js';
import type { MailboxEvent, MailboxStore } from './mailboxes.js';
import type { RejectionReason, SignalingMetrics } from './metrics.js';
import type { Clock, TokenBucket } from './rate-limit.js';
import { answerRequest } from './mailbox-requests.js';
import { pairedWith } from './turn.js';
import {
  CLOSE_REASONS,
  CloseCode,
  PROTOCOL_VERSION,
  encodeFrame,
  type ServerFrame,
} from '../src/core/protocol.js';

/** How long a closed client has to answer the close frame before its socket is destroyed. */
const CLOSE_GRACE_MS = 2000;
/** The heartbeat visits connections in this many slices per interval (see `heartbeat`). */
export const HEARTBEAT_SLICES = 10;

export interface ConnectionDriverOptions {
  readonly config: Config;
  readonly logger: Logger;
  readonly metrics: SignalingMetrics;
  readonly store: MailboxStore;
  readonly admission: Admission;
  readonly now: Clock;
  /** A client that lets this much pile up unsent is not reading: dropped rather than buffered. */
  readonly slowConsumerBytes: number;
}

export interface ConnectionDriver {
  readonly size: number;
  /** Opens a connection on an upgraded socket, or refuses it with a close code. */
  readonly admit: (ws: WebSocket, addressKey: string) => void;
  /** Pings a tenth of the connections; call every tenth of the heartbeat interval. */
  readonly heartbeat: () => void;
  /** Closes every connection with SERVER_SHUTTING_DOWN; resolves once their sockets have ended
   * and the frames they sent before have been handled. */
  shutdown(): Promise<void>;
}

interface Connection {
  readonly id: string;
  readonly ws: WebSocket;
  readonly addressKey: string;
  readonly openedAt: number;
  readonly frameBudget: TokenBucket;
  state: ConnectionState;
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

export function createConnectionDriver(options: ConnectionDriverOptions): ConnectionDriver {
  const { config, logger, metrics, store, admission, now, slowConsumerBytes } = options;
  const connections = new Map<string, Connection>();

  function admit(ws: WebSocket, key: string): void {
    // Upgrade first, then close: a browser sees a close code, never an HTTP status.
    const refusal = admission.admitConnection(key, connections.size);
    if (refusal) refuse(ws, refusal);
    else accept(ws, key);
  }

  function refuse(ws: WebSocket, { reason, code, text }: ConnectionRefusal): void {
    reject(reason);
    ws.on('error', () => {});
    ws.close(code, text);
    setTimeout(() => ws.terminate(), CLOSE_GRACE_MS).unref();
  }

  function accept(ws: WebSocket, key: string): void {
    let resolveClosed = () => {};
    const conn: Connection = {
      id: randomBytes(8).toString('hex'),
      ws,
      addressKey: key,
      openedAt: now(),
      frameBudget: admission.frameBudget(),
      state: INITIAL_STATE,
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
      setTimeout(() => apply(conn, { type: 'hello-timeout' }), config.helloTimeoutMs),
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
      apply(conn, { type: 'socket-closed' });
      for (const timer of conn.timers) clearTimeout(timer);
      connections.delete(conn.id);
      admission.connectionClosed(key);
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

    enqueue(conn, () =>
      store.connect(conn.id, (event) => {
        if (conn.deferred) conn.deferred.push(event);
        else apply(conn, { type: 'mailbox', event });
      }),
    );
  }

  function receive(conn: Connection, data: RawData, isBinary: boolean): void {
    if (isEnding(conn.state)) return;
    const receivedAt = performance.now();
    const checked = admission.checkFrame(
      toBuffer(data),
      isBinary,
      conn.frameBudget,
      conn.addressKey,
    );
    apply(
      conn,
      checked.ok
        ? { type: 'frame', frame: checked.frame, receivedAt }
        : { type: 'violation', reason: checked.reason, code: checked.code },
    );
  }

  /** Steps the state machine; the per-address mailbox count follows the mailbox it holds. */
  function apply(conn: Connection, input: ConnectionInput): void {
    const before = heldMailbox(conn.state);
    const { state, effects } = transition(conn.state, input);
    conn.state = state;
    const after = heldMailbox(state);
    if (before === null && after !== null) admission.mailboxEntered(conn.addressKey);
    if (before !== null && after === null) admission.mailboxLeft(conn.addressKey);
    for (const effect of effects) perform(conn, effect);
  }

  function perform(conn: Connection, effect: ConnectionEffect): void {
    switch (effect.type) {
      case 'send':
        return send(conn, effect.frame);
      case 'welcome':
        return send(conn, {
          type: 'welcome',
          v: PROTOCOL_VERSION,
          maxFrameBytes: config.maxFrameBytes,
        });
      case 'pair':
        return sendPaired(conn, effect.mailbox);
      case 'handle':
        return enqueue(conn, () => {
          // Read when its turn comes: the frames before it may have entered or left a mailbox.
          const inMailbox = heldMailbox(conn.state) !== null;
          const from = { id: conn.id, addressKey: conn.addressKey, inMailbox };
          return answerRequest(store, admission, from, effect.frame, effect.receivedAt);
        });
      case 'reject':
        return reject(effect.reason);
      case 'count-pairing':
        return metrics.pairings.inc();
      case 'count-relay':
        metrics.framesRelayed.inc();
        return metrics.relayLatency.observe((performance.now() - effect.receivedAt) / 1000);
      case 'count-store-error':
        return metrics.rejections.inc({ reason: 'store_error' });
      case 'close':
        return closeSocket(conn, effect.code);
      case 'drop':
        return conn.ws.terminate();
    }
  }

  /**
   * Runs `task` after the connection's earlier ones and applies what it answers. Events for the
   * connection wait until it is done, so a reply always precedes what the peer did after it
   * (claimed, paired, then the peer's first relay), however the store interleaves its callbacks.
   */
  function enqueue(conn: Connection, task: () => Promise<ConnectionInput | void>): void {
    conn.queue = conn.queue.then(async () => {
      conn.deferred = [];
      try {
        const outcome = await task();
        if (outcome) apply(conn, outcome);
      } catch (error) {
        logger.error('store.failed', { conn: conn.id, error: errorName(error) });
        apply(conn, { type: 'store-failed' });
      } finally {
        const deferred = conn.deferred;
        conn.deferred = null;
        for (const event of deferred) apply(conn, { type: 'mailbox', event });
      }
    });
  }

  function sendPaired(conn: Connection, mailbox: MailboxKind | null): void {
    // A frame sent just before, in the same step, may have found the client not reading.
    if (isEnding(conn.state)) return;
    const granted = admission.turnGrant(conn.addressKey, mailbox);
    if (granted === null || typeof granted === 'boolean') {
      return send(conn, pairedFrame(conn, granted ?? false));
    }
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

  function pairedFrame(conn: Connection, granted: boolean): ServerFrame {
    const frame = pairedWith(config.iceServers, config.turn, granted, now(), conn.id);
    if (frame.turn === 'withheld') reject('turn_budget');
    return frame;
  }

  function send(conn: Connection, frame: ServerFrame): void {
    if (conn.outbox) sendAfter(conn, () => Promise.resolve(frame));
    else transmit(conn, frame);
  }

  /** Sends what `next` resolves to once every frame before it has gone. */
  function sendAfter(conn: Connection, next: () => Promise<ServerFrame>): void {
    const step: Promise<void> = (conn.outbox ?? Promise.resolve()).then(next).then(
      (frame) => transmit(conn, frame),
      () => apply(conn, { type: 'internal-error' }),
    );
    conn.outbox = step;
    void step.then(() => {
      if (conn.outbox === step) conn.outbox = null;
    });
  }

  function transmit(conn: Connection, frame: ServerFrame): void {
    if (isEnding(conn.state) || conn.ws.readyState !== conn.ws.OPEN) return;
    if (conn.ws.bufferedAmount > slowConsumerBytes) {
      apply(conn, { type: 'slow-consumer' });
      return;
    }
    conn.ws.send(encodeFrame(frame));
  }

  function closeSocket(conn: Connection, code: ConnectionCloseCode): void {
    if (code !== CloseCode.SERVER_SHUTTING_DOWN) {
      logger.info('conn.closing', { conn: conn.id, closeCode: code });
    }
    const reason = code === INTERNAL_ERROR ? 'internal error' : CLOSE_REASONS[code];
    conn.ws.close(code, reason);
    // A client that never answers the close frame must not hold its socket (ws waits 30 s).
    conn.timers.push(setTimeout(() => conn.ws.terminate(), CLOSE_GRACE_MS));
  }

  function reject(reason: RejectionReason): void {
    metrics.rejections.inc({ reason });
    logger.info('rejected', { reason });
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
      if (isEnding(conn.state) || now() - conn.pingedAt < config.heartbeatIntervalMs) continue;
      if (!conn.answeredPing) {
        const code = CloseCode.HEARTBEAT_TIMEOUT;
        apply(conn, { type: 'violation', reason: 'heartbeat_timeout', code });
        continue;
      }
      conn.answeredPing = false;
      conn.pingedAt = now();
      conn.ws.ping();
    }
  }

  return {
    get size() {
      return connections.size;
    },
    admit,
    heartbeat,
    async shutdown() {
      const clients = [...connections.values()];
      for (const conn of clients) apply(conn, { type: 'shutdown' });
      await Promise.all(clients.map((conn) => conn.closed));
      await Promise.all(clients.map((conn) => conn.queue));
    },
  };
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
