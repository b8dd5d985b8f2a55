/**
 * The player both viewers show (the extension's viewer page and the no-install web viewer):
 * the video, volume, fullscreen, and a clear state. No chrome.* here: each page passes its
 * own texts (chrome.i18n in the extension, the bundled _locales tables on the web).
 *
 * `data-state` on the root: connecting → playing → ended (or failed). Tests read it.
 *
 * Each state's sentence is shown once: over the stage while nothing plays, in the control bar
 * while playing. The overlay is the one live region (role=status) and always holds the
 * sentence, so a screen reader hears each change once; while playing it is visually hidden and
 * the bar's copy is hidden from assistive technology instead. The controls (mute, volume,
 * fullscreen) exist only while something plays.
 */

type ViewerKey =
  | 'viewerConnecting'
  | 'viewerWatching'
  | 'viewerWatchingUnnamed'
  | 'viewerEnded'
  | 'viewerFailed'
  | 'viewerFullscreen'
  | 'viewerExitFullscreen'
  | 'viewerVolume'
  | 'viewerMute'
  | 'viewerUnmute'
  | 'viewerClickToUnmute';

export interface PlayerTexts {
  connecting: string;
  /** "Watching Alice's tab"; the name may be unknown. */
  watching(name?: string): string;
  ended: string;
  failed(detail: string): string;
  fullscreen: string;
  exitFullscreen: string;
  volume: string;
  mute: string;
  unmute: string;
  /** Shown when the browser refused to start the sound without a click. */
  clickToUnmute: string;
}

/** The player's words from a page's translate function (chrome.i18n, or /watch's tables). */
export function playerTextsFrom(
  t: (key: ViewerKey, ...substitutions: string[]) => string,
): PlayerTexts {
  return {
    connecting: t('viewerConnecting'),
    watching: (name) => (name ? t('viewerWatching', name) : t('viewerWatchingUnnamed')),
    ended: t('viewerEnded'),
    failed: (detail) => t('viewerFailed', detail),
    fullscreen: t('viewerFullscreen'),
    exitFullscreen: t('viewerExitFullscreen'),
    volume: t('viewerVolume'),
    mute: t('viewerMute'),
    unmute: t('viewerUnmute'),
    clickToUnmute: t('viewerClickToUnmute'),
  };
}

export type PlayerState = 'idle' | 'connecting' | 'playing' | 'ended' | 'failed';

function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<HTMLElementTagNameMap[K]> & { id?: string; className?: string } = {},
  children: (Node | string)[] = [],
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  Object.assign(node, props);
  node.append(...children);
  return node;
}

export class Player {
  readonly root: HTMLElement;
  readonly video: HTMLVideoElement;
  private readonly stage: HTMLElement;
  private readonly overlay: HTMLElement;
  private readonly unmuteHint: HTMLButtonElement;
  private readonly controls: HTMLElement;
  private readonly status: HTMLElement;
  private readonly muteButton: HTMLButtonElement;
  private readonly volume: HTMLInputElement;
  private readonly fullscreenButton: HTMLButtonElement;

