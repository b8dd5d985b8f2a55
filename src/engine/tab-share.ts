/**
 * Sharing the current tab live. The host captured the tab (Chromium: the service worker turned
 * the popup's click into a stream id, the offscreen document that into a MediaStream); the
 * tab's audio keeps playing locally (tab capture mutes the tab), and every viewer gets the
 * tracks over its own RTCPeerConnection.
 *
 * Several viewers (src/core/tab-roster.ts, PROTOCOL.md "Tab share"): one one-time code per
 * viewer. When a viewer claims the code on offer, the next code is allocated at once, within
 * the bound on guesses (src/core/tab-guess-guard.ts): a claim that fails its handshake delays
 * the next code, and a few such failures pause the share's codes until the sharer goes on.
 * Per viewer, after its code:
 *
 *   allocate → (claimed: next code) → PAKE (≤ 15 s) → identities → intent{tab}
 *     → offer (A, sendonly) → answer + ICE, sealed → watching
 *     ─── bye / peer left / connection lost ──→ gone
 *
 * The share ends on Stop, when its tab closes or goes to a browser page, or when the capture
 * track ends; a viewer leaving ends only that viewer's connection.
 */
import { PeerbeamError, toErrorData } from '../core/errors.js';
import type { SelectedPair } from '../core/ice-path.js';
import { TabGuessGuard } from '../core/tab-guess-guard.js';
import { watchLink } from '../core/tab-links.js';
import type { TabQuality } from '../core/tab-quality.js';
import { TabRoster } from '../core/tab-roster.js';
import type { TabShareEnd, TabShareView } from '../core/tab-share-view.js';
import { sendByCode } from '../rtc/code-sessions.js';
import type { Established, PeerIdentity } from '../rtc/established.js';
import { greet, TabSignals } from '../rtc/greeting.js';
import { PeerConnection, tabWire } from '../rtc/peer-connection.js';

/** After a failed offer (signaling unreachable), wait this long before allocating again. */
const OFFER_RETRY_MS = 3_000;
/**
 * From the claim to the end of the PAKE. The PAKE takes milliseconds; a claim that sends no
 * share (or no confirmation) would otherwise hold a seat, and a guess, for as long as it likes.
 */
const HANDSHAKE_TIMEOUT_MS = 15_000;

export interface TabShareOptions {
  tabId: number;
  title?: string;
  quality: TabQuality;
  signalingUrl: string;
  self: PeerIdentity;
  onChange(view: TabShareView): void;
}

export class TabShare {
  private readonly abort = new AbortController();
  private readonly roster = new TabRoster();
  private readonly guard = new TabGuessGuard();
  private readonly viewers = new Map<string, ViewerSlot>();
  private readonly view: TabShareView;
  private audio: AudioContext | undefined;
  private offerTimer: ReturnType<typeof setTimeout> | undefined;

  /** Shares the captured tab's `stream`, and offers the first code. */
  static start(options: TabShareOptions, stream: MediaStream): TabShare {
    const share = new TabShare(options, stream);
    share.offerNextCode();
    return share;
  }

  private constructor(
    private readonly options: TabShareOptions,
    readonly stream: MediaStream,
  ) {
    this.view = {
      id: crypto.randomUUID(),
      revision: 0,
      step: 'live',
      tabId: options.tabId,
      ...(options.title ? { title: options.title } : {}),
      quality: options.quality,
      viewers: [],
      watching: 0,
      full: false,
      guesses: { failed: 0, paused: false },
    };
    for (const track of stream.getVideoTracks()) {
      // Encoders then favour sharp edges over motion: pages are mostly text.
      track.contentHint = 'detail';
      // The browser ended the capture (tab closed, capture revoked): nothing left to share.
      track.addEventListener('ended', () => this.stop('capture-ended'), {
        signal: this.abort.signal,
      });
    }
    this.playAudioLocally();
  }

  get tabId(): number {
    return this.options.tabId;
  }

  get isLive(): boolean {
    return this.view.step === 'live';
  }

