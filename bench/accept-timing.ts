/**
 * Times one transfer on the receiving page: ms from the click on Accept to the page showing
 * every file verified and saved. Both ends are read from the page's own clock (a
 * MutationObserver stamps the moment "complete" appears), like the baselines' in-page clocks:
 * waiting from the driver would add its polling delay (measured: ~350 ms after the save).
 */
import type { Page } from 'playwright-core';

export async function acceptAndTime(page: Page): Promise<number> {
  await page.evaluate(() => {
    const w = window as unknown as { completeAt: Promise<number> };
    w.completeAt = new Promise((resolve) => {
      new MutationObserver((_, observer) => {
        if (!document.querySelector('#transfer[data-state="complete"]')) return;
        observer.disconnect();
        resolve(Date.now());
      }).observe(document.body, { subtree: true, childList: true, attributes: true });
    });
  });
  const started = await page.evaluate(() => {
    const at = Date.now();
    document.querySelector<HTMLButtonElement>('#accept')!.click();
    return at;
  });
  await page.locator('#transfer[data-state="complete"]').waitFor({ timeout: 30 * 60_000 });
  const done = await page.evaluate(
    () => (window as unknown as { completeAt: Promise<number> }).completeAt,
  );
  return done - started;
}
