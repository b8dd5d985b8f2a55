import browser from 'webextension-polyfill';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ErrorData } from '../core/errors.js';
import { GUESS_CAP } from '../core/tab-guess-guard.js';
import {
  DEFAULT_TAB_QUALITY,
  TAB_QUALITIES,
  type TabLimited,
  type TabQuality,
} from '../core/tab-quality.js';
import type { TabViewer } from '../core/tab-roster.js';
import type { TabShareEnd, TabShareView } from '../core/tab-share-view.js';
import { describeError, t, type MessageKey } from '../shared/i18n.js';
import { call } from '../shared/messaging.js';
import { engine } from '../shared/engine-client.js';
import type { SessionView } from '../shared/session-view.js';
import { useFocusOnStep } from './focus.js';
import { SecondaryButton } from './SecondaryButton.js';
import { CopyButton, QrCode } from '../send/LinkParts.js';
import { ShareHint } from './ShareHint.js';

/** "Share this tab": the click is the user gesture tab capture needs. */
export function TabShareStart(props: { onStart: (quality: TabQuality) => void }) {
  const [quality, setQuality] = useState<TabQuality>(DEFAULT_TAB_QUALITY);
  return (
    <>
      <h2 id="share-heading">{t('popup_shareHeading')}</h2>
      <div class="row">
        <button type="button" id="share-tab" onClick={() => props.onStart(quality)}>
          {t('shareThisTab')}
        </button>
        <select
          id="tab-quality"
          aria-label={t('tabQualityLabel')}
          value={quality}
          onChange={(event) => setQuality(event.currentTarget.value as TabQuality)}
        >
          <QualityOptions />
        </select>
      </div>
      <ShareHint />
    </>
  );
}

const TABS_PERMISSION: browser.Permissions.Permissions = { permissions: ['tabs'] };

/**
 * Stopping when the shared tab opens a browser page needs the tab's new address, which only
 * the optional "tabs" permission reveals (it warns of reading browsing history, so it is asked
 * here, with its reason, and never at install).
 */
function NavigationGuard() {
  const [granted, setGranted] = useState<boolean | undefined>();
  useEffect(() => {
    void browser.permissions.contains(TABS_PERMISSION).then(setGranted);
  }, []);
  if (granted !== false) return null;
  return (
    <p class="status" id="tab-guard">
      {t('tabGuardHint')}{' '}
      <button
        type="button"
        class="secondary"
        id="tab-guard-allow"
        // The request must start inside the click: it needs the user gesture.
        onClick={() => void browser.permissions.request(TABS_PERMISSION).then(setGranted)}
      >
        {t('tabGuardAllow')}
      </button>
    </p>
  );
}

const ENDED_TEXT: Record<TabShareEnd, MessageKey> = {
  stopped: 'tabShareEnded_stopped',
  'tab-closed': 'tabShareEnded_tab_closed',
  navigated: 'tabShareEnded_navigated',
  'capture-ended': 'tabShareEnded_capture_ended',
};

/**
 * Share the active tab: the port first (it wakes the engine's host), then the stream id, which
 * is good for a few seconds only, then the share.
 */
export async function startTabShare(quality: TabQuality): Promise<TabShareView> {
  await engine.connect();
  const tab = await call('background', 'captureTab');
  return engine.request('startTabShare', { ...tab, quality });
}

/**
 * Failed attempts at this share's codes: the warning stays until dismissed; at the cap the
 * share offers no code until the sharer chooses to go on.
 */
function GuessWarning({ guesses }: { guesses: TabShareView['guesses'] }) {
  const act = (method: 'resumeTabShareCodes' | 'dismissTabShareWarning') => () =>
    void engine.request(method).catch(() => {
      // The share's next update shows its real state either way.
    });
  return (
    <>
      {guesses.paused && (
        <p class="status" id="tab-guess-paused">
          {t('tabGuessPaused', String(GUESS_CAP))}{' '}
          <SecondaryButton id="tab-guess-resume" onClick={act('resumeTabShareCodes')}>
            {t('tabGuessResume')}
          </SecondaryButton>
        </p>
      )}
      {guesses.failed > 0 && (
        <p class="error" role="alert" id="tab-guess-warning" data-failed={guesses.failed}>
          {t('tabGuessWarning', String(guesses.failed))}{' '}
          <SecondaryButton id="tab-guess-dismiss" onClick={act('dismissTabShareWarning')}>
            {t('tabGuessDismiss')}
          </SecondaryButton>
        </p>
      )}
    </>
  );
}

