/**
 * A page's one long-lived port to the engine (src/engine/page-protocol.ts). The port opens on
 * the first request, after the service worker made sure the engine's host runs; if the host
 * goes (it closes only with no page open, so: it crashed), pending requests fail with
 * HOST_GONE and the next request opens a new port. Listeners stay across ports.
 */
import browser from 'webextension-polyfill';
import { PeerbeamError, isErrorCode } from '../core/errors.js';
import {
  PAGE_PORT,
  pageFrame,
  type PageEvent,
  type PageEvents,
  type PageFrame,
  type PageMethod,
  type PageParams,
  type PageResult,
} from '../engine/page-protocol.js';
import { call } from './messaging.js';

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };

export class EngineClient {
  private port: Promise<browser.Runtime.Port> | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Map<string, Set<(params: never) => void>>();
  private readonly goneListeners = new Set<() => void>();

  constructor(private readonly portName: string = PAGE_PORT) {}

  async request<M extends PageMethod>(method: M, ...params: PageParams<M>): Promise<PageResult<M>> {
    const port = await this.connect();
    const id = this.nextId++;
    const answer = new Promise<unknown>((resolve, reject) =>
      this.pending.set(id, { resolve, reject }),
    );
    const frame: PageFrame = { peerbeam: 1, kind: 'request', id, method, params };
    port.postMessage(frame);
    return (await answer) as PageResult<M>;
  }

  /** Hears `event` from the engine; returns the unsubscribe. */
  on<E extends PageEvent>(event: E, listener: (params: PageEvents[E]) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  /** Hears the port close under this page (the engine's host went). */
  onGone(listener: () => void): void {
    this.goneListeners.add(listener);
  }

  /** Opens the port now (events flow only once it is open). */
  async connect(): Promise<browser.Runtime.Port> {
    this.port ??= this.open();
    try {
      return await this.port;
    } catch (error) {
      this.port = undefined;
      throw error;
    }
  }

  private async open(): Promise<browser.Runtime.Port> {
    await call('background', 'ensureReady');
    const port = browser.runtime.connect({ name: this.portName });
    port.onMessage.addListener((message: unknown) => this.received(message));
    port.onDisconnect.addListener(() => {
      this.port = undefined;
      const gone = new PeerbeamError('HOST_GONE', 'the engine stopped');
      for (const { reject } of this.pending.values()) reject(gone);
      this.pending.clear();
      for (const listener of this.goneListeners) listener();
    });
    return port;
  }

  private received(message: unknown): void {
    const frame = pageFrame(message);
    if (frame?.kind === 'reply') {
      const pending = this.pending.get(frame.id);
      if (!pending) return;
      this.pending.delete(frame.id);
      if (frame.ok) pending.resolve(frame.value);
      else {
        const code = isErrorCode(frame.error.code) ? frame.error.code : 'INTERNAL';
        pending.reject(new PeerbeamError(code, frame.error.message));
      }
    } else if (frame?.kind === 'event') {
      for (const listener of this.listeners.get(frame.event) ?? []) {
        (listener as (params: unknown) => void)(frame.params);
      }
    }
  }
}

/** This page's client (the popup and the send page share the module, not the instance). */
export const engine = new EngineClient();
