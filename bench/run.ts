import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '#infra/local/process.ts';
import { functions } from '#shared/routes/manifest.ts';
import type { ColdStartReport } from './cold-start.ts';
import { type CredentialWork, costPerThousand, idleMonthly, PRICES } from './lib/prices.ts';
import { burstMinutes, DEFAULT_QUOTAS, HEADROOM, minBatchSeconds, paceUnder } from './lib/quotas.ts';
import { renderReport } from './lib/report.ts';
import type { PhaseCalls, PipelineReport } from './pipeline.ts';
import type { SigningReport } from './signing.ts';

/**
 * `npm run bench`: every part in its own fresh process (so one part's memory and JIT state do not colour another's),
 * then the cost model and the quota arithmetic from what they measured. Writes bench/report.json (everything) and
 * bench/REPORT.md (the summary the README links). Environment:
 *   BENCH_EVENTS      events in the burst (default 10000, of which 10% are re-sent duplicates; see DEFAULT_EVENTS)
 *   BENCH_PARTS       comma list of signing,pipeline,cold-start (default all); the others are kept from the last report.
 *                     The idle count (seconds, from the synthesized stacks) always runs; BENCH_PARTS=idle runs it alone
 *   BENCH_COLD_REPS   fresh processes per function and variant (default 3)
 *   BENCH_SIGN_ROUNDS measured signing rounds (default 400)
 */

const PARTS = ['signing', 'pipeline', 'cold-start'] as const;

/**
 * The issue's burst: 10,000 events. Emails are paced on purpose (notify takes one message at a time, two at once, to
 * stay near SES's default send rate), so on a 2-core machine the burst alone takes about 10 to 12 minutes; set
 * BENCH_EVENTS lower (e.g. 3000) for a quicker look.
 */
const DEFAULT_EVENTS = 10_000;
type Part = (typeof PARTS)[number];

export interface Measured<T> {
  at: string;
  seconds: number;
  loadAverage: { before: number[]; after: number[] };
  /** The commit measured (a part not rerun keeps its own, so a report can mix runs and says so). */
  commit?: string;
  result: T;
}

export interface BenchReport {
  generatedAt: string;
  commit: string;
  machine: { cpus: number; model: string; memoryGb: number; node: string };
  signing?: Measured<SigningReport>;
  pipeline?: Measured<PipelineReport>;
  coldStart?: Measured<ColdStartReport>;
  idle?: Measured<Awaited<ReturnType<typeof import('./idle.ts').idleResources>>>;
  cost?: ReturnType<typeof costModel>;
  quotas?: ReturnType<typeof quotaModel>;
}

const REPORT_JSON = join(repoRoot, 'bench/report.json');
const REPORT_MD = join(repoRoot, 'bench/REPORT.md');

// ---- child side: one part, result to a file -------------------------------------------------------------------

async function runPart(part: Part | 'idle', out: string) {
  const log = (line: string) => process.stderr.write(`  ${line}\n`);
  const before = loadavg();
  const started = Date.now();
  let result: unknown;
  if (part === 'signing') {
    const { benchSigning } = await import('./signing.ts');
    result = await benchSigning({ rounds: Number(process.env.BENCH_SIGN_ROUNDS ?? 400) });
  } else if (part === 'pipeline') {
    const { benchPipeline } = await import('./pipeline.ts');
    result = await benchPipeline({ events: Number(process.env.BENCH_EVENTS ?? DEFAULT_EVENTS), log });
  } else if (part === 'cold-start') {
    const { benchColdStart } = await import('./cold-start.ts');
    result = await benchColdStart({ reps: Number(process.env.BENCH_COLD_REPS ?? 3), log });
  } else {
    const { idleResources } = await import('./idle.ts');
    result = await idleResources();
  }
  const measured: Measured<unknown> = {
    at: new Date(started).toISOString(),
    seconds: Math.round((Date.now() - started) / 100) / 10,
    loadAverage: {
      before: before.map((l) => Math.round(l * 10) / 10),
      after: loadavg().map((l) => Math.round(l * 10) / 10),
    },
    result,
  };
  await writeFile(out, JSON.stringify(measured));
}

