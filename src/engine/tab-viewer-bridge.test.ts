import { describe, expect, it, vi } from 'vitest';
import { PeerbeamError, type ErrorData } from '../core/errors.js';
import type { PeerSignal, PeerSignalInput } from '../core/peer-signal.js';
import type { ViewerSignal } from '../core/tab-share-view.js';
import type { Established } from '../rtc/established.js';
import { TabViewerBridge } from './tab-viewer-bridge.js';

/** The part of SealedSignaling the bridge uses: subscribe, send, ended. */
class FakeSealed {
  readonly sent: PeerSignalInput[] = [];
  readonly isOpen = true;
  private readonly listeners = new Set<(signal: PeerSignal) => void>();
  private endWith!: (reason: PeerbeamError) => void;
  readonly ended = new Promise<PeerbeamError>((resolve) => (this.endWith = resolve));

  subscribe(listener: (signal: PeerSignal) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  send(signal: PeerSignalInput): void {
    this.sent.push(signal);
  }
  deliver(signal: PeerSignal): void {
    for (const listener of this.listeners) listener(signal);
  }
  end(reason: PeerbeamError): void {
    this.endWith(reason);
  }
}

const offer: PeerSignal = {
  t: 'tab-description',
  description: { type: 'offer', sdp: 'v=0 offer' },
};
const candidate: PeerSignal = {
  t: 'tab-candidate',
  candidate: { candidate: 'candidate:1 1 udp 1 127.0.0.1 5000 typ host', sdpMid: '0' },
};

function setup() {
  const sealed = new FakeSealed();
  const established = {
    sealed,
    iceServers: [{ urls: ['stun:127.0.0.1:3478'] }],
    release: vi.fn(),
  } as unknown as Established;
  const opened: string[] = [];
  const bridge = new TabViewerBridge(async (viewerId) => {
    opened.push(viewerId);
  });
  const onEnded = vi.fn();
  const offered = bridge.offer(established, { sharerName: 'Laptop', onEnded });
  offered.catch(() => undefined);
  const viewerId = async () => {
    await vi.waitFor(() => expect(opened).toHaveLength(1));
    return opened[0]!;
  };
  return { sealed, bridge, onEnded, offered, viewerId };
}

/** A viewer page that watches and plays: the media connection is up. */
async function playing() {
  const setupDone = setup();
  const id = await setupDone.viewerId();
  const viewer = page();
  setupDone.bridge.watch(id, viewer.sink);
  setupDone.bridge.state(id, 'connected');
  await setupDone.offered;
  return { ...setupDone, id, viewer };
}

/** A viewer page's end of the watch: what reached it, in order. */
function page() {
  const heard: (ViewerSignal | { ended: ErrorData })[] = [];
  return {
    heard,
    sink: {
      signal: (signal: ViewerSignal) => void heard.push(signal),
      ended: (reason: ErrorData) => void heard.push({ ended: reason }),
    },
  };
}

describe('the viewer page relays its connection through the sealed signaling', () => {
  it('opens a viewer page and hands it the ICE servers and the sharer', async () => {
    const { bridge, viewerId } = setup();
    const id = await viewerId();
    expect(bridge.watch(id, page().sink)).toEqual({
      iceServers: [{ urls: ['stun:127.0.0.1:3478'] }],
      sharerName: 'Laptop',
      signals: [],
    });
    expect(() => bridge.watch(id, page().sink), 'a second page for the same viewer').toThrow(
      PeerbeamError,
    );
  });

  it('passes the sharer’s offer and candidates on in order, also those from before the page came', async () => {
    const { sealed, bridge, viewerId } = setup();
    const id = await viewerId();
    sealed.deliver(offer);
    const viewer = page();
    expect(bridge.watch(id, viewer.sink).signals).toEqual([offer]);
    sealed.deliver(candidate);
    sealed.deliver({ t: 'identity', name: 'x', publicKey: 'abc' });
    expect(viewer.heard).toEqual([candidate]);
  });

  it('seals the page’s answer to the sharer, and refuses an offer from the page', async () => {
    const { sealed, bridge, viewerId } = setup();
    const id = await viewerId();
    const answer = {
      t: 'tab-description',
      description: { type: 'answer', sdp: 'v=0 answer' },
    } as const;
    bridge.signal(id, answer);
    expect(sealed.sent).toEqual([answer]);
    expect(() => bridge.signal(id, offer)).toThrow(PeerbeamError);
  });

  it('once playing, the sharer stopping ends the viewer and its session', async () => {
    const { sealed, onEnded, viewer } = await playing();
    sealed.deliver({ t: 'bye', sid: '' });
    await vi.waitFor(() => expect(viewer.heard).toMatchObject([{ ended: { code: 'PEER_LEFT' } }]));
    expect(onEnded).toHaveBeenCalledOnce();
  });

  it('once playing, an idle signaling socket closing does not end the viewer', async () => {
    const { sealed, onEnded, viewer } = await playing();
    sealed.end(new PeerbeamError('SIGNALING_CLOSED', 'the mailbox expired'));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(viewer.heard).toEqual([]);
    expect(onEnded).not.toHaveBeenCalled();
  });

  it('before it plays, a lost link fails the session with the reason instead', async () => {
    const { sealed, onEnded, offered, viewerId } = setup();
    await viewerId();
    sealed.end(new PeerbeamError('SIGNALING_CLOSED', 'socket closed'));
    await expect(offered).rejects.toMatchObject({ code: 'SIGNALING_CLOSED' });
    expect(onEnded).not.toHaveBeenCalled();
  });

  it('closing the viewer tab leaves the share', async () => {
    const { bridge, onEnded, offered, viewerId } = setup();
    const id = await viewerId();
    bridge.watch(id, page().sink);
    bridge.state(id, 'connected');
    await offered;
    bridge.left('another-viewer');
    expect(onEnded).not.toHaveBeenCalled();
    bridge.left(id);
    expect(onEnded).toHaveBeenCalledOnce();
    expect(() => bridge.signal(id, candidate)).toThrow(PeerbeamError);
  });
});
