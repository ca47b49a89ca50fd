// Summaries of latency samples: the figures every benchmark reports.

export interface Summary {
  count: number;
  p50: number;
  p99: number;
  min: number;
  max: number;
  mean: number;
}

/**
 * The `q`-quantile (0..1) of `samples` by the nearest-rank method: always one of the
 * samples, never an interpolation between two, so a p99 is a time that really happened.
 */
export function quantile(samples: readonly number[], q: number): number {
  if (samples.length === 0) throw new Error('No samples to take a quantile of.');
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1]!;
}

export function summarize(samples: readonly number[]): Summary {
  return {
    count: samples.length,
    p50: quantile(samples, 0.5),
    p99: quantile(samples, 0.99),
    min: Math.min(...samples),
    max: Math.max(...samples),
    mean: samples.reduce((sum, sample) => sum + sample, 0) / samples.length,
  };
}

/** Milliseconds to three decimals: finer than any timer a page has, coarser than noise. */
export const ms = (value: number): number => Math.round(value * 1000) / 1000;

/** `value` / `reference`, to two decimals; what a target is checked against. */
export const ratio = (value: number, reference: number): number =>
  Math.round((value / reference) * 100) / 100;
