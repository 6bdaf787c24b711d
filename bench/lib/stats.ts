/**
 * The few statistics the benchmark reports. Percentiles use the nearest-rank method on the sorted sample (the value
 * below which `p` percent of the observations fall, always an observed value), so p50 of [1, 2, 3, 4] is 2.
 */
export const percentile = (values: readonly number[], p: number): number => {
  if (values.length === 0) throw new Error('percentile of an empty sample');
  if (!(p > 0 && p <= 100)) throw new Error(`percentile must be in (0, 100], got ${p}`);
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.max(0, rank - 1)] as number;
};

/** The middle value (the mean of the two middle values for an even count). */
export const median = (values: readonly number[]): number => {
  if (values.length === 0) throw new Error('median of an empty sample');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

export interface Summary {
  count: number;
  min: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** Count, extremes, mean and the p50/p95/p99 the report prints, rounded to `digits` decimals. */
export const summarize = (values: readonly number[], digits = 2): Summary => {
  const round = (v: number) => Number(v.toFixed(digits));
  const sum = values.reduce((a, b) => a + b, 0);
  return {
    count: values.length,
    min: round(Math.min(...values)),
    p50: round(percentile(values, 50)),
    p95: round(percentile(values, 95)),
    p99: round(percentile(values, 99)),
    max: round(Math.max(...values)),
    mean: round(sum / values.length),
  };
};

/** Rounds to `digits` decimals, for numbers that go into the report. */
export const round = (value: number, digits = 2): number => Number(value.toFixed(digits));
