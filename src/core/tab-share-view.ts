/**
 * What the popup shows of a tab share (sent from the offscreen document, which runs it), and
 * what the viewer page and the offscreen document tell each other. Plain data: every message
 * between extension contexts is JSON.
 */
import type { ErrorData } from './errors.js';
import type { PeerSignalInput } from './peer-signal.js';
import type { GuessState } from './tab-guess-guard.js';
import type { TabLimited, TabQuality } from './tab-quality.js';
import type { TabViewer } from './tab-roster.js';

export type TabShareStep = 'live' | 'ended';
export type TabShareEnd = 'stopped' | 'tab-closed' | 'navigated' | 'capture-ended';

export interface TabShareView {
  id: string;
  /** Grows with every change, so a late update never overwrites a newer one. */
  revision: number;
  step: TabShareStep;
  tabId: number;
  title?: string;
  quality: TabQuality;
  /** The one-time code for the next viewer (absent while allocating, or when full). */
  code?: string;
  /** The no-install viewer page for that code. */
  watchUrl?: string;
  /**
   * The share's stable /watch link, for any number of viewers (tab-share-link.ts): absent when
   * turned off, or when the signaling URL allows no web link (tab-links.ts).
   */
  link?: string;
  /** The sharer has not turned the stable link off. */
  linkOn: boolean;
  /** Viewers by `id`, which `removeTabViewer` takes. */
  viewers: TabViewer[];
  watching: number;
  full: boolean;
  /**
   * The share runs below its preset to keep up (a busy machine, a narrow path): the lowest
   * frame rate (and height) any viewer's sender was lowered to (tab-quality.ts TabPressure).
   */
  limited?: TabLimited;
  /** Why the share ended, once it has. */
  ended?: TabShareEnd;
  /** The last problem offering a code (signaling unreachable…); the share goes on. */
  error?: ErrorData;
  /**
   * Claims that failed their handshake (a wrong code, or left unfinished): the count stays,
   * whatever codes follow, until the sharer dismisses it; `paused`: the cap is reached and no
   * code is offered until the sharer goes on (tab-guess-guard.ts).
   */
  guesses: GuessState;
}

/** A viewer page's share of the sealed signaling: the sharer's offer and candidates. */
export type ViewerSignal = Extract<
  PeerSignalInput,
  { t: 'tab-description' } | { t: 'tab-candidate' }
>;

/** What a viewer page gets when it starts watching: then the signals come as events. */
export interface TabWatch {
  iceServers: RTCIceServer[];
  sharerName?: string;
  /** The sharer's signals that arrived before the page did, in order. */
  signals: ViewerSignal[];
}
