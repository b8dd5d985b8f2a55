import { describe, expect, it } from 'vitest';
import { PeerbeamError } from '../core/errors.js';
import { PAGE_PORT, VIEWER_PORT, type PageFrame, type PageHandlers } from './page-protocol.js';
import { PagePorts, type PagePort } from './page-ports.js';

/** A runtime.Port as the engine's end sees it: what it posted, and the page's side to drive. */
class FakePort implements PagePort {
  readonly posted: PageFrame[] = [];
  private readonly messageListeners: ((message: unknown) => void)[] = [];
  private readonly disconnectListeners: (() => void)[] = [];
  onMessage = {
    addListener: (listener: (message: unknown) => void) => this.messageListeners.push(listener),
  };
  onDisconnect = { addListener: (listener: () => void) => this.disconnectListeners.push(listener) };

  constructor(readonly name: string) {}

  postMessage(message: unknown): void {
    this.posted.push(structuredClone(message) as PageFrame);
  }
  /** The page sends `message`. */
  deliver(message: unknown): void {
    for (const listener of this.messageListeners) listener(message);
  }
  request(id: number, method: string, ...params: unknown[]): void {
    this.deliver({ peerbeam: 1, kind: 'request', id, method, params });
  }
  /** The page goes. */
  close(): void {
    for (const listener of this.disconnectListeners) listener();
  }
  replies() {
    return this.posted.filter((frame) => frame.kind === 'reply');
  }
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

function setup(handlers: Partial<PageHandlers>, ready: Promise<unknown> = Promise.resolve()) {
  const holds = { open: 0, activity: 0 };
  const ports = new PagePorts({
    handlers: handlers as PageHandlers,
    ready,
    opened: () => {
      holds.open++;
      return () => void holds.open--;
    },
    activity: () => void holds.activity++,
  });
  return { ports, holds };
}

describe('pages talk to the engine over one long-lived port each', () => {
  it('answers each request by its id, in the order asked, errors as their code', async () => {
    let resolveSlow!: () => void;
    const { ports } = setup({
      startReceive: async (_page, { code }) => {
        await new Promise<void>((resolve) => (resolveSlow = resolve));
        return { id: code } as never;
      },
      getSession: () => null,
      acceptFiles: () => {
        throw new PeerbeamError('NO_SESSION', 'no session is running');
      },
    });
    const port = new FakePort(PAGE_PORT);
    ports.accept(port);
    port.request(1, 'startReceive', { code: '7-apple-river' });
    port.request(2, 'getSession');
    port.request(3, 'acceptFiles');
    port.request(4, 'noSuchMethod');
    await settle();
    expect(port.replies(), 'nothing answered before the first request is').toEqual([]);
    resolveSlow();
    await settle();
    expect(port.replies()).toEqual([
      { peerbeam: 1, kind: 'reply', id: 1, ok: true, value: { id: '7-apple-river' } },
      { peerbeam: 1, kind: 'reply', id: 2, ok: true, value: null },
      {
        peerbeam: 1,
        kind: 'reply',
        id: 3,
        ok: false,
        error: { code: 'NO_SESSION', message: 'no session is running' },
      },
      {
        peerbeam: 1,
        kind: 'reply',
        id: 4,
        ok: false,
        error: { code: 'BAD_REQUEST', message: 'the engine has no method noSuchMethod' },
      },
    ]);
  });

  it('requests wait for the engine to be ready (no first-open error)', async () => {
    let boot!: () => void;
    const { ports } = setup(
      { listDevices: () => [] },
      new Promise<void>((resolve) => (boot = resolve)),
    );
    const port = new FakePort(PAGE_PORT);
    ports.accept(port);
    port.request(1, 'listDevices');
    await settle();
    expect(port.replies()).toEqual([]);
    boot();
    await settle();
    expect(port.replies()).toEqual([{ peerbeam: 1, kind: 'reply', id: 1, ok: true, value: [] }]);
  });

  it('ignores what is not a request frame', async () => {
    const { ports, holds } = setup({ getSession: () => null });
    const port = new FakePort(PAGE_PORT);
    ports.accept(port);
    for (const junk of [null, 'getSession', { kind: 'request', id: 1, method: 'getSession' }]) {
      port.deliver(junk);
    }
    port.deliver({ peerbeam: 1, kind: 'request', id: 'x', method: 'getSession', params: [] });
    await settle();
    expect(port.posted).toEqual([]);
    expect(holds.activity).toBe(0);
  });

  it('broadcasts reach the popup and send pages, not viewer pages; a page’s own events only it', async () => {
    const { ports } = setup({
      watchTab: (page) => {
        page.send('viewerSignal', { t: 'tab-candidate', candidate: { candidate: '' } });
        return { iceServers: [], signals: [] };
      },
    });
    const popup = new FakePort(PAGE_PORT);
    const viewer = new FakePort(VIEWER_PORT);
    const otherViewer = new FakePort(VIEWER_PORT);
    for (const port of [popup, viewer, otherViewer]) ports.accept(port);
    ports.broadcast('devicesChanged', []);
    viewer.request(1, 'watchTab', { viewerId: 'v1' });
    await settle();
    expect(popup.posted).toEqual([
      { peerbeam: 1, kind: 'event', event: 'devicesChanged', params: [] },
    ]);
    expect(viewer.posted.map((frame) => frame.kind)).toEqual(['event', 'reply']);
    expect(viewer.posted[0]).toMatchObject({ event: 'viewerSignal' });
    expect(otherViewer.posted).toEqual([]);
  });

  it('an open page keeps the host; a page that goes lets go and is told to no one', async () => {
    const closed: string[] = [];
    const { ports, holds } = setup({
      watchTab: (page, { viewerId }) => {
        page.onClose(() => closed.push(viewerId));
        return { iceServers: [], signals: [] };
      },
    });
    const viewer = new FakePort(VIEWER_PORT);
    ports.accept(viewer);
    expect(holds.open).toBe(1);
    viewer.request(1, 'watchTab', { viewerId: 'v1' });
    await settle();
    expect(holds.activity).toBe(1);
    viewer.close();
    expect(closed).toEqual(['v1']);
    expect(holds.open).toBe(0);
    ports.broadcast('devicesChanged', []);
    expect(viewer.posted).toHaveLength(1);
  });
});
