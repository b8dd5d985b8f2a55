/**
 * The HTTP side of the service:
 *
 *   GET|HEAD /healthz   → 200 JSON HealthReport; 503 while draining or when the store fails
 *   GET|HEAD /metrics   → Prometheus text
 *   /, /watch, /assets/… → the no-install web page (web-viewer.ts)
 *   upgrade on /ws      → handed on as a WebSocket; 503 while draining, 404 elsewhere
 *   anything else       → 404; other methods on /healthz and /metrics → 405
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { errorName, type Logger } from './log.js';
import type { SignalingMetrics } from './metrics.js';
import type { WebViewerHandler } from './web-viewer.js';

export const WS_PATH = '/ws';

export interface HealthReport {
  readonly ok: true;
  readonly connections: number;
  readonly mailboxes: number;
  readonly waiting: number;
  readonly quarantinedNameplates: number;
  readonly uptimeSeconds: number;
}

export interface HttpRoutesOptions {
  readonly webViewer: WebViewerHandler;
  readonly metrics: SignalingMetrics;
  readonly health: () => Promise<HealthReport>;
  /** True once the server is shutting down. */
  readonly draining: () => boolean;
  readonly logger: Logger;
  /** An upgrade request on WS_PATH while not draining. */
  readonly onWebSocket: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
}

export interface HttpRoutes {
  readonly request: (req: IncomingMessage, res: ServerResponse) => void;
  readonly upgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
}

export function createHttpRoutes(options: HttpRoutesOptions): HttpRoutes {
  const { webViewer, metrics, health, draining, logger } = options;

  function request(req: IncomingMessage, res: ServerResponse): void {
    const path = pathOf(req);
    if (webViewer(req, res, path)) return;
    if (path !== '/healthz' && path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end();
      return;
    }
    if (path === '/metrics') return serveMetrics(res);
    if (draining()) {
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

  function serveMetrics(res: ServerResponse): void {
    metrics.registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
      (error: unknown) => {
        logger.error('metrics.failed', { error: errorName(error) });
        res.writeHead(500, { 'content-type': 'text/plain' }).end();
      },
    );
  }

  function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    if (pathOf(req) !== WS_PATH || draining()) {
      const status = draining() ? '503 Service Unavailable' : '404 Not Found';
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    options.onWebSocket(req, socket, head);
  }

  return { request, upgrade };
}

function pathOf(req: IncomingMessage): string {
  return new URL(req.url ?? '/', 'http://localhost').pathname;
}
