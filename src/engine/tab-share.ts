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
 * The stable link (src/core/tab-share-link.ts, src/rtc/tab-link-sessions.ts): one secret for
 * the whole share. The sharer waits in the link's mailbox for one viewer at a time; as soon as
 * that viewer is through the link's PAKE, it waits there again for the next. A link viewer is
 * then handled like a code viewer. Turning the link off stops the waiting (viewers watching
 * stay); a new link is a new secret. The link needs no guess guard: its secret is 128 bits.
 *
 * The share ends on Stop, when its tab closes or goes to a browser page, or when the capture
 * track ends; a viewer leaving ends only that viewer's connection.
 */
import { PeerbeamError, toErrorData } from '../core/errors.js';
import type { SelectedPair } from '../core/ice-path.js';
import { TabGuessGuard } from '../core/tab-guess-guard.js';
import { watchLink } from '../core/tab-links.js';
import {
  TabPressure,
  limitedView,
  sampleBetween,
  senderCounters,
  type SenderCounters,
  type TabLimited,
  type TabQuality,
} from '../core/tab-quality.js';
import { MAX_TAB_VIEWERS, TabRoster } from '../core/tab-roster.js';
import { newLinkSecret, shareLinkUrl } from '../core/tab-share-link.js';
import type { TabShareEnd, TabShareView } from '../core/tab-share-view.js';
import { sendByCode } from '../rtc/code-sessions.js';
import type { Established, PeerIdentity } from '../rtc/established.js';
import { greet, TabSignals } from '../rtc/greeting.js';
import { PeerConnection, tabWire } from '../rtc/peer-connection.js';
import { awaitLinkViewer } from '../rtc/tab-link-sessions.js';
import { retuneCapture, retuneSender, tabVideoSender } from '../rtc/tab-media.js';

/** After a failed offer (signaling unreachable), wait this long before allocating again. */
const OFFER_RETRY_MS = 3_000;
/**
 * From the claim to the end of the PAKE. The PAKE takes milliseconds; a claim that sends no
 * share (or no confirmation) would otherwise hold a seat, and a guess, for as long as it likes.
 */
const HANDSHAKE_TIMEOUT_MS = 15_000;
/** After the link's waiting ended without a viewer (mailbox expired, busy, a failed PAKE). */
const LINK_RETRY_MS = 200;
/**
 * How often each viewer's video sender is read for pressure (tab-quality.ts TabPressure).
 * getStats gathers the whole connection's stats on WebRTC's threads: read every second, it
 * cost the viewer's 1080p video 54-80 ms of jitter buffer on a CPU-bound machine; every 3 s, 9.
 */
