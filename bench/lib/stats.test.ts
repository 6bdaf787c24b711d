import { describe, expect, it } from 'vitest';
import { median, percentile, summarize } from './stats.ts';

describe('percentile (nearest rank)', () => {
  it('picks an observed value at the rank', () => {
    const values = [15, 20, 35, 40, 50];

    expect(percentile(values, 30)).toBe(20);
    expect(percentile(values, 40)).toBe(20);
    expect(percentile(values, 50)).toBe(35);
    expect(percentile(values, 100)).toBe(50);
  });

  it('does not depend on input order, and refuses an empty sample or a rank out of range', () => {
    expect(percentile([3, 1, 2, 4], 50)).toBe(2);
    expect(() => percentile([], 50)).toThrow();
    expect(() => percentile([1], 0)).toThrow();
  });
});

describe('median and summarize', () => {
  it('averages the two middle values of an even sample', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([5, 1, 3])).toBe(3);
  });

  it('summarizes 1..100 as expected', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);

    expect(summarize(values)).toEqual({ count: 100, min: 1, p50: 50, p95: 95, p99: 99, max: 100, mean: 50.5 });
  });
});
