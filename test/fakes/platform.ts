/**
 * A host for the engine in a test: records what the engine asked of it (saves, captures, viewer
 * pages, keep-alive) and every event it sent, and captures a fake tab.
 */
import type { TabShareView } from '../../src/core/tab-share-view.js';
import type { EngineEvents, Platform, TabCaptureRequest } from '../../src/engine/platform.js';
import type { Settings } from '../../src/engine/views.js';

/** A captured track: the share sets its hint, listens for its end, and stops it. */
export class FakeTrack {
  contentHint = '';
  stopped = false;
  private readonly ended = new Set<() => void>();

  constructor(readonly kind: 'video' | 'audio') {}

  addEventListener(type: string, listener: () => void, options?: { signal?: AbortSignal }): void {
    if (type !== 'ended') return;
    this.ended.add(listener);
    options?.signal?.addEventListener('abort', () => this.ended.delete(listener));
  }

  stop(): void {
    this.stopped = true;
  }

  /** The browser ended the capture (tab closed, capture revoked). */
  end(): void {
    for (const listener of [...this.ended]) listener();
  }
}

export class FakeStream {
  readonly video = new FakeTrack('video');
  getVideoTracks = () => [this.video];
  getAudioTracks = (): FakeTrack[] => [];
  getTracks = () => [this.video];
}

export const TEST_SETTINGS: Settings = {
  // Never reached: Node has no WebSocket, so every signaling attempt fails at once.
  signalingUrl: 'ws://127.0.0.1:9/ws',
  deviceName: 'Test device',
};

type Recorded = { [E in keyof EngineEvents]: Parameters<EngineEvents[E]>[0][] };

export class FakePlatform implements Platform {
  settings: Settings = TEST_SETTINGS;
  readonly captures: TabCaptureRequest[] = [];
  readonly streams: FakeStream[] = [];
  readonly saved: { path: string; file: File; release: () => Promise<void> }[] = [];
  readonly viewers: string[] = [];
  /** Keep-alive holds by reason: taken, and given back. */
  readonly holds: { reason: string; released: boolean }[] = [];
  readonly recorded: Recorded = {
    sessionChanged: [],
    transferEnded: [],
    devicesChanged: [],
    linksChanged: [],
    linkReceived: [],
    tabShareChanged: [],
  };
  readonly events: EngineEvents = {
    sessionChanged: (view) => this.recorded.sessionChanged.push(view),
    transferEnded: (view) => this.recorded.transferEnded.push(view),
    devicesChanged: (devices) => this.recorded.devicesChanged.push(devices),
    linksChanged: (links) => this.recorded.linksChanged.push(links),
    linkReceived: (link) => this.recorded.linkReceived.push(link),
    tabShareChanged: (view) => this.recorded.tabShareChanged.push(view),
  };

  /** How many keep-alive holds are still taken. */
  get awake(): number {
    return this.holds.filter(({ released }) => !released).length;
  }

  get lastTabShare(): TabShareView | undefined {
    return this.recorded.tabShareChanged.at(-1);
  }

  async loadSettings(): Promise<Settings> {
    return this.settings;
  }

  async saveFile(file: File, path: string, release: () => Promise<void>): Promise<void> {
    this.saved.push({ path, file, release });
  }

  async captureTab(request: TabCaptureRequest): Promise<MediaStream> {
    this.captures.push(request);
    const stream = new FakeStream();
    this.streams.push(stream);
    // The share uses only tracks, their hint, 'ended' and stop(): the DOM class has far more.
    return stream as unknown as MediaStream;
  }

  async openTabViewer(viewerId: string): Promise<void> {
    this.viewers.push(viewerId);
  }

  keepAlive(reason: string): () => void {
    const hold = { reason, released: false };
    this.holds.push(hold);
    return () => {
      hold.released = true;
    };
  }
}
