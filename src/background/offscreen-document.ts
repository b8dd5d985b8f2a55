/**
 * The offscreen document's lifecycle: exactly one per extension, created on demand.
 * Creation is idempotent: existing contexts are checked first, and concurrent callers share
 * one pending creation (createDocument throws if a second one is already being created).
 */
const OFFSCREEN_PATH = 'src/offscreen/offscreen.html';

let creating: Promise<void> | undefined;

async function offscreenExists(url: string): Promise<boolean> {
  const contexts = await chrome.runtime.getContexts({
    contextTypes: [chrome.runtime.ContextType.OFFSCREEN_DOCUMENT],
    documentUrls: [url],
  });
  return contexts.length > 0;
}

export async function ensureOffscreenDocument(): Promise<void> {
  const url = chrome.runtime.getURL(OFFSCREEN_PATH);
  if (await offscreenExists(url)) return;
  creating ??= chrome.offscreen
    .createDocument({
      url: OFFSCREEN_PATH,
      reasons: [chrome.offscreen.Reason.WEB_RTC, chrome.offscreen.Reason.USER_MEDIA],
      justification: 'Holds the peer-to-peer connections and transfers while the popup is closed.',
    })
    .finally(() => {
      creating = undefined;
    });
  await creating;
}
