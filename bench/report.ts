/** The shape every benchmark writes, and its printed table. */
import { mkdir, writeFile } from 'node:fs/promises';

export interface Metric {
  value: number;
  unit: string;
  baseline?: number;
  ratio?: number;
}

/** `ratio`: when not value / baseline (e.g. the median of per-round ratios). */
export function metric(value: number, unit: string, baseline?: number, ratio?: number): Metric {
  const round = (n: number) => Math.round(n * 100) / 100;
  return baseline === undefined
    ? { value: round(value), unit }
    : {
        value: round(value),
        unit,
        baseline: round(baseline),
        ratio: round(ratio ?? value / baseline),
      };
}

export async function report(
  name: string,
  metrics: Record<string, Metric>,
  notes: string[] = [],
): Promise<void> {
  const rows = Object.entries(metrics).map(([key, m]) => [
    key,
    `${m.value} ${m.unit}`,
    m.baseline === undefined ? '' : `${m.baseline} ${m.unit}`,
    m.ratio === undefined ? '' : String(m.ratio),
  ]);
  const header = ['metric', 'value', 'baseline', 'ratio'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
  for (const note of notes) console.log(note);
  await mkdir('bench/results', { recursive: true });
  await writeFile(`bench/results/${name}.json`, `${JSON.stringify({ metrics, notes }, null, 2)}\n`);
  console.log(`wrote bench/results/${name}.json`);
}

export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/**
 * A distribution-free interval for the median of the population `values` were drawn from:
 * the k-th smallest and k-th largest value, k the largest for which the binomial chance of
 * the median lying between them is at least `confidence`. Undefined for too few values
 * (fewer than 5 at 90 %). Tells a real difference from run-to-run noise.
 */
export function medianInterval(
  values: number[],
  confidence = 0.9,
): { low: number; high: number } | undefined {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  // below[j]: the chance that at most j of n values fall below the median, Binomial(n, ½).
  const below: number[] = [];
  let term = 0.5 ** n;
  let sum = 0;
  for (let j = 0; j <= n; j++) {
    sum += term;
    below.push(sum);
    term = (term * (n - j)) / (j + 1);
  }
  let k = 0;
  while (k + 1 <= n / 2 && 1 - 2 * below[k]! >= confidence) k++;
  return k === 0 ? undefined : { low: sorted[k - 1]!, high: sorted[n - k]! };
}
