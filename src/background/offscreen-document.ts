/**
 * The offscreen document's lifecycle: exactly one per extension, and only while there is work
 * (core/host-idle.ts). It is created on demand, before anything is asked of it; it asks to be
 * closed when it has had no work for its grace period (../engine/host-lifecycle.ts).
 *
 * Creation is idempotent: concurrent callers share one look-and-create (createDocument throws
 * if a document exists or is being created).
 * Requests and the close are ordered: a request that arrives while the document closes waits
 * for the close and then makes a new one; a close is dropped while any request is on its way.
 * None of this state matters across a worker restart: a stopped worker has no request on its
 * way, and the close is the document's own idea, confirmed by it just before.
 */
import { call } from '../shared/messaging.js';

const OFFSCREEN_PATH = 'src/offscreen/offscreen.html';

/** The look-and-create in progress, if any. */
let ensuring: Promise<void> | undefined;
/** Requests on their way to the document (from "make sure it runs" to its answer). */
let inFlight = 0;
/** The close in progress, if any: requests start after it. */
let closing: Promise<void> = Promise.resolve();

async function offscreenExists(): Promise<boolean> {
  const contexts = await chrome.runtime.getContexts({
    contextTypes: [chrome.runtime.ContextType.OFFSCREEN_DOCUMENT],
    documentUrls: [chrome.runtime.getURL(OFFSCREEN_PATH)],
  });
  return contexts.length > 0;
}

/**
 * The look and the creation are one step that concurrent callers share: a caller that looked
 * before a creation finished, and created again after it, would be refused ("Only a single
 * offscreen document may be created") — the popup's first open asks several things at once.
 */
function ensureOffscreenDocument(): Promise<void> {
  ensuring ??= (async () => {
    if (await offscreenExists()) return;
    await chrome.offscreen.createDocument({
      url: OFFSCREEN_PATH,
      reasons: [chrome.offscreen.Reason.WEB_RTC, chrome.offscreen.Reason.USER_MEDIA],
      justification: 'Holds the peer-to-peer connections and transfers while the popup is closed.',
    });
  })().finally(() => {
    ensuring = undefined;
  });
  return ensuring;
}

/** Runs `request` against the document, creating it first if it is not running. */
export async function withOffscreenDocument<T>(request: () => Promise<T>): Promise<T> {
  inFlight++;
  try {
    await closing;
    await ensureOffscreenDocument();
    return await request();
  } finally {
    inFlight--;
  }
}

/** Runs `request` only if the document runs (news for it that is moot without one). */
export async function ifOffscreenDocument(request: () => Promise<unknown>): Promise<void> {
  inFlight++;
  try {
    await closing;
    if (await offscreenExists()) await request();
  } finally {
    inFlight--;
  }
}

/**
 * The document had no work since `epoch`: close it, unless a request is on its way or it
 * saw one (or took work) since. It confirms just before, and nothing runs in between.
 */
export function closeIdleOffscreenDocument(epoch: number): Promise<void> {
  const close = closing.then(async () => {
    if (inFlight > 0 || !(await offscreenExists())) return;
    const stillIdle = await call('offscreen', 'hostStillIdle', { epoch });
    if (!stillIdle || inFlight > 0) return;
    await chrome.offscreen.closeDocument();
  });
  closing = close.catch((error: unknown) => {
    console.warn('peerbeam: the idle offscreen document did not close', error);
  });
  return closing;
}
