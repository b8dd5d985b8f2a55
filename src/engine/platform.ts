/**
 * What a host gives the engine (DESIGN.md "One engine, three hosts"): everything the engine
 * needs beyond WebSocket, RTCPeerConnection, Workers, OPFS and IndexedDB. The Chromium
 * offscreen document implements it with runtime messages to the service worker
 * (src/offscreen/platform-chromium.ts); a Firefox event page or the web page bring their own.
 */
import type { TabQuality } from '../core/tab-quality.js';
import type { TabShareView } from '../core/tab-share-view.js';
import type { Scratch } from './opfs-scratch.js';
import type { TransferStore } from './resumable-transfer.js';
import type { DeviceView, IncomingLink, LinkView, SessionView, Settings } from './views.js';

/** What the engine tells its host and UI; fire and forget (a UI that is closed misses it). */
export interface EngineEvents {
  sessionChanged(view: SessionView): void;
  /** A transfer reached a final state (Chromium: a notification). */
  transferEnded(view: SessionView): void;
  devicesChanged(devices: DeviceView[]): void;
  linksChanged(links: LinkView[]): void;
  /** A checked link arrived from a paired device: show it (or open it, if the person said so). */
  linkReceived(link: IncomingLink): void;
  tabShareChanged(view: TabShareView): void;
}

/** Which tab to capture, as the host's UI chose it (Chromium: a tabCapture stream id). */
export interface TabCaptureRequest {
  streamId: string;
  tabId: number;
  quality: TabQuality;
}

export interface Platform {
  /** The settings as the host keeps them; later changes arrive through Engine.configure. */
  loadSettings(): Promise<Settings>;
  /**
   * Keeps a received, verified file (Chromium: a download into Downloads/Peerbeam); resolves
   * once the host has it in hand. `release` deletes the engine's scratch copy: the host calls
   * it when it no longer reads `file`.
   */
  saveFile(file: File, relativePath: string, release: () => Promise<void>): Promise<void>;
  /**
   * Bytes this host can keep for a received offer now, when it knows (a web page: what is
   * left of its storage quota); a larger offer is refused before it is shown (NO_ROOM).
   */
  room?(): Promise<number | undefined>;
  /** Where received files wait until saved (default: OPFS; a web page without it: memory). */
  scratch?: Scratch;
  /** The media of the tab to share. */
  captureTab(request: TabCaptureRequest): Promise<MediaStream>;
  /** Opens a page to watch a shared tab in; the page then watches by `viewerId`. */
  openTabViewer(viewerId: string): Promise<void>;
  /**
   * The engine has work (a session, a live share) that must not be stopped; it calls the
   * returned function when the work is over. A host exists only while there is work
   * (core/host-idle.ts): with no hold left, and no paired device or queued link, it may go.
   */
  keepAlive(reason: string): () => void;
  /**
   * Where to keep a running transfer (resumable-transfer.ts), in a host that may be stopped
   * mid-transfer and started again (Firefox's event page); in memory only: it holds a secret.
   */
  transfers?: TransferStore;
  events: EngineEvents;
}
