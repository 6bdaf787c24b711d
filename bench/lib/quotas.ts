/**
 * Quotas on paper: how fast the deployment may go under AWS's default quotas, and how the queues' batch size and
 * maximum concurrency pace it. Default values as documented by AWS (written from knowledge, not fetched): check the
 * account's Service Quotas console, since they differ by account age and region.
 */
export const DEFAULT_QUOTAS = {
  /** KMS "Cryptographic operations (ECC) request rate", shared by every ECC key of the account and region. */
  kmsEccSignPerSecond: 300,
  /** KMS "Cryptographic operations (symmetric) request rate" (GenerateMac included); 10,000 in most regions. */
  kmsSymmetricPerSecond: 10_000,
  /** SES in the sandbox: 1 message a second, 200 a day, verified recipients only. */
  sesSandbox: { perSecond: 1, perDay: 200 },
  /** SES right after production access is granted (typical; AWS sets it per account). */
  sesProduction: { perSecond: 14, perDay: 50_000 },
  lambdaConcurrency: 1_000,
  /** Lambda's SQS event source mapping cannot pace below two concurrent invocations. */
  minimumMaxConcurrency: 2,
} as const;

/** Fraction of a quota the pacing aims at, leaving room for retries and the account's other work. */
export const HEADROOM = 0.8;

export interface ConsumerModel {
  batchSize: number;
  maxConcurrency: number;
  /** Shortest time one batch can take: records run concurrently, CPU work does not. */
  minBatchSeconds: number;
  /** Calls of the rate-limited kind per record (KMS Sign for award, SES SendEmail for notify). */
  callsPerRecord: number;
}

/** The fastest a consumer can make its rate-limited call: every instance busy, every batch as quick as it can be. */
export const peakRate = (c: ConsumerModel): number =>
  (c.maxConcurrency * c.batchSize * c.callsPerRecord) / c.minBatchSeconds;

/**
 * Shortest duration of a batch: the longer of one record's chain of calls (they are awaited one after the other) and
 * the CPU time of the whole batch (a function instance runs its records on one thread).
 */
export const minBatchSeconds = (o: {
  batchSize: number;
  /** Sum of the fastest plausible latencies of the calls one record awaits in turn. */
  criticalPathMs: number;
  cpuMsPerRecord: number;
}): number => Math.max(o.criticalPathMs, o.batchSize * o.cpuMsPerRecord) / 1000;

/**
 * The largest `maxConcurrency` whose peak stays within `HEADROOM` of `quotaPerSecond`; never below the event source
 * mapping's minimum, and then `fits` says whether even that stays within the quota.
 */
export function paceUnder(
  quotaPerSecond: number,
  c: Omit<ConsumerModel, 'maxConcurrency'>,
): { maxConcurrency: number; peakPerSecond: number; fits: boolean } {
  const perInstance = peakRate({ ...c, maxConcurrency: 1 });
  const wanted = Math.floor((quotaPerSecond * HEADROOM) / perInstance);
  const maxConcurrency = Math.max(DEFAULT_QUOTAS.minimumMaxConcurrency, wanted);
  const peakPerSecond = perInstance * maxConcurrency;
  return { maxConcurrency, peakPerSecond, fits: peakPerSecond <= quotaPerSecond };
}

/** Minutes a burst of `awards` needs at `perSecond`. */
export const burstMinutes = (awards: number, perSecond: number): number => awards / perSecond / 60;
