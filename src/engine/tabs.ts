/**
 * The engine's tab sharing: the one live share (sharing side) and the viewer bridge (watching
 * side). Capture and the viewer page come from the host (platform.ts).
 */
import { PeerbeamError } from '../core/errors.js';
import type { TabQuality } from '../core/tab-quality.js';
import type { TabShareView, TabWatch, ViewerSignal } from '../core/tab-share-view.js';
import type { Established } from '../rtc/established.js';
import { once } from './once.js';
import type { Platform } from './platform.js';
import { TabShare } from './tab-share.js';
import { TabViewerBridge, type TabOffer, type ViewerSink } from './tab-viewer-bridge.js';
import type { Settings } from './views.js';

export interface StartTabShare {
  streamId: string;
  tabId: number;
  title?: string;
  quality: TabQuality;
}

export class Tabs {
  private share: TabShare | undefined;
  private readonly bridge: TabViewerBridge;

  constructor(
    private readonly platform: Platform,
    private readonly settings: () => Settings,
    private readonly identity: () => Promise<{ publicKey: string }>,
  ) {
    this.bridge = new TabViewerBridge((viewerId) => platform.openTabViewer(viewerId));
  }

  async startTabShare({ streamId, tabId, title, quality }: StartTabShare): Promise<TabShareView> {
    const settings = this.settings();
    this.share?.stop('stopped');
    const { publicKey } = await this.identity();
    const stream = await this.platform.captureTab({ streamId, tabId, quality });
    const release = once(this.platform.keepAlive('tab share'));
    const share = TabShare.start(
      {
        tabId,
        ...(title ? { title } : {}),
        quality,
        signalingUrl: settings.signalingUrl,
        self: { name: settings.deviceName, publicKey },
        onChange: (view) => {
          if (view.step === 'ended') release();
          this.platform.events.tabShareChanged(view);
        },
      },
      stream,
    );
    this.share = share;
    return share.snapshot();
  }

  stopTabShare(): void {
    this.share?.stop('stopped');
  }

  getTabShare(): TabShareView | null {
    return this.share?.snapshot() ?? null;
  }

  resumeTabShareCodes(): void {
    this.share?.resumeCodes();
  }

  dismissTabShareWarning(): void {
    this.share?.dismissGuessWarning();
  }

  setTabShareQuality(quality: TabQuality): Promise<void> {
    return this.share?.setQuality(quality) ?? Promise.resolve();
  }

  removeTabViewer(viewerId: string): void {
    this.share?.removeViewer(viewerId);
  }

  setTabShareLink(on: boolean): void {
    this.share?.setLink(on);
  }

  renewTabShareLink(): void {
    this.share?.renewLink();
  }

  /** A tab closed, or went to a browser page: if it is the shared one, its share stops. */
  tabGone({ tabId, reason }: { tabId: number; reason: 'closed' | 'navigated' }): void {
    if (this.share?.tabId === tabId) {
      this.share.tabGone(reason === 'closed' ? 'tab-closed' : 'navigated');
    }
  }

  /** A viewer page takes the watch it was opened for (tab-viewer-bridge.ts). */
  watchTab(viewerId: string, sink: ViewerSink): TabWatch {
    return this.bridge.watch(viewerId, sink);
  }

  viewerSignal(viewerId: string, signal: ViewerSignal): void {
    this.bridge.signal(viewerId, signal);
  }

  viewerState(viewerId: string, state: 'connected' | 'failed'): void {
    this.bridge.state(viewerId, state);
  }

  /** The viewer page went: that viewer left its share. */
  viewerLeft(viewerId: string): void {
    this.bridge.left(viewerId);
  }

  /** Session.onTabOffered: watch the offered tab in a viewer page. */
  offerTab(established: Established, offer: TabOffer): Promise<void> {
    if (!established.sealed.isOpen) {
      return Promise.reject(new PeerbeamError('PEER_LEFT', 'the other side left'));
    }
    return this.bridge.offer(established, offer);
  }
}
