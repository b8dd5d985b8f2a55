/**
 * A WebSocket connection to the signaling service, for any browser context (offscreen
 * document, viewer page, web receiver). Frames are decoded before anyone sees them; server
 * errors and close codes become PeerbeamErrors with stable codes. Outgoing frames are paced
 * (core/frame-pacer.ts), so a burst (100 links at once) never gets the connection closed.
 */
import { PeerbeamError, type ErrorCode } from '../core/errors.js';
import { FramePacer } from '../core/frame-pacer.js';
import {
  CloseCode,
  PROTOCOL_VERSION,
  decodeServerFrame,
  encodeFrame,
  type ClientFrame,
  type ServerFrame,
  type SignalingErrorCode,
} from '../core/protocol.js';

type FrameOf<K extends ServerFrame['type']> = Extract<ServerFrame, { type: K }>;

const CONNECT_TIMEOUT_MS = 10_000;

/** What a server-side refusal means for the person using Peerbeam. */
const SERVER_ERROR_TO_CODE: Partial<Record<SignalingErrorCode, ErrorCode>> = {
  NO_SUCH_NAMEPLATE: 'NO_SUCH_CODE',
  MAILBOX_FULL: 'CODE_IN_USE',
  RATE_LIMITED: 'TOO_MANY_ATTEMPTS',
};

/** Why the server closed the socket, as the error a person can act on. */
export function closeToError(code: number, reason: string): PeerbeamError {
  if (code === CloseCode.PROTOCOL_MISMATCH) {
    return new PeerbeamError('PROTOCOL_MISMATCH', reason || 'protocol version mismatch');
  }
  // An expired code is not a refusal: nobody used it in time, and a new one will do.
  if (code === CloseCode.MAILBOX_EXPIRED) return new PeerbeamError('CODE_EXPIRED', reason);
  if (code >= 4000 && code < 5000) {
    return new PeerbeamError('SIGNALING_REJECTED', `${code}: ${reason}`);
  }
  return new PeerbeamError('SIGNALING_CLOSED', `signaling closed (${code}) ${reason}`.trim());
}

export class SignalingConnection {
  private readonly queue: ServerFrame[] = [];
  private waiter: { resolve: () => void } | undefined;
  private closedWith: PeerbeamError | undefined;
  private readonly outgoing: FramePacer<string>;

  private constructor(private readonly socket: WebSocket) {
    this.outgoing = new FramePacer((text) => {
      if (socket.readyState === WebSocket.OPEN) socket.send(text);
    });
    socket.addEventListener('message', (event) => this.receive(event.data));
    socket.addEventListener('close', (event) => {
      this.closedWith ??= closeToError(event.code, event.reason);
      this.outgoing.clear();
      this.wake();
    });
  }

  /** Connects and completes the hello/welcome exchange. */
  static async open(url: string, signal?: AbortSignal): Promise<SignalingConnection> {
    const socket = await new Promise<WebSocket>((resolve, reject) => {
      let ws: WebSocket;
      try {
        ws = new WebSocket(url);
      } catch (error) {
        reject(new PeerbeamError('SIGNALING_UNREACHABLE', String(error)));
        return;
      }
      const timer = setTimeout(() => {
        ws.close();
        reject(new PeerbeamError('SIGNALING_UNREACHABLE', `no answer from ${url}`));
      }, CONNECT_TIMEOUT_MS);
      ws.addEventListener('open', () => {
        clearTimeout(timer);
        resolve(ws);
      });
      ws.addEventListener('close', () => {
        clearTimeout(timer);
        reject(new PeerbeamError('SIGNALING_UNREACHABLE', `cannot reach ${url}`));
      });
    });
    const connection = new SignalingConnection(socket);
    signal?.addEventListener('abort', () => connection.close(), { once: true });
    connection.send({ type: 'hello', v: PROTOCOL_VERSION });
    const welcome = await connection.expect('welcome', signal);
    if (welcome.v !== PROTOCOL_VERSION) {
      connection.close();
      throw new PeerbeamError('PROTOCOL_MISMATCH', `server speaks v${welcome.v}`);
    }
    return connection;
  }

  send(frame: ClientFrame): void {
    if (this.socket.readyState !== WebSocket.OPEN) {
      throw this.closedWith ?? new PeerbeamError('SIGNALING_CLOSED', 'signaling is not open');
    }
    this.outgoing.push(encodeFrame(frame));
  }

  /**
   * The next frame, whatever its type. Server `error` frames are thrown as PeerbeamErrors;
   * a closed socket throws why it closed.
   */
  async next(signal?: AbortSignal): Promise<ServerFrame> {
    for (;;) {
      signal?.throwIfAborted();
      const frame = this.queue.shift();
      if (frame) {
        if (frame.type === 'error') {
          throw new PeerbeamError(
            SERVER_ERROR_TO_CODE[frame.code] ?? 'SIGNALING_REJECTED',
            frame.message,
          );
        }
        return frame;
      }
      if (this.closedWith) throw this.closedWith;
      await new Promise<void>((resolve) => {
        this.waiter = { resolve };
        signal?.addEventListener('abort', () => resolve(), { once: true });
      });
    }
  }

  /** The next frame, which must be of `type`; anything else is a protocol error. */
  async expect<K extends ServerFrame['type']>(type: K, signal?: AbortSignal): Promise<FrameOf<K>> {
    const frame = await this.next(signal);
    if (frame.type !== type) {
      throw new PeerbeamError('SIGNALING_REJECTED', `expected ${type}, got ${frame.type}`);
    }
    return frame as FrameOf<K>;
  }

  close(): void {
    this.closedWith ??= new PeerbeamError('CANCELLED', 'signaling closed by us');
    // What waits behind the pace still goes first (a `release` tells the peer why we left).
    this.outgoing.flush();
    if (
      this.socket.readyState === WebSocket.OPEN ||
      this.socket.readyState === WebSocket.CONNECTING
    ) {
      this.socket.close(1000);
    }
    this.wake();
  }

  private receive(data: unknown): void {
    if (typeof data !== 'string') {
      this.fail(new PeerbeamError('SIGNALING_REJECTED', 'binary frame from server'));
      return;
    }
    const decoded = decodeServerFrame(data);
    if (!decoded.ok) {
      this.fail(new PeerbeamError('SIGNALING_REJECTED', `bad frame from server: ${decoded.error}`));
      return;
    }
    this.queue.push(decoded.frame);
    this.wake();
  }

  private fail(error: PeerbeamError): void {
    this.closedWith ??= error;
    this.close();
  }

  private wake(): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.resolve();
  }
}