// ---- models ---------------------------------------------------------------------------------------------------

const WRITE_OPS = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);

/** The measured per-credential work of a phase, in the cost model's terms. */
function workOf(phase: PhaseCalls, lambdaFrom: PhaseCalls): CredentialWork {
  const sum = (pick: (c: PhaseCalls['calls'][number]) => number, where: (c: PhaseCalls['calls'][number]) => boolean) =>
    phase.calls.filter(where).reduce((s, c) => s + pick(c), 0);
  const dynamo = (c: PhaseCalls['calls'][number]) => c.service === 'DynamoDB';
  // A failed conditional write reports no capacity yet costs at least one unit (two inside a transaction).
  const failedWriteUnits = sum(
    (c) => c.failedPerCredential * (c.operation === 'TransactWriteItems' ? 2 : 1),
    (c) => dynamo(c) && WRITE_OPS.has(c.operation),
  );
  const invocations = Object.values(phase.work).reduce((s, w) => s + w.invocationsPerCredential, 0);
  return {
    lambda: Object.entries(lambdaFrom.work).map(([fn, w]) => ({
      fn,
      invocations: phase.work[fn]?.invocationsPerCredential ?? w.invocationsPerCredential,
      msPerInvocation: w.msPerInvocation,
      memoryMb: (functions as Record<string, { memoryMb: number }>)[fn]?.memoryMb ?? 1024,
    })),
    dynamodb: {
      writeUnits:
        sum(
          (c) => c.capacityUnitsPerCredential,
          (c) => dynamo(c) && WRITE_OPS.has(c.operation),
        ) + failedWriteUnits,
      readUnits: sum(
        (c) => c.capacityUnitsPerCredential,
        (c) => dynamo(c) && !WRITE_OPS.has(c.operation),
      ),
    },
    kms: {
      asymmetricRequests: sum(
        (c) => c.perCredential,
        (c) => c.service === 'KMS' && c.operation === 'Sign',
      ),
      symmetricRequests: sum(
        (c) => c.perCredential,
        (c) => c.service === 'KMS' && c.operation !== 'Sign',
      ),
    },
    // The producer's AchievementEarned, plus what the functions publish.
    eventbridgeEvents:
      1 +
      sum(
        (c) => c.entriesPerCredential,
        (c) => c.service === 'EventBridge',
      ),
    // Per queue delivery: EventBridge's SendMessage; per invocation: the poller's ReceiveMessage and DeleteMessageBatch.
    sqsRequests: Object.keys(phase.work).length + 2 * invocations,
    emails: sum(
      (c) => c.perCredential,
      (c) => c.service === 'SESv2' && c.operation === 'SendEmail',
    ),
  };
}

export function costModel(pipeline: PipelineReport, idle: BenchReport['idle']) {
  const round4 = (n: number) => Math.round(n * 10_000) / 10_000;
  const scenario = (name: string, phase: PhaseCalls) => {
    // Durations from the one-at-a-time phase in both: there each invocation has the process to itself, as a Lambda
    // instance has its own CPU; in the burst twenty run on one event loop and their wall times overlap.
    const work = workOf(phase, pipeline.sequential);
    const { lines, total } = costPerThousand(work);
    return {
      name,
      work,
      lines: lines.map((l) => ({ ...l, dollarsPerThousand: round4(l.dollarsPerThousand) })),
      dollarsPerThousand: round4(total),
    };
  };
  const idleCost = idle ? idleMonthly(idle.result) : undefined;
  return {
    prices: PRICES,
    perThousand: [
      scenario('one event at a time (an invocation per credential)', pipeline.sequential),
      scenario(
        `burst, award batches of up to ${pipeline.queues.award?.batchSize ?? '?'}, 10% duplicates`,
        pipeline.burst,
      ),
    ],
    target: 0.25,
    idleMonthly: idleCost && {
      lines: idleCost.lines.map((l) => ({
        ...l,
        dollars: Math.round(l.dollars * 100) / 100,
        dollarsPastFreeTier: Math.round(l.dollarsPastFreeTier * 100) / 100,
      })),
      total: Math.round(idleCost.total * 100) / 100,
      totalPastFreeTier: Math.round(idleCost.totalPastFreeTier * 100) / 100,
      alarms: idle?.result.alarmList ?? [],
    },
  };
}