/** Asks the engine; the share's next update shows the outcome either way. */
function ask(run: () => Promise<unknown>): void {
  void run().catch(() => undefined);
}

/**
 * The share's stable link: one link (and QR code) for every viewer, until turned off or
 * replaced. Focus stays on the row's buttons as the link changes under them.
 */
function StableLink({ view }: { view: TabShareView }) {
  // Turning the link off or on swaps the buttons: focus follows to the one that replaced it.
  const shown = useRef(view.linkOn);
  useEffect(() => {
    if (shown.current === view.linkOn) return;
    shown.current = view.linkOn;
    document.getElementById(view.linkOn ? 'tab-link-turn-off' : 'tab-link-on')?.focus();
  }, [view.linkOn]);
  if (!view.linkOn) {
    return (
      <div class="tab-link" id="tab-link">
        <p class="status" id="tab-link-off">
          {t('tabLinkIsOff')}
        </p>
        <p>
          <SecondaryButton
            id="tab-link-on"
            onClick={() => ask(() => engine.request('setTabShareLink', { on: true }))}
          >
            {t('tabLinkTurnOn')}
          </SecondaryButton>
        </p>
      </div>
    );
  }
  if (!view.link) return null;
  return (
    <div class="tab-link" id="tab-link">
      <p class="status">{t('tabLinkHint')}</p>
      <div class="row">
        <input
          id="tab-share-link"
          readOnly
          aria-label={t('tabLinkLabel')}
          value={view.link}
          onFocus={(event) => event.currentTarget.select()}
        />
        <CopyButton text={view.link} id="tab-copy-link" label={t('popup_copyLink')} />
      </div>
      <QrCode id="tab-qr" text={view.link} label={t('tabLinkQrLabel')} />
      <p class="status" id="tab-watch-link-note">
        {t('tabLinkServerNote')}
      </p>
      <div class="row">
        <SecondaryButton
          id="tab-link-turn-off"
          onClick={() => ask(() => engine.request('setTabShareLink', { on: false }))}
        >
          {t('tabLinkTurnOff')}
        </SecondaryButton>
        <SecondaryButton
          id="tab-link-renew"
          onClick={() => ask(() => engine.request('renewTabShareLink'))}
        >
          {t('tabLinkNew')}
        </SecondaryButton>
      </div>
    </div>
  );
}

/** The quality, changeable while live: the engine retunes capture and every viewer. */
function LiveQuality({ quality }: { quality: TabQuality }) {
  return (
    <div class="row">
      <select
        id="tab-live-quality"
        aria-label={t('tabQualityLabel')}
        value={quality}
        onChange={(event) => {
          const chosen = event.currentTarget.value as TabQuality;
          ask(() => engine.request('setTabShareQuality', { quality: chosen }));
        }}
      >
        <QualityOptions />
      </select>
    </div>
  );
}

/** "Lowered to 15 fps and 720p to keep up": whichever the share gave up. */
function LimitedText({ limited }: { limited: TabLimited }) {
  const fps = limited.fps === undefined ? undefined : String(limited.fps);
  const height = limited.height === undefined ? undefined : String(limited.height);
  if (fps && height) return <>{t('tabLimitedFpsHeight', fps, height)}</>;
  if (height) return <>{t('tabLimitedHeight', height)}</>;
  return <>{t('tabLimitedFps', fps ?? '')}</>;
}

function viewerLine(viewer: TabViewer): string {
  const name = viewer.name ?? t('tabViewerUnnamed');
  if (viewer.stage === 'joining') return t('tabViewerJoining', name);
  return t('tabViewerWatching', name, t(viewer.path === 'relay' ? 'pathRelay' : 'pathDirect'));
}

