/**
 * Sharing a tab in Firefox, which gives extensions no tabCapture. The engine asks for a
 * capture; this opens the capture page (src/capture/), where the person's click asks for
 * getDisplayMedia and Firefox's own picker lets them choose the window with their tab. A
 * MediaStream cannot travel in a message, but an extension page and the background page run in
 * the same extension process: the page reaches this desk on the background page's window
 * (runtime.getBackgroundPage) and hands its stream over directly.
 *
 * The capture belongs to the page: Firefox stops it when the page closes, and the objects go
 * with it. So the page stays open while the share runs, and its closing ends the share as the
 * browser ending a capture does (an `ended` track).
 */
import { PeerbeamError } from '../core/errors.js';
import type { TabQuality } from '../core/tab-quality.js';
import type { TabCaptureRequest } from '../engine/platform.js';

/** The desk's name on the background page's window. */
export const CAPTURE_DESK = 'peerbeamCaptures';

/** How long the person has to choose before the share gives up. */
export const PICK_TIMEOUT_MS = 120_000;

/** What the capture page may ask of the background page. */
export interface CaptureDesk {
  /** The quality wanted by the capture `id`, or undefined if none waits for this page. */
  wanted(id: string): { quality: TabQuality } | undefined;
  /** The person chose; the stream goes to the engine's share. */
  captured(id: string, stream: MediaStream): void;
  /** The page is closing: a capture still waiting fails, a running one ends. */
  gone(id: string): void;
}

interface Waiting {
  quality: TabQuality;
  resolve(stream: MediaStream): void;
  reject(error: PeerbeamError): void;
}

export interface CaptureHost {
  /** Opens the capture page for `id`. */
  openPage(id: string): Promise<void>;
  /** Keeps the background page awake; call the result when done. */
  hold(reason: string): () => void;
}

export class Captures implements CaptureDesk {
  private readonly waiting = new Map<string, Waiting>();
  private readonly running = new Map<string, MediaStream>();

  constructor(
    private readonly host: CaptureHost,
    private readonly timeoutMs = PICK_TIMEOUT_MS,
  ) {}

  /** The engine's captureTab: resolves once the person picked, in the page opened for it. */
  request({ streamId: id, quality }: TabCaptureRequest): Promise<MediaStream> {
    this.waiting.get(id)?.reject(new PeerbeamError('CANCELLED', 'asked again'));
    const release = this.host.hold('choosing what to share');
    return new Promise<MediaStream>((resolve, reject) => {
      const timer = setTimeout(
        () => this.settle(id)?.reject(new PeerbeamError('TIMEOUT', 'nothing was chosen')),
        this.timeoutMs,
      );
      const done = () => {
        clearTimeout(timer);
        release();
      };
      this.waiting.set(id, {
        quality,
        resolve: (stream) => {
          done();
          resolve(stream);
        },
        reject: (error) => {
          done();
          reject(error);
        },
      });
      this.host.openPage(id).catch((error: unknown) => {
        this.settle(id)?.reject(
          new PeerbeamError(
            'TAB_CAPTURE_FAILED',
            `the capture page did not open: ${String(error)}`,
          ),
        );
      });
    });
  }

  wanted(id: string): { quality: TabQuality } | undefined {
    const waiting = this.waiting.get(id);
    return waiting && { quality: waiting.quality };
  }

  captured(id: string, stream: MediaStream): void {
    const waiting = this.settle(id);
    if (!waiting) {
      // Too late (timed out, asked again): nobody shares it.
      for (const track of stream.getTracks()) track.stop();
      return;
    }
    this.running.set(id, stream);
    waiting.resolve(stream);
  }

  gone(id: string): void {
    this.settle(id)?.reject(new PeerbeamError('CANCELLED', 'the capture page was closed'));
    const stream = this.running.get(id);
    this.running.delete(id);
    // Called while the page unloads, before Firefox stops its capture: say so as the browser
    // would, so the share ends now instead of sending a frozen picture.
    for (const track of stream?.getTracks() ?? []) {
      if (track.readyState === 'live') track.dispatchEvent(new Event('ended'));
    }
  }

  private settle(id: string): Waiting | undefined {
    const waiting = this.waiting.get(id);
    this.waiting.delete(id);
    return waiting;
  }
}