  snapshot(): TabShareView {
    return structuredClone(this.view);
  }

  /** Ends the share for everyone; safe to call twice. */
  stop(reason: TabShareEnd): void {
    if (!this.isLive) return;
    this.view.step = 'ended';
    this.view.ended = reason;
    clearTimeout(this.offerTimer);
    for (const slot of [...this.viewers.values()]) slot.close('happy', { tellViewer: true });
    this.abort.abort();
    for (const track of this.stream.getTracks()) track.stop();
    void this.audio?.close().catch(() => undefined);
    this.changed();
  }

  /**
   * The shared tab closed or went to a browser page. Closing also ends the capture track,
   * which usually reports first: the end reason then becomes the more telling one.
   */
  tabGone(reason: 'tab-closed' | 'navigated'): void {
    if (this.isLive) {
      this.stop(reason);
    } else if (this.view.ended === 'capture-ended') {
      this.view.ended = reason;
      this.changed();
    }
  }

  private playAudioLocally(): void {
    const tracks = this.stream.getAudioTracks();
    if (tracks.length === 0) return;
    // Tab capture takes the tab's sound away from its speakers: play it back here.
    const context = new AudioContext();
    context.createMediaStreamSource(new MediaStream(tracks)).connect(context.destination);
    if (context.state === 'suspended') void context.resume().catch(() => undefined);
    this.audio = context;
  }

  /** The sharer chose to go on after the share paused at its cap of failed guesses. */
  resumeCodes(): void {
    if (!this.isLive) return;
    this.guard.resume(Date.now());
    this.changed();
    this.offerNextCode();
  }

  /** The sharer has seen the failed-guess warning. */
  dismissGuessWarning(): void {
    if (!this.isLive) return;
    this.guard.dismiss();
    this.changed();
  }

  private offerNextCode(): void {
    clearTimeout(this.offerTimer);
    this.offerTimer = undefined;
    if (!this.isLive || !this.roster.wantsOffer) return;
    const verdict = this.guard.next(Date.now());
    if (verdict.kind === 'wait') {
      this.offerTimer = setTimeout(() => this.offerNextCode(), verdict.ms);
      return;
    }
    // 'held': a claim settling asks again; 'paused': only the sharer going on does.
    if (verdict.kind !== 'offer') return;
    const id = crypto.randomUUID();
    this.roster.offering(id);
    const slot = new ViewerSlot(id, this);
    this.viewers.set(id, slot);
    void slot.run();
  }

  // --- called by ViewerSlot ---

  establish(slot: ViewerSlot, signal: AbortSignal): Promise<Established> {
    return sendByCode(this.options.signalingUrl)({
      signal,
      setStep: (step) => {
        // The server paired the mailbox: someone claimed this code. Offer the next one now.
        if (step === 'handshaking') this.claimed(slot);
      },
      showCode: (code) => {
        this.roster.codeShown(slot.id, code);
        delete this.view.error;
        this.changed();
      },
    });
  }

  get self(): PeerIdentity {
    return this.options.self;
  }

  get quality(): TabQuality {
    return this.options.quality;
  }

  get signal(): AbortSignal {
    return this.abort.signal;
  }

  claimed(slot: ViewerSlot): void {
    if (slot.claimed) return;
    slot.claimed = true;
    this.guard.claimStarted();
    slot.dropIfStalled(HANDSHAKE_TIMEOUT_MS);
    this.roster.claimed(slot.id);
    this.changed();
    this.offerNextCode();
  }

  /** The PAKE succeeded: the viewer knew the code, so the claim was no failed guess. */
  verified(slot: ViewerSlot): void {
    if (!slot.claimed || slot.verified) return;
    slot.verified = true;
    this.guard.claimVerified();
    this.offerNextCode();
  }

  named(slot: ViewerSlot, name: string): void {
    this.roster.named(slot.id, name);
    this.changed();
  }

  watching(slot: ViewerSlot, pair: SelectedPair | undefined): void {
    this.roster.watching(slot.id, pair);
    this.changed();
  }