/** A live share: the code for the next viewer, its link and QR code, who watches, Stop. */
export function TabSharePanel(props: {
  view: TabShareView;
  onStop: () => void;
  onDone: () => void;
}) {
  const { view } = props;
  // After Share (and when it ends) focus lands on the panel's heading, not on <body>.
  const heading = useFocusOnStep<HTMLHeadingElement>(`${view.id}:${view.step}`);
  if (view.step === 'ended') {
    return (
      <section class="tab-share" data-share-step="ended">
        <h2 tabIndex={-1} ref={heading}>
          {t('tabShareHeading')}
        </h2>
        <p class="status" id="tab-share-ended">
          {t(ENDED_TEXT[view.ended ?? 'stopped'])}
        </p>
        <button type="button" id="tab-share-done" onClick={props.onDone}>
          {t('startOver')}
        </button>
      </section>
    );
  }
  return (
    <section class="tab-share" data-share-step="live" data-watching={view.watching}>
      <h2 tabIndex={-1} ref={heading} id="tab-share-heading">
        {t('sharingThisTab')}
      </h2>
      {view.title && <p class="tab-title">{view.title}</p>}
      <LiveQuality quality={view.quality} />
      {view.limited && (
        <p class="status" id="tab-limited" data-fps={view.limited.fps}>
          <LimitedText limited={view.limited} />
        </p>
      )}
      <StableLink view={view} />
      {view.code ? (
        <>
          <p class="status">{t('tabNextViewerCode')}</p>
          <div class="row">
            <div class="code" id="tab-code" data-watch-url={view.watchUrl}>
              {view.code}
            </div>
            <CopyButton text={view.code} id="tab-copy-code" label={t('popup_copyCode')} />
          </div>
        </>
      ) : (
        !view.guesses.paused && (
          <p class="status" id="tab-code-pending">
            {view.full ? t('tabShareFull') : t('tabShareAllocating')}
          </p>
        )
      )}
      <GuessWarning guesses={view.guesses} />
      {/* New viewers are announced politely: the count and the list are one live region. */}
      <div role="status" aria-live="polite" aria-labelledby="tab-share-heading">
        <p class="status" id="tab-viewers" data-count={view.watching}>
          {view.watching === 0 ? t('tabNoViewers') : t('tabViewers', String(view.watching))}
        </p>
        {view.viewers.length > 0 && (
          <ul class="viewers" id="tab-viewer-list">
            {view.viewers.map((viewer) => (
              <li
                key={viewer.id}
                data-stage={viewer.stage}
                data-path={viewer.path}
                title={viewer.candidates}
              >
                <span class="viewer-line">{viewerLine(viewer)}</span>{' '}
                <button
                  type="button"
                  class="secondary"
                  id={`tab-remove-${viewer.id}`}
                  aria-label={t('tabShareRemoveViewer', viewer.name ?? t('tabViewerUnnamed'))}
                  onClick={() => {
                    // The row goes: focus moves to the heading rather than to <body>.
                    heading.current?.focus();
                    ask(() => engine.request('removeTabViewer', { viewerId: viewer.id }));
                  }}
                >
                  {t('tabShareRemove')}
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
      {view.error && (
        <p class="error" role="alert" data-code={view.error.code}>
          {describeError(view.error)}
        </p>
      )}
      <NavigationGuard />
      <p>
        <button type="button" class="danger" id="stop-share" onClick={props.onStop}>
          {t('stopSharing')}
        </button>
      </p>
    </section>
  );
}

/** The receiving popup of a tab session: the tab plays in its own viewer tab. */
export function TabWatching(props: { view: SessionView; onStop: () => void; onDone: () => void }) {
  const { view } = props;
  const finished = view.step === 'closed' || view.step === 'failed';
  return (
    <section data-step={view.step} data-kind="tab">
      <p class="status" id="status" role="status">
        {view.step === 'open'
          ? t('tabWatchingIn', view.peerName ?? t('tabViewerUnnamed'))
          : t(finished ? 'tabWatchEnded' : 'step_connecting_peer')}
      </p>
      {view.error && (
        <p class="error" id="session-error" role="alert" data-code={view.error.code}>
          {describeError(view.error)}
        </p>
      )}
      <p>
        {finished ? (
          <button type="button" id="start-over" onClick={props.onDone}>
            {t('startOver')}
          </button>
        ) : (
          <button type="button" class="secondary" id="cancel" onClick={props.onStop}>
            {t('stopWatching')}
          </button>
        )}
      </p>
    </section>
  );
}

/** The share to show: a newer revision of the same share wins; another share replaces. */
export function newerShare(current: TabShareView | null, incoming: TabShareView): TabShareView {
  if (current && current.id === incoming.id && current.revision > incoming.revision) return current;
  return incoming;
}

/** Why "Share this tab" did not start, in words: capture refusals are the usual cause. */
export function shareStartError(error: ErrorData): string {
  return error.code === 'BAD_REQUEST' || error.code === 'INTERNAL'
    ? t('tabNotShareable')
    : describeError(error);
}

/** The presets, as the quality select offers them (before and during a share). */
function QualityOptions() {
  return (
    <>
      {TAB_QUALITIES.map((preset) => (
        <option key={preset} value={preset}>
          {t(`tabQuality_${preset}`)}
        </option>
      ))}
    </>
  );
}