  constructor(
    container: HTMLElement,
    private readonly texts: PlayerTexts,
  ) {
    this.video = element('video', { id: 'video', autoplay: true, playsInline: true });
    this.overlay = element('div', { id: 'overlay', className: 'overlay' });
    this.overlay.setAttribute('role', 'status');
    this.overlay.setAttribute('aria-atomic', 'true');
    this.unmuteHint = element('button', {
      id: 'unmute-hint',
      type: 'button',
      className: 'unmute-hint',
      hidden: true,
      textContent: texts.clickToUnmute,
    });
    this.stage = element('div', { className: 'stage' }, [
      this.video,
      this.overlay,
      this.unmuteHint,
    ]);
    this.status = element('span', { id: 'status', className: 'status' });
    // The overlay already says it to assistive technology.
    this.status.setAttribute('aria-hidden', 'true');
    this.muteButton = element('button', { id: 'mute', type: 'button' });
    this.volume = element('input', {
      id: 'volume',
      type: 'range',
      min: '0',
      max: '1',
      step: '0.05',
      value: '1',
    });
    this.volume.setAttribute('aria-label', texts.volume);
    this.fullscreenButton = element('button', { id: 'fullscreen', type: 'button' });
    this.controls = element('div', { className: 'controls', hidden: true }, [
      this.muteButton,
      this.volume,
      this.fullscreenButton,
      this.status,
    ]);
    this.root = element('div', { className: 'player' }, [this.stage, this.controls]);
    container.append(this.root);

    this.muteButton.addEventListener('click', () => this.setMuted(!this.video.muted));
    this.volume.addEventListener('input', () => {
      this.video.volume = Number(this.volume.value);
      if (this.video.muted && this.video.volume > 0) this.setMuted(false);
    });
    this.fullscreenButton.addEventListener('click', () => void this.toggleFullscreen());
    this.video.addEventListener('dblclick', () => void this.toggleFullscreen());
    this.unmuteHint.addEventListener('click', () => this.setMuted(false));
    document.addEventListener('fullscreenchange', () => this.renderControls());
    this.renderControls();
    this.setState('idle', '');
  }

  get state(): PlayerState {
    return this.root.dataset.state as PlayerState;
  }

  connecting(text = this.texts.connecting): void {
    this.setState('connecting', text);
  }

  play(stream: MediaStream, sharerName?: string): void {
    if (this.state === 'ended' || this.state === 'failed') return;
    this.video.srcObject = stream;
    this.setState('playing', this.texts.watching(sharerName));
    this.video.play().catch((error: unknown) => {
      // Autoplay with sound needs a click on this page first: start muted, offer to unmute.
      // (Other rejections: playback was replaced or stopped meanwhile.)
      if (this.state !== 'playing' || (error as Error).name !== 'NotAllowedError') return;
      this.video.muted = true;
      this.unmuteHint.hidden = false;
      this.overlay.textContent = this.texts.clickToUnmute;
      this.renderControls();
      void this.video.play().catch(() => undefined);
    });
  }

  /**
   * Takes the keyboard focus (the page just hid the control that had it): the first control
   * while playing, otherwise the sentence that says what is happening.
   */
  focus(): void {
    if (this.state === 'playing') {
      this.muteButton.focus();
    } else {
      this.overlay.tabIndex = -1;
      this.overlay.focus();
    }
  }

  /** The sharer stopped, or the connection ended: a final state, stated plainly. */
  ended(): void {
    if (this.state === 'ended' || this.state === 'failed') return;
    this.stop();
    this.setState('ended', this.texts.ended);
  }

  failed(detail: string): void {
    if (this.state === 'ended' || this.state === 'failed') return;
    this.stop();
    this.setState('failed', this.texts.failed(detail));
  }

  private stop(): void {
    const stream = this.video.srcObject;
    if (stream instanceof MediaStream) for (const track of stream.getTracks()) track.stop();
    this.video.srcObject = null;
    this.unmuteHint.hidden = true;
    if (document.fullscreenElement) void document.exitFullscreen().catch(() => undefined);
  }

  private setState(state: PlayerState, text: string): void {
    this.root.dataset.state = state;
    document.body.dataset.state = state;
    this.overlay.textContent = text;
    this.status.textContent = state === 'playing' ? text : '';
    this.controls.hidden = state !== 'playing';
  }

  private setMuted(muted: boolean): void {
    this.video.muted = muted;
    if (!muted && !this.unmuteHint.hidden) {
      this.unmuteHint.hidden = true;
      this.overlay.textContent = this.status.textContent;
      void this.video.play().catch(() => undefined);
    }
    this.renderControls();
  }

  private async toggleFullscreen(): Promise<void> {
    if (document.fullscreenElement) await document.exitFullscreen();
    else await this.stage.requestFullscreen();
  }

  private renderControls(): void {
    this.muteButton.textContent = this.video.muted ? this.texts.unmute : this.texts.mute;
    this.fullscreenButton.textContent = document.fullscreenElement
      ? this.texts.exitFullscreen
      : this.texts.fullscreen;
  }
}
