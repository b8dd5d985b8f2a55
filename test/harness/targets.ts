/**
 * The browser's targets as CDP lists them. Playwright has no handle on the extension's
 * offscreen document (CDP lists it as a "background_page") or on its workers; tests find them
 * here, through any page's CDP session.
 */
import type { CDPSession } from 'playwright-core';

export interface TargetInfo {
  targetId: string;
  type: string;
  url: string;
  /** The target that started this one (a dedicated worker's document). */
  parentId?: string;
}

export interface Targets {
  all: TargetInfo[];
  /** The extension's offscreen document, if it is running. */
  offscreen: TargetInfo | undefined;
}

export async function listTargets(cdp: CDPSession): Promise<Targets> {
  const { targetInfos } = (await cdp.send('Target.getTargets')) as { targetInfos: TargetInfo[] };
  return {
    all: targetInfos,
    offscreen: targetInfos.find(({ url }) => url.includes('/src/offscreen/')),
  };
}