  /** The slot is over: a viewer left, or an offer failed before anyone claimed it. */
  slotEnded(slot: ViewerSlot, error?: unknown): void {
    if (this.viewers.get(slot.id) !== slot) return;
    this.viewers.delete(slot.id);
    if (!this.isLive) return;
    if (slot.claimed) {
      this.roster.left(slot.id);
      // A wrong code, or a handshake left unfinished: a guess spent, shown to the sharer.
      if (!slot.verified) this.guard.claimFailed(Date.now());
      this.changed();
      this.offerNextCode();
      return;
    }
    this.roster.offerFailed(slot.id);
    if (error !== undefined) this.view.error = toErrorData(error);
    this.changed();
    clearTimeout(this.offerTimer);
    this.offerTimer = setTimeout(() => this.offerNextCode(), OFFER_RETRY_MS);
  }

  private changed(): void {
    const snapshot = this.roster.snapshot();
    this.view.viewers = snapshot.viewers;
    this.view.watching = snapshot.watching;
    this.view.full = snapshot.full;
    this.view.guesses = this.guard.snapshot();
    const code = this.isLive ? snapshot.code : undefined;
    if (code) {
      this.view.code = code;
      const link = watchLink(this.options.signalingUrl, code);
      if (link) this.view.watchUrl = link;
      else delete this.view.watchUrl;
    } else {
      delete this.view.code;
      delete this.view.watchUrl;
    }
    this.view.revision++;
    this.options.onChange(this.snapshot());
  }
}

/** One code on offer, then (once claimed) one viewer: its signaling, PAKE and connection. */
class ViewerSlot {
  claimed = false;
  verified = false;
  private readonly abort = new AbortController();
  private established: Established | undefined;
  private closed = false;
  private stallTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly id: string,
    private readonly share: TabShare,
  ) {
    share.signal.addEventListener('abort', () => this.abort.abort(), { once: true });
  }

  async run(): Promise<void> {
    const { signal } = this.abort;
    try {
      const established = await this.share.establish(this, signal);
      this.established = established;
      signal.throwIfAborted();
      this.share.claimed(this);
      clearTimeout(this.stallTimer);
      this.share.verified(this);
      const { sealed } = established;
      const tabSignals = new TabSignals(sealed, signal);
      const { peer } = await greet(sealed, { self: this.share.self, intent: 'tab' });
      this.share.named(this, peer.name);

      const connection = new PeerConnection({
        role: 'offerer',
        carries: { kind: 'tab-out', stream: this.share.stream, quality: this.share.quality },
        wire: tabWire,
        sendSignal: (peerSignal) => sealed.trySend(peerSignal),
        iceServers: established.iceServers,
        signal,
      });
      tabSignals.deliver((peerSignal) => {
        connection
          .handleSignal(peerSignal)
          .catch((error: unknown) => this.close('errory', { error }));
      });
      // A `bye` closes without a reason; the sealed signaling ending (within the rule) with its own.
      void tabSignals.ended.then((reason) => this.close('happy', reason ? { error: reason } : {}));
      await connection.offer();
      await connection.connected;
      tabSignals.mediaFlows();
      this.share.watching(this, await connection.selectedPair());
      await connection.lost;
      this.close('happy');
    } catch (error) {
      this.close('errory', { error });
    }
  }

  /** A claim whose handshake does not finish in time is dropped: it frees its seat. */
  dropIfStalled(ms: number): void {
    this.stallTimer = setTimeout(() => {
      this.close('errory', {
        error: new PeerbeamError('TIMEOUT', 'the viewer did not finish the handshake'),
      });
    }, ms);
  }

  /** Safe to call twice. `tellViewer`: the sharer stopped, say goodbye first. */
  close(mood: 'happy' | 'errory', how: { tellViewer?: boolean; error?: unknown } = {}): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.stallTimer);
    if (how.tellViewer) this.established?.sealed.trySend({ t: 'bye' });
    this.abort.abort();
    this.established?.release(mood);
    this.share.slotEnded(this, how.error);
  }
}
