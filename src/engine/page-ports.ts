/**
 * The engine's end of the page ports (page-protocol.ts): answers each page's requests in
 * order of arrival, broadcasts the engine's events to the popup and send pages, and sends a
 * viewer page its own. A host hands every port a page opens to `accept`; the port itself is
 * the host's (Chromium and Firefox: runtime.Port), seen here only through `PagePort`.
 */
import { PeerbeamError, toErrorData } from '../core/errors.js';
import {
  PAGE_PORT,
  pageFrame,
  type ConnectedPage,
  type PageEvent,
  type PageEvents,
  type PageFrame,
  type PageHandlers,
} from './page-protocol.js';

/** The part of a runtime.Port this needs. */
export interface PagePort {
  readonly name: string;
  postMessage(message: unknown): void;
  onMessage: { addListener(listener: (message: unknown) => void): void };
  onDisconnect: { addListener(listener: () => void): void };
}

export interface PagePortsOptions {
  handlers: PageHandlers;
  /** Requests wait for it: the engine's boot (settings, paired devices). */
  ready: Promise<unknown>;
  /** A page connected: the host stays while it is open; call the result when it goes. */
  opened(): () => void;
  /** A request came in (the host's idle grace starts again). */
  activity(): void;
}

class Page implements ConnectedPage {
  private readonly closeListeners: (() => void)[] = [];
  open = true;

  constructor(readonly port: PagePort) {}

  send<E extends PageEvent>(event: E, params: PageEvents[E]): void {
    this.post({ peerbeam: 1, kind: 'event', event, params });
  }

  onClose(listener: () => void): void {
    if (this.open) this.closeListeners.push(listener);
    else listener();
  }

  post(frame: PageFrame): void {
    if (!this.open) return;
    try {
      this.port.postMessage(frame);
    } catch {
      // The port broke between its last message and this one: its onDisconnect follows.
    }
  }

  closed(): void {
    if (!this.open) return;
    this.open = false;
    for (const listener of this.closeListeners.splice(0)) listener();
  }
}

export class PagePorts {
  private readonly pages = new Set<Page>();

  constructor(private readonly options: PagePortsOptions) {}

  accept(port: PagePort): void {
    const page = new Page(port);
    this.pages.add(page);
    const release = this.options.opened();
    // One request at a time per page: answers go out in the order the requests came.
    let queue = Promise.resolve();
    port.onMessage.addListener((message) => {
      const frame = pageFrame(message);
      if (frame?.kind !== 'request') return;
      this.options.activity();
      queue = queue.then(() => this.answer(page, frame));
    });
    port.onDisconnect.addListener(() => {
      this.pages.delete(page);
      page.closed();
      release();
    });
  }

  /** An engine event for every popup and send page. */
  broadcast<E extends PageEvent>(event: E, params: PageEvents[E]): void {
    for (const page of this.pages) if (page.port.name === PAGE_PORT) page.send(event, params);
  }

  private async answer(
    page: Page,
    { id, method, params }: { id: number; method: string; params: unknown[] },
  ): Promise<void> {
    try {
      await this.options.ready;
      if (!Object.hasOwn(this.options.handlers, method)) {
        throw new PeerbeamError('BAD_REQUEST', `the engine has no method ${method}`);
      }
      const handler = this.options.handlers[method as keyof PageHandlers] as (
        page: ConnectedPage,
        ...args: unknown[]
      ) => unknown;
      const value: unknown = await handler(page, ...params);
      page.post({ peerbeam: 1, kind: 'reply', id, ok: true, value: value ?? null });
    } catch (error) {
      page.post({ peerbeam: 1, kind: 'reply', id, ok: false, error: toErrorData(error) });
    }
  }
}