const PRESSURE_SAMPLE_MS = 3_000;

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
  /** Viewers that came by the link (the code roster keeps the code on offer and its viewers). */
  private readonly linkRoster = new TabRoster();
  private linkSecret: string | undefined = newLinkSecret();
  /** The slot waiting in the link's mailbox, until its viewer is through the PAKE. */
  private linkSlot: ViewerSlot | undefined;
  private linkTimer: ReturnType<typeof setTimeout> | undefined;
  private quality_: TabQuality;
  private readonly guard = new TabGuessGuard();
  private readonly viewers = new Map<string, ViewerSlot>();
  private readonly view: TabShareView;
  private audio: AudioContext | undefined;
  private offerTimer: ReturnType<typeof setTimeout> | undefined;

  /** Shares the captured tab's `stream`, and offers the first code. */
  static start(options: TabShareOptions, stream: MediaStream): TabShare {
    const share = new TabShare(options, stream);
    share.offerNextCode();
    share.offerLink();
    return share;
  }

  private constructor(
    private readonly options: TabShareOptions,
    readonly stream: MediaStream,
  ) {
    this.quality_ = options.quality;
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
      linkOn: true,
    };
    const link = this.linkSecret && shareLinkUrl(options.signalingUrl, this.linkSecret);
    if (link) this.view.link = link;
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
    clearTimeout(this.linkTimer);
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

  /** Turns the stable link off (nobody new gets in by it; viewers watching stay), or on. */
  setLink(on: boolean): void {
    if (!this.isLive || on === this.view.linkOn) return;
    this.view.linkOn = on;
    this.linkSecret = on ? newLinkSecret() : undefined;
    this.stopWaitingOnLink();
    this.changed();
    this.offerLink();
  }

  /** A fresh secret: the old link lets nobody in any more. */
  renewLink(): void {
    if (!this.isLive) return;
    this.view.linkOn = true;
    this.linkSecret = newLinkSecret();
    this.stopWaitingOnLink();
    this.changed();
    this.offerLink();
  }

  /** The sharer removes a viewer: it is told `bye` (its page says sharing ended). */
  removeViewer(viewerId: string): void {
    const slot = this.viewers.get(viewerId);
    if (!this.isLive || !slot?.claimed) return;
    slot.close('happy', { tellViewer: true });
  }

  /**
   * The sharer changes quality while live: the capture track and every viewer's video sender,
   * without reconnecting anyone.
   */
  async setQuality(quality: TabQuality): Promise<void> {
    if (!this.isLive || quality === this.quality_) return;
    this.quality_ = quality;
    this.view.quality = quality;
    this.changed();
    // The capture first: each sender then scales down whatever the track still exceeds.
    await Promise.allSettled(
      this.stream.getVideoTracks().map((track) => retuneCapture(track, quality)),
    );
    const senders = await Promise.allSettled(
      [...this.viewers.values()].map((slot) => slot.setQuality(quality)),
    );
    // Each viewer starts again from the new preset's top rung.
    this.changed();
    const failed = senders.find((result) => result.status === 'rejected');
    // (A capture that refused its constraints is no failure: the senders scale down instead.)
    if (failed) throw failed.reason;
  }

  private stopWaitingOnLink(): void {
    clearTimeout(this.linkTimer);
    const waiting = this.linkSlot;
    this.linkSlot = undefined;
    // A viewer already in its handshake goes on: it came in while the link was on.
    if (waiting && !waiting.claimed) waiting.close('happy');
  }

  private viewerCount(): number {
    return this.roster.snapshot().viewers.length + this.linkRoster.snapshot().viewers.length;
  }

  /** Waits in the link's mailbox for its next viewer, if the link is on and there is room. */
  private offerLink(): void {
    clearTimeout(this.linkTimer);
    this.linkTimer = undefined;
    if (!this.isLive || !this.linkSecret || this.linkSlot) return;
    if (this.viewerCount() >= MAX_TAB_VIEWERS) return;
    const slot = new ViewerSlot(crypto.randomUUID(), this, this.linkSecret);
    this.linkSlot = slot;
    this.viewers.set(slot.id, slot);
    void slot.run();
  }

  private offerNextCode(): void {
    clearTimeout(this.offerTimer);
    this.offerTimer = undefined;
    if (!this.isLive || !this.roster.wantsOffer) return;
    if (this.viewerCount() >= MAX_TAB_VIEWERS) return;
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
    if (slot.linkSecret !== undefined) {
      return awaitLinkViewer(this.options.signalingUrl, slot.linkSecret, signal, {
        arrived: () => this.linkArrived(slot),
        handshaken: () => this.linkHandshaken(slot),
      });
    }
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
    return this.quality_;
  }

  get signal(): AbortSignal {
    return this.abort.signal;
  }

  /** Someone is in the link's mailbox with the sharer: a joining viewer, until its PAKE fails. */
  private linkArrived(slot: ViewerSlot): void {
    if (slot.claimed) return;
    slot.claimed = true;
    slot.dropIfStalled(HANDSHAKE_TIMEOUT_MS);
    this.linkRoster.offering(slot.id);
    this.linkRoster.claimed(slot.id);
    this.changed();
  }

  /** The viewer knew the link's secret: the link waits for the next one at once. */
  private linkHandshaken(slot: ViewerSlot): void {
    slot.verified = true;
    if (this.linkSlot === slot) this.linkSlot = undefined;
    this.offerLink();
  }

  private rosterOf(slot: ViewerSlot): TabRoster {
    return slot.linkSecret === undefined ? this.roster : this.linkRoster;
  }

  claimed(slot: ViewerSlot): void {
    if (slot.claimed || slot.linkSecret !== undefined) return;
    slot.claimed = true;
    this.guard.claimStarted();
    slot.dropIfStalled(HANDSHAKE_TIMEOUT_MS);
    this.roster.claimed(slot.id);
    this.changed();
    this.offerNextCode();
  }

  /** The PAKE succeeded: the viewer knew the code, so the claim was no failed guess. */
  verified(slot: ViewerSlot): void {
    if (!slot.claimed || slot.verified || slot.linkSecret !== undefined) return;
    slot.verified = true;
    this.guard.claimVerified();
    this.offerNextCode();
  }

  named(slot: ViewerSlot, name: string): void {
    this.rosterOf(slot).named(slot.id, name);
    this.changed();
  }

  watching(slot: ViewerSlot, pair: SelectedPair | undefined): void {
    this.rosterOf(slot).watching(slot.id, pair);
    this.changed();
  }

  /** A viewer's sender was lowered or raised to keep up. */
  limitChanged(): void {
    if (this.isLive) this.changed();
  }

  /** The slot is over: a viewer left, or an offer failed before anyone claimed it. */
  slotEnded(slot: ViewerSlot, error?: unknown): void {
    if (this.viewers.get(slot.id) !== slot) return;
    this.viewers.delete(slot.id);
    if (!this.isLive) return;
    if (slot.linkSecret !== undefined) {
      this.linkRoster.left(slot.id);
      const waiting = this.linkSlot === slot;
      if (waiting) this.linkSlot = undefined;
      this.changed();
      this.offerNextCode();
      if (waiting) {
        // The wait ended without a viewer through: wait again, soon if the mailbox was only
        // busy or a viewer's PAKE failed, later if signaling failed (limits, unreachable).
        const code = error instanceof PeerbeamError ? error.code : undefined;
        const soon = code === 'CODE_IN_USE' || code === 'CODE_MISMATCH' || code === 'PEER_LEFT';
        clearTimeout(this.linkTimer);
        this.linkTimer = setTimeout(() => this.offerLink(), soon ? LINK_RETRY_MS : OFFER_RETRY_MS);
      } else {
        this.offerLink();
      }
      return;
    }
    if (slot.claimed) {
      this.roster.left(slot.id);
      this.offerLink();
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
    const byLink = this.linkRoster.snapshot();
    this.view.viewers = [...snapshot.viewers, ...byLink.viewers];
    this.view.watching = snapshot.watching + byLink.watching;
    this.view.full = this.view.viewers.length >= MAX_TAB_VIEWERS;
    const link =
      this.isLive && this.linkSecret
        ? shareLinkUrl(this.options.signalingUrl, this.linkSecret)
        : undefined;
    if (link) this.view.link = link;
    else delete this.view.link;
    this.view.guesses = this.guard.snapshot();
    const limited = this.isLive ? lowestLimit(this.viewers.values()) : undefined;
    if (limited) this.view.limited = limited;
    else delete this.view.limited;
    const code = this.isLive && !this.view.full ? snapshot.code : undefined;
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

/** The most lowered of the viewers' senders: the lowest frame rate, then the lowest height. */
function lowestLimit(slots: Iterable<ViewerSlot>): TabLimited | undefined {
  const full = Number.MAX_SAFE_INTEGER;
  return [...slots]
    .flatMap(({ limited }) => (limited ? [limited] : []))
    .sort(
      (a, b) => (a.fps ?? full) - (b.fps ?? full) || (a.height ?? full) - (b.height ?? full),
    )[0];
}

/**
 * One code on offer (or the link's next wait, `linkSecret`), then (once claimed) one viewer:
 * its signaling, PAKE and connection.
 */
class ViewerSlot {
  claimed = false;
  verified = false;
  /** This viewer's sender runs below the preset to keep up (absent at the preset). */
  limited: TabLimited | undefined;
  private readonly abort = new AbortController();
  private pressure: TabPressure;
  private established: Established | undefined;
  private connection: PeerConnection<unknown> | undefined;
  private closed = false;
  private stallTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly id: string,
    private readonly share: TabShare,
    readonly linkSecret?: string,
  ) {
    share.signal.addEventListener('abort', () => this.abort.abort(), { once: true });
    this.pressure = new TabPressure(share.quality);
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
      this.connection = connection;
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
      // Joined after a quality change the capture track did not take: scale down as the others.
      void connection.setTabQuality(this.share.quality).catch(() => undefined);
      this.watchPressure(connection.pc);
      this.share.watching(this, await connection.selectedPair());
      await connection.lost;
      this.close('happy');
    } catch (error) {
      this.close('errory', { error });
    }
  }

  /** The share's new quality, on this viewer's sender (if its connection exists yet). */
  async setQuality(quality: TabQuality): Promise<void> {
    // The sharer's choice starts from the new preset's top: the pressure is judged anew.
    this.pressure.reset(quality);
    this.limited = undefined;
    await this.connection?.setTabQuality(quality);
  }

  /**
   * Reads the video sender every PRESSURE_SAMPLE_MS; when the policy steps (tab-quality.ts
   * TabPressure), applies the new limit to the sender; tells the sharer what the share runs at.
   */
  private watchPressure(pc: RTCPeerConnection): void {
    const { signal } = this.abort;
    let last: SenderCounters | undefined;
    let busy = false;
    const sample = async () => {
      const sender = tabVideoSender(pc);
      if (!sender || busy || signal.aborted) return;
      busy = true;
      try {
        const counters = senderCounters((await sender.getStats()).values(), Date.now());
        const previous = last;
        last = counters;
        if (!counters || !previous || signal.aborted) return;
        const { limit, changed, told } = this.pressure.next(sampleBetween(previous, counters));
        if (changed) {
          await retuneSender(sender, this.share.quality, limit);
          // The counters over the change mix two limits: judge from the next reading on.
          last = undefined;
        }
        if (!told) return;
        const { lowered } = this.pressure;
        const height = sender.track?.getSettings().height ?? 0;
        this.limited = lowered ? limitedView(lowered, height) : undefined;
        this.share.limitChanged();
      } catch {
        // A closing connection: the slot ends on its own.
      } finally {
        busy = false;
      }
    };
    const timer = setInterval(() => void sample(), PRESSURE_SAMPLE_MS);
    signal.addEventListener('abort', () => clearInterval(timer), { once: true });
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
