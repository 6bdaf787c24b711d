import { describe, expect, it } from 'vitest';
import { burstMinutes, minBatchSeconds, paceUnder, peakRate } from './quotas.ts';

describe('quota pacing', () => {
  it('bounds a batch by its slowest record chain or its CPU, whichever is longer', () => {
    expect(minBatchSeconds({ batchSize: 10, criticalPathMs: 60, cpuMsPerRecord: 3 })).toBe(0.06);
    expect(minBatchSeconds({ batchSize: 10, criticalPathMs: 60, cpuMsPerRecord: 9 })).toBe(0.09);
  });

  it('computes the peak call rate of a consumer', () => {
    expect(peakRate({ batchSize: 10, maxConcurrency: 4, minBatchSeconds: 0.1, callsPerRecord: 1 })).toBe(400);
  });

  it('picks the largest concurrency under 80% of the quota, never below two, and says when even two is too many', () => {
    // 100 calls/s per instance against 300/s: 2 instances (200/s) fit, 3 (300/s) would leave no headroom
    expect(paceUnder(300, { batchSize: 10, minBatchSeconds: 0.1, callsPerRecord: 1 })).toEqual({
      maxConcurrency: 2,
      peakPerSecond: 200,
      fits: true,
    });
    expect(paceUnder(14, { batchSize: 10, minBatchSeconds: 0.1, callsPerRecord: 1 }).fits).toBe(false);
    expect(paceUnder(3000, { batchSize: 10, minBatchSeconds: 0.1, callsPerRecord: 1 }).maxConcurrency).toBe(24);
  });

  it('gives a burst’s duration in minutes', () => {
    expect(burstMinutes(50_000, 14)).toBeCloseTo(59.52, 2);
  });
});
