/**
 * The offscreen document's tab-share methods: the one live share (sharing side), the viewer
 * bridge (watching side), and the badge the service worker shows while a tab is shared.
 */
import { PeerbeamError } from '../core/errors.js';
import type { TabShareView } from '../core/tab-share-view.js';
import type { Established } from '../rtc/establish.js';
import { call, notify } from '../shared/messaging.js';
import type { Handlers } from '../shared/protocol-map.js';
import type { Settings } from '../shared/session-view.js';
import { deviceIdentity } from './device-store.js';
import { TabShare } from './tab-share.js';
import { TabViewerBridge, type TabOffer } from './tab-viewer-bridge.js';

type TabMethods = Pick<
  Handlers<'offscreen'>,
  | 'startTabShare'
  | 'stopTabShare'
  | 'getTabShare'
  | 'resumeTabShareCodes'
  | 'dismissTabShareWarning'
  | 'tabGone'
  | 'tabViewerAttach'
  | 'tabViewerPull'
  | 'tabViewerSignal'
  | 'tabViewerState'
>;

export interface TabHost {
  methods: TabMethods;
  /** Session.onTabOffered: watch the offered tab in a viewer page. */
  offerTab(established: Established, offer: TabOffer): Promise<void>;
}

export function createTabHost(configure: (settings: Settings) => void): TabHost {
  let share: TabShare | undefined;
  let badge = '';
  const bridge = new TabViewerBridge(
    async (viewerId) => (await call('background', 'openTabViewer', { viewerId })).tabId,
  );

  const showBadge = (view: TabShareView) => {
    const live = view.step === 'live';
    const key = live ? `live:${view.watching}` : '';
    if (key === badge) return;
    badge = key;
    call('background', 'setTabShareBadge', { live, viewers: view.watching }).catch(() => {
      // The badge is a hint; the share goes on without it.
    });
  };

  const methods: TabMethods = {
    async startTabShare({ streamId, tabId, title, quality, settings }) {
      configure(settings);
      share?.stop('stopped');
      const { publicKey } = await deviceIdentity();
      const started = await TabShare.start({
        streamId,
        tabId,
        ...(title ? { title } : {}),
        quality,
        signalingUrl: settings.signalingUrl,
        self: { name: settings.deviceName, publicKey },
        onChange: (view) => {
          notify('popup', 'tabShareChanged', view);
          showBadge(view);
        },
      });
      share = started;
      const view = started.snapshot();
      showBadge(view);
      return view;
    },
    stopTabShare: () => share?.stop('stopped'),
    getTabShare: () => share?.snapshot() ?? null,
    resumeTabShareCodes: () => share?.resumeCodes(),
    dismissTabShareWarning: () => share?.dismissGuessWarning(),
    tabGone({ tabId, reason }) {
      if (share?.tabId === tabId) share.tabGone(reason === 'closed' ? 'tab-closed' : 'navigated');
      bridge.tabGone(tabId);
    },
    tabViewerAttach: ({ viewerId }) => bridge.attach(viewerId),
    tabViewerPull: ({ viewerId }) => bridge.pull(viewerId),
    tabViewerSignal: ({ viewerId, signal }) => bridge.signal(viewerId, signal),
    tabViewerState: ({ viewerId, state }) => bridge.state(viewerId, state),
  };

  return {
    methods,
    offerTab(established, offer) {
      if (!established.sealed.isOpen) {
        return Promise.reject(new PeerbeamError('PEER_LEFT', 'the other side left'));
      }
      return bridge.offer(established, offer);
    },
  };
}
