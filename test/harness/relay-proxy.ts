import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';

export type Direction = 'to-server' | 'to-client';

export interface RecordedFrame {
  connection: number;
  direction: Direction;
  text: string;
}

/** Rewrites a frame on its way; return the text to pass on (or the same text). */
export type Rewrite = (frame: RecordedFrame) => string;

export interface RelayProxy {
  url: string;
  /** Every frame that went through, in order, before any rewrite. */
  frames: RecordedFrame[];
  /** Cuts every connection and refuses new ones for `ms`, as a network outage would. */
  outage(ms: number): void;
  stop(): Promise<void>;
}

/**
 * A man in the middle between the browsers and the real signaling service: it sees every
 * frame the server relays and may rewrite any of them, as a hostile server could.
 */
export async function startRelayProxy(
  upstreamUrl: string,
  rewrite: Rewrite = (f) => f.text,
): Promise<RelayProxy> {
  const frames: RecordedFrame[] = [];
  const http: Server = createServer((_req, res) => res.writeHead(404).end());
  const wss = new WebSocketServer({ server: http, path: '/ws' });
  let nextConnection = 0;
  let refuseUntil = 0;
  const upstreams = new Set<WebSocket>();
  wss.on('connection', (client) => {
    if (Date.now() < refuseUntil) {
      client.terminate();
      return;
    }
    const connection = nextConnection++;
    const upstream = new WebSocket(upstreamUrl);
    upstreams.add(upstream);
    upstream.on('close', () => upstreams.delete(upstream));
    const pending: string[] = [];
    const pass = (
      direction: Direction,
      data: Buffer | ArrayBuffer | Buffer[],
      target: WebSocket,
    ) => {
      const text = (
        Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as Uint8Array)
      ).toString();
      const frame = { connection, direction, text };
      frames.push(frame);
      const out = rewrite(frame);
      if (target.readyState === WebSocket.OPEN) target.send(out);
      else pending.push(out);
    };
    upstream.on('open', () => {
      for (const text of pending.splice(0)) upstream.send(text);
    });
    client.on('message', (data) => pass('to-server', data, upstream));
    upstream.on('message', (data) => pass('to-client', data, client));
    client.on('close', () => upstream.close());
    upstream.on('close', (code, reason) => client.close(code >= 4000 ? code : 1000, reason));
    upstream.on('error', () => client.terminate());
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}/ws`,
    frames,
    outage(ms) {
      refuseUntil = Date.now() + ms;
      for (const client of wss.clients) client.terminate();
      for (const upstream of upstreams) upstream.terminate();
    },
    async stop() {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
