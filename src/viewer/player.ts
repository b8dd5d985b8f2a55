/**
 * The player both viewers show (the extension's viewer page and the no-install web viewer):
 * the video, volume, fullscreen, and a clear state. No chrome.* here: each page passes its
 * own texts (chrome.i18n in the extension, a small table on the web).
 *
 * `data-state` on the root: connecting → playing → ended (or failed). Tests read it.
 */

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
    this.stage = element('div', { className: 'stage' }, [this.video, this.overlay]);
    this.status = element('span', { id: 'status', className: 'status' });
    this.status.setAttribute('role', 'status');
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
    const controls = element('div', { className: 'controls' }, [
      this.muteButton,
      this.volume,
      this.fullscreenButton,
      this.status,
    ]);
    this.root = element('div', { className: 'player' }, [this.stage, controls]);
    container.append(this.root);

    this.muteButton.addEventListener('click', () => this.setMuted(!this.video.muted));
    this.volume.addEventListener('input', () => {
      this.video.volume = Number(this.volume.value);
      if (this.video.muted && this.video.volume > 0) this.setMuted(false);
    });
    this.fullscreenButton.addEventListener('click', () => void this.toggleFullscreen());
    this.video.addEventListener('dblclick', () => void this.toggleFullscreen());
    this.overlay.addEventListener('click', () => {
      if (this.root.dataset.needsUnmute === 'true') this.setMuted(false);
    });
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
      this.root.dataset.needsUnmute = 'true';
      this.overlay.textContent = this.texts.clickToUnmute;
      this.renderControls();
      void this.video.play().catch(() => undefined);
    });
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
    delete this.root.dataset.needsUnmute;
    if (document.fullscreenElement) void document.exitFullscreen().catch(() => undefined);
  }

  private setState(state: PlayerState, text: string): void {
    this.root.dataset.state = state;
    document.body.dataset.state = state;
    this.status.textContent = text;
    this.overlay.textContent = state === 'playing' ? '' : text;
    this.overlay.hidden = state === 'playing';
  }

  private setMuted(muted: boolean): void {
    this.video.muted = muted;
    if (!muted) {
      delete this.root.dataset.needsUnmute;
      if (this.state === 'playing') this.overlay.hidden = true;
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
    if (this.root.dataset.needsUnmute === 'true') this.overlay.hidden = false;
  }
}
