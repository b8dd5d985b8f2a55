import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';

export interface AxeFinding {
  screen: string;
  scheme: 'light' | 'dark';
  rule: string;
  impact: string;
  targets: string[];
  summary: string;
}

/**
 * Runs axe-core on what `page` shows now, in light and in dark, and returns the serious and
 * critical violations (the bar: zero of them on every screen).
 */
export async function seriousViolations(page: Page, screen: string): Promise<AxeFinding[]> {
  const findings: AxeFinding[] = [];
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    const results = await new AxeBuilder({ page }).analyze();
    for (const violation of results.violations) {
      if (violation.impact !== 'serious' && violation.impact !== 'critical') continue;
      findings.push({
        screen,
        scheme,
        rule: violation.id,
        impact: violation.impact,
        targets: violation.nodes.map((node) => node.target.join(' ')),
        summary: violation.nodes[0]?.failureSummary ?? violation.help,
      });
    }
  }
  await page.emulateMedia({ colorScheme: null });
  return findings;
}
