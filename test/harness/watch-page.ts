/**
 * The /watch page in a plain Chromium without the extension, at a phone's size, and what a
 * person sees on it.
 */
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM } from './paths.js';

export const PHONE = { width: 360, height: 740 };
export const DESKTOP = { width: 1280, height: 720 };

export async function launchPlainChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: false,
    args: [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--allow-loopback-in-peer-connection',
    ],
  });
}

/** Opens /watch as someone whose browser prefers `locale`, on a 360×740 screen by default. */
export async function openWatch(
  browser: Browser,
  httpUrl: string,
  options: {
    locale: string;
    colorScheme?: 'light' | 'dark';
    hash?: string;
    viewport?: { width: number; height: number };
  },
): Promise<Page> {
  const context = await browser.newContext({
    locale: options.locale,
    viewport: options.viewport ?? PHONE,
    colorScheme: options.colorScheme ?? 'light',
  });
  // A plain page gathers loopback host candidates only with media permission (BROWSER-TESTING.md).
  await context.grantPermissions(['camera', 'microphone'], { origin: httpUrl });
  const page = await context.newPage();
  await page.goto(`${httpUrl}/watch${options.hash ?? ''}`);
  await page.locator('#code').waitFor();
  return page;
}

/** How many elements a person can see whose own text contains `text`. */
export async function timesShown(page: Page, text: string): Promise<number> {
  return page.evaluate((wanted) => {
    const seen = [...document.querySelectorAll<HTMLElement>('body *')].filter((element) => {
      const own = [...element.childNodes]
        .filter((node) => node.nodeType === Node.TEXT_NODE)
        .map((node) => node.textContent ?? '')
        .join('');
      if (!own.includes(wanted)) return false;
      // Seen: laid out, not clipped to nothing, not hidden by an ancestor's visibility.
      const box = element.getBoundingClientRect();
      const style = getComputedStyle(element);
      return box.width > 1 && box.height > 1 && style.visibility === 'visible';
    });
    return seen.length;
  }, text);
}

/** The visible text a person reads on the page (inner text of the body). */
export const visibleText = (page: Page): Promise<string> => page.locator('body').innerText();

/** Every visible control smaller than 44×44 px (WCAG 2.5.5 target size), by its id or text. */
export async function smallTargets(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('button, input, select, a[href]')]
      .filter((element) => {
        const box = element.getBoundingClientRect();
        const shown = box.width > 0 && getComputedStyle(element).visibility === 'visible';
        return shown && (box.width < 44 || box.height < 44);
      })
      .map((element) => {
        const box = element.getBoundingClientRect();
        const name = element.id || element.textContent?.trim() || element.tagName;
        return `${name} ${Math.round(box.width)}×${Math.round(box.height)}`;
      }),
  );
}

/** Visible buttons whose label is broken over more than one line ("复 / 制"). */
export async function wrappedButtons(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('button')]
      .filter((button) => button.getBoundingClientRect().width > 0)
      .filter((button) => {
        const range = document.createRange();
        range.selectNodeContents(button);
        const lines = new Set([...range.getClientRects()].map((rect) => Math.round(rect.top)));
        return lines.size > 1;
      })
      .map((button) => button.textContent ?? ''),
  );
}

/** Whether the focused element draws a visible focus indicator (an outline or a ring). */
export async function focusIsVisible(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const focused = document.activeElement;
    if (!(focused instanceof HTMLElement) || focused === document.body) return false;
    const style = getComputedStyle(focused);
    // 'auto' is the browser's own focus ring; an author outline must be at least 2 px.
    const outline =
      style.outlineStyle === 'auto' ||
      (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2);
    return outline || style.boxShadow !== 'none';
  });
}

/**
 * Starts noting every moment one of the `ids` is visible while the page's state is not
 * `playing` (a MutationObserver sees each change as it is made, however short the state).
 * The returned function lists what was seen, as "state: id".
 */
export async function noteControlsShownEarly(
  page: Page,
  ids: readonly string[],
): Promise<() => Promise<string[]>> {
  await page.evaluate((watched) => {
    const seen: string[] = [];
    (globalThis as { controlsShownEarly?: string[] }).controlsShownEarly = seen;
    const look = () => {
      const state = document.body.dataset.state ?? '';
      if (state === 'playing') return;
      for (const id of watched) {
        const element = document.getElementById(id);
        if (element && element.getBoundingClientRect().width > 0) seen.push(`${state}: ${id}`);
      }
    };
    new MutationObserver(look).observe(document.body, {
      attributes: true,
      childList: true,
      subtree: true,
    });
    look();
  }, ids);
  return () =>
    page.evaluate(() => (globalThis as { controlsShownEarly?: string[] }).controlsShownEarly ?? []);
}