/** Fastest plausible in-region latencies, for the upper bound on call rates (assumed, not measured). */
const LATENCY_FLOOR_MS: Record<string, number> = { DynamoDB: 3, KMS: 8, EventBridge: 8, SESv2: 15 };
/** Lambda gives a full vCPU at 1,769 MB and a proportional share below. */
const FULL_VCPU_MB = 1769;

export function quotaModel(pipeline: PipelineReport) {
  const calls = pipeline.sequential.calls;
  const pathMs = (fn: string) => calls.reduce((s, c) => s + (c.byFn[fn] ?? 0) * (LATENCY_FLOOR_MS[c.service] ?? 5), 0);
  const cpuShare = (fn: 'award' | 'notify') => FULL_VCPU_MB / functions[fn].memoryMb;
  const award = {
    batchSize: functions.award.batchSize,
    criticalPathMs: Math.round(pathMs('award')),
    // Building and signing is the CPU work of an award; the rest of the handler is left out, so this errs fast.
    cpuMsPerRecord: Math.round(pipeline.signingCeiling.msPerCredential * cpuShare('award') * 100) / 100,
  };
  const notify = {
    batchSize: functions.notify.batchSize,
    criticalPathMs: Math.round(pathMs('notify')),
    cpuMsPerRecord: 1,
  };
  const awardBatch = minBatchSeconds(award);
  const notifyBatch = minBatchSeconds(notify);
  const signPace = paceUnder(DEFAULT_QUOTAS.kmsEccSignPerSecond, {
    batchSize: award.batchSize,
    minBatchSeconds: awardBatch,
    callsPerRecord: 1,
  });
  const sesDefault = paceUnder(DEFAULT_QUOTAS.sesProduction.perSecond, {
    batchSize: notify.batchSize,
    minBatchSeconds: notifyBatch,
    callsPerRecord: 1,
  });
  const notifyPeakAtTwo = (2 * notify.batchSize) / notifyBatch;
  const configured = (fn: 'award' | 'notify', batch: number) => {
    const peak = (functions[fn].maxConcurrency * functions[fn].batchSize) / batch;
    return {
      batchSize: functions[fn].batchSize,
      maxConcurrency: functions[fn].maxConcurrency,
      peakPerSecond: Math.round(peak),
    };
  };
  const awards = 50_000;
  const issueRate = Math.min(signPace.peakPerSecond, DEFAULT_QUOTAS.kmsEccSignPerSecond * HEADROOM);
  return {
    quotas: DEFAULT_QUOTAS,
    headroom: HEADROOM,
    latencyFloorMs: LATENCY_FLOOR_MS,
    award: {
      ...award,
      minBatchSeconds: Math.round(awardBatch * 1000) / 1000,
      pace: signPace,
      configured: configured('award', awardBatch),
    },
    notify: {
      ...notify,
      minBatchSeconds: Math.round(notifyBatch * 1000) / 1000,
      paceAtDefaultSes: sesDefault,
      peakAtMinimumConcurrency: Math.round(notifyPeakAtTwo),
      configured: configured('notify', notifyBatch),
    },
    burst: {
      awards,
      issueMinutes: Math.round(burstMinutes(awards, issueRate) * 10) / 10,
      emailMinutesAtDefaultSes: Math.round(burstMinutes(awards, DEFAULT_QUOTAS.sesProduction.perSecond) * 10) / 10,
      sesDailyQuotaUsed: awards / DEFAULT_QUOTAS.sesProduction.perDay,
      sesRateNeededForMinimumConcurrency: Math.round(notifyPeakAtTwo / HEADROOM),
      sesRateNeededAsConfigured: Math.round(configured('notify', notifyBatch).peakPerSecond / HEADROOM),
    },
  };
}

