/**
 * The web page's stand-in for src/shared/engine-client.ts (swapped in at build:
 * vite.config.ts). The extension's pages reach the engine over a port to its host; here the
 * page is the host, so the same requests are direct calls to the engine's page handlers, and
 * its events come straight back. Same surface, so the shared components need no change.
 */
import { takeBatch } from '../offscreen/file-batches.js';
import { Engine } from '../engine/engine.js';
import { pageHandlers } from '../engine/page-handlers.js';
import type {
  ConnectedPage,
  PageEvent,
  PageEvents,
  PageHandlers,
  PageMethod,
  PageParams,
  PageResult,
} from '../engine/page-protocol.js';
import type { EngineClient } from '../shared/engine-client.js';
import { t } from './i18n.js';
import { webPlatform, type WebPlatform } from './platform-web.js';
import { showTabViewer } from './tab-viewer.js';

interface Host {
  platform: WebPlatform;
  handlers: PageHandlers;
  ready: Promise<void>;
}

class WebEngineClient {
  private host: Host | undefined;
  private readonly listeners = new Map<string, Set<(params: never) => void>>();
  private readonly page: ConnectedPage = {
    send: (event, params) => this.emit(event, params),
    onClose: (listener) => addEventListener('pagehide', listener, { once: true }),
  };

  async request<M extends PageMethod>(method: M, ...params: PageParams<M>): Promise<PageResult<M>> {
    const host = this.start();
    await host.ready;
    // A new transfer: the last one's downloads have long read their copies.
    if (method === 'startReceive') await host.platform.downloads.releaseAll();
    const handler = host.handlers[method] as (
      page: ConnectedPage,
      ...args: PageParams<M>
    ) => PageResult<M> | Promise<PageResult<M>>;
    // Answers cross no port here: a copy keeps the engine's views its own, as they are there.
    return structuredClone(await handler(this.page, ...params));
  }

  on<E extends PageEvent>(event: E, listener: (params: PageEvents[E]) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  /** The engine lives as long as this page: it never goes from under it. */
  onGone(_listener: () => void): void {}

  async connect(): Promise<void> {
    await this.start().ready;
  }

  /** The received files kept for "Download again". */
  downloads() {
    return this.start().platform.downloads;
  }

  private emit<E extends PageEvent>(event: E, params: PageEvents[E]): void {
    // After the current call returns, as a port would deliver it: an answer precedes events.
    const copy = structuredClone(params);
    queueMicrotask(() => {
      for (const listener of this.listeners.get(event) ?? []) {
        (listener as (params: PageEvents[E]) => void)(copy);
      }
    });
  }

  private start(): Host {
    if (this.host) return this.host;
    const platform: WebPlatform = webPlatform(
      {
        sessionChanged: (view) => this.emit('sessionChanged', view),
        transferEnded: () => undefined,
        devicesChanged: (devices) => this.emit('devicesChanged', devices),
        linksChanged: (links) => this.emit('linksChanged', links),
        linkReceived: () => undefined,
        tabShareChanged: (view) => this.emit('tabShareChanged', view),
      },
      () => t('web_deviceName'),
      // No viewer tab to open: this page's watch screen plays the share (tab-viewer.ts).
      (viewerId) => showTabViewer(viewerId, this),
    );
    const engine = new Engine(platform);
    const handlers = pageHandlers(engine, { takeBatch, tabShareStarted: () => undefined });
    this.host = { platform, handlers, ready: engine.start() };
    return this.host;
  }
}

export const engine = new WebEngineClient() satisfies Pick<
  EngineClient,
  'request' | 'on' | 'onGone'
>;
