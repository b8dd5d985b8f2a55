/**
 * Firefox's capture page (../firefox/captures.ts): the engine opened it in a small window to
 * share a tab. The person's click here asks for getDisplayMedia (it needs that click), Firefox's
 * picker lets them choose the window with their tab, and the stream goes straight to the
 * background page, which runs in this same extension process (a MediaStream cannot be sent as a
 * message). The capture lives as long as this page: it stays open while the share runs,
 * closes itself once the share ends, and closing it ends the share.
 */
import browser from 'webextension-polyfill';
import { toErrorData } from '../core/errors.js';
import { tabCaptureError } from '../core/tab-capture-errors.js';
import { tabCaptureConstraints, type TabQuality } from '../core/tab-quality.js';
import { CAPTURE_DESK, type CaptureDesk } from '../firefox/captures.js';
import { describeError, t } from '../shared/i18n.js';

const ENDED_POLL_MS = 500;

const id = decodeURIComponent(location.hash.slice(1));
const pick = document.getElementById('capture-pick') as HTMLButtonElement;
const status = document.getElementById('capture-status')!;

function show(state: 'choose' | 'sharing' | 'failed' | 'expired', text = ''): void {
  document.body.dataset.state = state;
  pick.hidden = state === 'sharing' || state === 'expired';
  status.textContent = text;
}

/** Firefox shares a window or the screen, at most the quality's size and frame rate. */
function constraints(quality: TabQuality): DisplayMediaStreamOptions {
  const { maxWidth, maxHeight, maxFrameRate } = tabCaptureConstraints('', quality).video.mandatory;
  return {
    video: {
      width: { max: maxWidth },
      height: { max: maxHeight },
      frameRate: { max: maxFrameRate },
    },
    // Firefox gives no sound with a shared window (the popup says so up front).
    audio: false,
  };
}

/** The share stopped the tracks (Stop in the popup, the last viewer …): nothing left to hold. */
function closeWhenEnded(stream: MediaStream): void {
  const timer = setInterval(() => {
    if (stream.getTracks().every((track) => track.readyState === 'ended')) {
      clearInterval(timer);
      window.close();
    }
  }, ENDED_POLL_MS);
}

async function main(): Promise<void> {
  document.documentElement.lang = t('popup_htmlLang');
  document.title = t('capture_title');
  document.getElementById('capture-heading')!.textContent = t('capture_title');
  document.getElementById('capture-explain')!.textContent = t('capture_explain');
  pick.textContent = t('capture_pick');

  const background = (await browser.runtime.getBackgroundPage()) as unknown as Record<
    string,
    CaptureDesk | undefined
  > | null;
  const desk = background?.[CAPTURE_DESK];
  const wanted = desk?.wanted(id);
  if (!desk || !wanted) {
    show('expired', t('capture_expired'));
    return;
  }
  addEventListener('pagehide', () => desk.gone(id));
  show('choose');
  pick.focus();
  pick.addEventListener('click', () => {
    // At once, inside the click: getDisplayMedia needs the person's gesture.
    navigator.mediaDevices.getDisplayMedia(constraints(wanted.quality)).then(
      (stream) => {
        if (!desk.wanted(id)) {
          for (const track of stream.getTracks()) track.stop();
          show('expired', t('capture_expired'));
          return;
        }
        desk.captured(id, stream);
        show('sharing', t('capture_sharing'));
        closeWhenEnded(stream);
      },
      // Cancelled or refused: the person may choose again, or close the window.
      (error: unknown) => show('failed', describeError(toErrorData(tabCaptureError(error)))),
    );
  });
}

void main();