// ---- parent side ----------------------------------------------------------------------------------------------

function child(part: Part | 'idle', out: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'bench/run.ts'), '--part', part, out], {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: process.env,
    });
    proc.on('error', reject);
    proc.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`bench part ${part} exited with ${code}`))));
  });
}

async function main() {
  const wanted = (process.env.BENCH_PARTS ?? PARTS.join(','))
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p && p !== 'idle') as Part[];
  for (const p of wanted) if (!PARTS.includes(p)) throw new Error(`unknown part ${p}; parts: ${PARTS.join(', ')}`);

  const previous = (await readFile(REPORT_JSON, 'utf8').then(JSON.parse, () => ({}))) as Partial<BenchReport>;
  const tmp = await mkdtemp(join(tmpdir(), 'laurel-bench-run-'));
  const report: BenchReport = {
    ...previous,
    generatedAt: new Date().toISOString(),
    commit: execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot }).toString().trim(),
    machine: {
      cpus: cpus().length,
      model: cpus()[0]?.model ?? 'unknown',
      memoryGb: Math.round(totalmem() / 2 ** 30),
      node: process.version,
    },
  };
  const failed: string[] = [];
  try {
    for (const part of [...wanted, 'idle' as const]) {
      const started = Date.now();
      process.stderr.write(`bench: ${part}...\n`);
      const out = join(tmp, `${part}.json`);
      try {
        await child(part, out);
      } catch (error) {
        // Keep going: the other parts' figures are still worth writing; the exit code says something failed.
        failed.push(part);
        process.stderr.write(`bench: ${part} FAILED: ${String(error)}\n`);
        continue;
      }
      const measured = { ...JSON.parse(await readFile(out, 'utf8')), commit: report.commit };
      if (part === 'signing') report.signing = measured;
      else if (part === 'pipeline') report.pipeline = measured;
      else if (part === 'cold-start') {
        const coldStart = measured as Measured<ColdStartReport>;
        const before = previous.coldStart;
        // The figures before the bundling work, carried from report to report, so each run reads as before → after in
        // one table; without them (a first run, or the report deleted), the last run's deployed figures.
        if (before?.result.previous) coldStart.result.previous = before.result.previous;
        else if (before) {
          coldStart.result.previous = {
            at: before.at,
            commit: previous.commit ?? 'unknown',
            rows: before.result.rows
              .filter((row) => row.variant === 'deployed')
              .map(({ fn, bundleBytes, initMs, initCpuMs }) => ({ fn, bundleBytes, initMs, initCpuMs })),
          };
        }
        report.coldStart = coldStart;
      } else report.idle = measured;
      process.stderr.write(`bench: ${part} done in ${Math.round((Date.now() - started) / 1000)} s\n`);
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  if (report.pipeline) {
    report.cost = costModel(report.pipeline.result, report.idle);
    report.quotas = quotaModel(report.pipeline.result);
  }
  await writeFile(REPORT_JSON, `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(REPORT_MD, renderReport(report));
  // Both files live in the repository: the project's formatter lays them out, so the lint stays green.
  execFileSync(join(repoRoot, 'node_modules/.bin/biome'), ['format', '--write', REPORT_JSON, REPORT_MD], {
    cwd: repoRoot,
    stdio: 'ignore',
  });
  process.stderr.write(`bench: wrote ${REPORT_JSON} and ${REPORT_MD}\n`);
  if (failed.length > 0) {
    process.stderr.write(`bench: failed parts (figures kept from the previous report): ${failed.join(', ')}\n`);
    process.exitCode = 1;
  }
}

const partIndex = process.argv.indexOf('--part');
if (partIndex !== -1) {
  await runPart(process.argv[partIndex + 1] as Part, process.argv[partIndex + 2] as string);
  // Handles (SDK sockets, timers) of a finished part must not keep its process alive.
  process.exit(0);
} else {
  await main();
}
