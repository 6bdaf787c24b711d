import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { CaughtMail } from '#infra/local/mail.ts';
import { type LocalStack, startLocalStack } from '#infra/local/stack.ts';
import { makeCredentialSigner } from '#shared/adapters/credential-signer.ts';
import { didWebFor } from '#shared/credentials/did-web.ts';
import { buildOpenBadgeCredential } from '#shared/credentials/open-badge.ts';
import { AchievementEarnedV1 } from '#shared/events/achievement-earned.v1.ts';
import { functions, urls } from '#shared/routes/manifest.ts';
import { appTable, keys } from '#shared/tables/app-table.ts';
import { achievementEarned, demoAchievement, demoIssuer } from '#shared/testing/fixtures.ts';
import { type AwsCall, installAwsCallCounter, recordedCalls } from './lib/aws-calls.ts';
import { memoryOf, stackProcesses } from './lib/processes.ts';
import { round, type Summary, summarize } from './lib/stats.ts';

/** Calls of one kind, per issued-and-emailed credential. */
export interface CallCount {
  service: string;
  operation: string;
  /** Which functions made them, and how many each per credential. */
  byFn: Record<string, number>;
  perCredential: number;
  /** DynamoDB: capacity units per credential, as reported (failed calls report none; see `failedPerCredential`). */
  capacityUnitsPerCredential: number;
  failedPerCredential: number;
  /** EventBridge: entries per credential. */
  entriesPerCredential: number;
}

/** What one function did per credential: invocations and the time they took (local wall clock). */
export interface FunctionWork {
  invocationsPerCredential: number;
  /** Mean duration of one invocation. */
  msPerInvocation: number;
  msPerCredential: number;
}

export interface PhaseCalls {
  credentials: number;
  calls: CallCount[];
  work: Record<string, FunctionWork>;
}

export interface PipelineReport {
  dynamo: 'in-memory';
  queues: Record<string, { batchSize?: number; maxConcurrency?: number }>;
  signingCeiling: { credentials: number; seconds: number; credentialsPerSecond: number; msPerCredential: number };
  sequential: PhaseCalls & { events: number; latencyMs: Summary };
  burst: PhaseCalls & {
    eventsPut: number;
    uniqueEvents: number;
    duplicatesPut: number;
    producer: { batchSize: number; concurrency: number; putSeconds: number; eventsPerSecond: number };
    lastCredentialStoredSeconds: number;
    lastEmailSeconds: number;
    credentialsPerSecond: number;
    /** Pipeline throughput ÷ signing-only ceiling. */
    ratioToSigningCeiling: number;
    /** Event put on the bus → email received by MailDev (MailDev's own receive time). */
    latencyMs: Summary;
    credentialsStored: number;
    emailsReceived: number;
    lost: { credentials: number; emails: number };
    duplicated: { credentials: number; emails: number };
    deadLetters: number;
    retriedMessages: number;
    peakMemoryMb: Record<string, number>;
  };
}

const SOURCE = 'demo.lms';
const DAY_MS = 86_400_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Calls and function work between two snapshots, per credential. */
function phaseCalls(
  callsBefore: number,
  workBefore: Map<string, { invocations: number; ms: number }>,
  stack: LocalStack,
  credentials: number,
): PhaseCalls {
  const calls = recordedCalls().slice(callsBefore) as AwsCall[];
  const groups = new Map<string, AwsCall[]>();
  for (const c of calls) {
    if (c.fn === '(outside)') continue; // the benchmark's own reads, seeding
    const key = `${c.service} ${c.operation}`;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  const per = (n: number) => round(n / credentials, 3);
  const counted: CallCount[] = [...groups.values()]
    .map((g) => ({
      service: (g[0] as AwsCall).service,
      operation: (g[0] as AwsCall).operation,
      byFn: Object.fromEntries(
        [...new Set(g.map((c) => c.fn))].sort().map((fn) => [fn, per(g.filter((c) => c.fn === fn).length)]),
      ),
      perCredential: per(g.length),
      capacityUnitsPerCredential: per(g.reduce((s, c) => s + c.capacityUnits, 0)),
      failedPerCredential: per(g.filter((c) => c.failed).length),
      entriesPerCredential: per(g.reduce((s, c) => s + c.entries, 0)),
    }))
    .sort((a, b) => `${a.service}${a.operation}`.localeCompare(`${b.service}${b.operation}`));
  const work: Record<string, FunctionWork> = {};
  for (const [name, queue] of stack.bus.queues) {
    const before = workBefore.get(name) ?? { invocations: 0, ms: 0 };
    const invocations = queue.stats.invocations - before.invocations;
    const ms = queue.stats.invocationMs - before.ms;
    if (invocations === 0) continue;
    work[name] = {
      invocationsPerCredential: per(invocations),
      msPerInvocation: round(ms / invocations, 2),
      msPerCredential: round(ms / credentials, 2),
    };
  }
  return { credentials, calls: counted, work };
}

const workSnapshot = (stack: LocalStack) =>
  new Map([...stack.bus.queues].map(([n, q]) => [n, { invocations: q.stats.invocations, ms: q.stats.invocationMs }]));

/** Credentials stored, counted on the table's credential log index (one partition per issue day). */
async function countCredentials(stack: LocalStack, since: number): Promise<number> {
  let total = 0;
  for (let day = since - DAY_MS; day <= Date.now() + DAY_MS; day += DAY_MS) {
    const pk = keys.credentialLog(new Date(day).toISOString(), 'x').gsi1pk;
    let start: Record<string, never> | undefined;
    do {
      const page = await stack.dynamo.client.send(
        new QueryCommand({
          TableName: stack.tables.app,
          IndexName: appTable.indexes[0].name,
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: pk } },
          Select: 'COUNT',
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      total += page.Count ?? 0;
      start = page.LastEvaluatedKey as typeof start;
    } while (start);
  }
  return total;
}

const entryFor = (eventId: string, email: string): PutEventsRequestEntry => ({
  EventBusName: 'laurel',
  Source: SOURCE,
  DetailType: AchievementEarnedV1.detailType,
  Detail: JSON.stringify(
    achievementEarned({
      eventId,
      occurredAt: new Date().toISOString(),
      learner: { email, name: 'Ada Lovelace' },
    }),
  ),
});

/**
 * Part 2: the whole pipeline on the local stack (handlers in this process, DynamoDB Local in memory, MailDev), fed
 * through the local bus's PutEvents endpoint like any producer. Also the signing-only ceiling, and the AWS calls
 * each credential costs (part 4's input), counted by an SDK middleware.
 */
export async function benchPipeline(opts: {
  events: number;
  sequential?: number;
  ceiling?: number;
  log?: (line: string) => void;
}): Promise<PipelineReport> {
  const log = opts.log ?? (() => {});
  const sequentialCount = opts.sequential ?? 200;
  installAwsCallCounter();
  const warnings: string[] = [];
  const dataDir = await mkdtemp(join(tmpdir(), 'laurel-bench-'));
  const stack = await startLocalStack({
    dataDir,
    quiet: true,
    dynamoInMemory: true,
    scheduleIntervalMs: false,
    ports: { api: 0, bus: 0, smtp: 0, mailWeb: 0, dynamo: 0 },
    log: (line) => warnings.push(line),
  });
  const producer = new EventBridgeClient({
    endpoint: stack.urls.bus,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const mail = stack.mail.client;
  // MailDev's own `time` is the message's Date header (whole seconds); the moment it received the message is when it
  // finished writing the .eml file it keeps under the stack's mail folder.
  const receivedAt = async (m: CaughtMail) => (await stat(join(dataDir, 'mail', `${m.id}.eml`))).mtimeMs;
  const withTimes = (list: CaughtMail[]) => Promise.all(list.map(async (m) => ({ m, at: await receivedAt(m) })));

  try {
    // 1. Signing-only ceiling: build and sign back to back, with award's own signer and the seeded issuer's key.
    const ceilingCount = opts.ceiling ?? 1000;
    const signer = makeCredentialSigner({ LAUREL_MODE: 'local', LAUREL_DATA_DIR: dataDir });
    const issuer = demoIssuer();
    const achievement = demoAchievement();
    const links = urls(stack.urls.api);
    const issuerDid = didWebFor(stack.urls.api, issuer.slug);
    const event = achievementEarned();
    const buildAndSign = (n: number) => {
      const id = randomUUID();
      const now = `${new Date().toISOString().slice(0, 19)}Z`;
      return signer.sign(
        buildOpenBadgeCredential({
          issuer,
          achievement,
          credentialId: id,
          credentialUrl: links.credential(id),
          achievementUrl: links.achievement(issuer.slug, achievement.id),
          issuerDid,
          recipientEmail: `ceiling-${n}@example.edu`,
          salt: randomUUID().replaceAll('-', ''),
          validFrom: now,
          evidence: event.evidence,
          result: event.activity.result,
        }),
        { keyRef: issuer.keyRef, verificationMethod: `${issuerDid}#${issuer.keyFragment}`, created: now },
      );
    };
    for (let i = 0; i < 100; i++) await buildAndSign(i);
    const ceilingStart = performance.now();
    for (let i = 0; i < ceilingCount; i++) await buildAndSign(i);
    const ceilingSeconds = (performance.now() - ceilingStart) / 1000;
    const signingCeiling = {
      credentials: ceilingCount,
      seconds: round(ceilingSeconds, 2),
      credentialsPerSecond: round(ceilingCount / ceilingSeconds, 1),
      msPerCredential: round((ceilingSeconds * 1000) / ceilingCount, 3),
    };
    log(`pipeline: signing ceiling ${signingCeiling.credentialsPerSecond}/s`);

    // 2. One event at a time: latency without queueing, and the calls one credential costs.
    let callsBefore = recordedCalls().length;
    let workBefore = workSnapshot(stack);
    const sequentialSent = new Map<string, number>();
    for (let i = 0; i < sequentialCount; i++) {
      const email = `seq-${i}-${randomUUID().slice(0, 8)}@example.edu`;
      sequentialSent.set(email, Date.now());
      const out = await producer.send(
        new PutEventsCommand({ Entries: [entryFor(`bench-seq-${randomUUID()}`, email)] }),
      );
      if (out.FailedEntryCount) throw new Error(`PutEvents failed: ${JSON.stringify(out.Entries)}`);
      await stack.bus.idle();
    }
    const sequentialMail = await withTimes(await mail.list());
    const sequentialLatency = sequentialMail.flatMap(({ m, at }) => {
      const sent = sequentialSent.get(m.to[0]?.address ?? '');
      return sent === undefined ? [] : [at - sent];
    });
    if (sequentialLatency.length !== sequentialCount) {
      throw new Error(`sequential: ${sequentialLatency.length} of ${sequentialCount} emails arrived`);
    }
    const sequential = {
      events: sequentialCount,
      latencyMs: summarize(sequentialLatency, 1),
      ...phaseCalls(callsBefore, workBefore, stack, sequentialCount),
    };
    log(`pipeline: sequential p50 ${sequential.latencyMs.p50} ms`);
    await mail.clear();

    // 3. The burst: unique events plus 10% re-sent (same eventId), in PutEvents batches of 10, several in flight.
    const total = opts.events;
    const duplicates = Math.round(total * 0.1);
    const unique = total - duplicates;
    const runId = randomUUID().slice(0, 8);
    const emailOf = (i: number) => `burst-${runId}-${i}@example.edu`;
    const order: number[] = Array.from({ length: unique }, (_, i) => i);
    // Each duplicate re-sends an event already sent, a little later: as a producer that retries does.
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let d = 0; d < duplicates; d++) {
      const original = Math.floor(random() * unique);
      const at = Math.min(order.length, original + 1 + Math.floor(random() * 200));
      order.splice(at, 0, original);
    }
    const sentAt = new Map<string, number>();
    const batches: number[][] = [];
    for (let i = 0; i < order.length; i += 10) batches.push(order.slice(i, i + 10));

    const memory: Record<string, number> = {};
    const sample = () => {
      memory['node (handlers, bus, API)'] = Math.max(
        memory['node (handlers, bus, API)'] ?? 0,
        memoryOf('self')?.rssMb ?? 0,
      );
      for (const p of stackProcesses()) memory[p.role] = Math.max(memory[p.role] ?? 0, memoryOf(p.pid)?.rssMb ?? 0);
    };
    const sampler = setInterval(sample, 250);
    callsBefore = recordedCalls().length;
    workBefore = workSnapshot(stack);
    const credentialsBefore = await countCredentials(stack, Date.now());
    const retriedBefore = [...stack.bus.queues.values()].reduce((s, q) => s + q.stats.retried, 0);
    const concurrency = 8;
    const start = Date.now();
    let next = 0;
    const putWorker = async () => {
      while (next < batches.length) {
        const batch = batches[next++] as number[];
        const now = Date.now();
        for (const i of batch) if (!sentAt.has(emailOf(i))) sentAt.set(emailOf(i), now);
        const out = await producer.send(
          new PutEventsCommand({ Entries: batch.map((i) => entryFor(`bench-${runId}-${i}`, emailOf(i))) }),
        );
        if (out.FailedEntryCount) throw new Error(`PutEvents failed: ${JSON.stringify(out.Entries)}`);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, putWorker));
    const putSeconds = (Date.now() - start) / 1000;
    log(`pipeline: ${order.length} events put in ${putSeconds.toFixed(1)} s`);
    const award = stack.bus.queues.get('award');
    while (award && !award.idle) await sleep(50);
    const lastCredentialStoredSeconds = (Date.now() - start) / 1000;
    log(`pipeline: award drained after ${lastCredentialStoredSeconds.toFixed(1)} s`);
    await stack.bus.idle();
    clearInterval(sampler);
    sample();
    for (const p of stackProcesses()) memory[p.role] = Math.max(memory[p.role] ?? 0, memoryOf(p.pid)?.peakMb ?? 0);
    memory['node (handlers, bus, API)'] = Math.max(
      memory['node (handlers, bus, API)'] ?? 0,
      memoryOf('self')?.peakMb ?? 0,
    );

    const burstMail = await withTimes(await mail.list());
    const byRecipient = new Map<string, number[]>();
    for (const { m, at } of burstMail) {
      const to = m.to[0]?.address ?? '';
      byRecipient.set(to, [...(byRecipient.get(to) ?? []), at]);
    }
    const latency: number[] = [];
    let lastEmail = start;
    for (const [to, times] of byRecipient) {
      const sent = sentAt.get(to);
      lastEmail = Math.max(lastEmail, ...times);
      if (sent !== undefined) latency.push(Math.min(...times) - sent);
    }
    const credentialsStored = (await countCredentials(stack, start)) - credentialsBefore;
    const deadLetterText = await readFile(join(dataDir, 'dead-letters.jsonl'), 'utf8').catch(() => '');
    const deadLetters = deadLetterText.split('\n').filter(Boolean).length;
    const lastEmailSeconds = (lastEmail - start) / 1000;
    const delivered = [...byRecipient.keys()].filter((to) => sentAt.has(to)).length;
    const credentialsPerSecond = round(unique / lastEmailSeconds, 1);
    const burst = {
      eventsPut: order.length,
      uniqueEvents: unique,
      duplicatesPut: duplicates,
      producer: {
        batchSize: 10,
        concurrency,
        putSeconds: round(putSeconds, 2),
        eventsPerSecond: round(order.length / putSeconds, 0),
      },
      lastCredentialStoredSeconds: round(lastCredentialStoredSeconds, 2),
      lastEmailSeconds: round(lastEmailSeconds, 2),
      credentialsPerSecond,
      ratioToSigningCeiling: round(credentialsPerSecond / signingCeiling.credentialsPerSecond, 3),
      latencyMs: summarize(latency.length ? latency : [Number.NaN], 0),
      credentialsStored,
      emailsReceived: burstMail.length,
      lost: { credentials: Math.max(0, unique - credentialsStored), emails: unique - delivered },
      duplicated: { credentials: Math.max(0, credentialsStored - unique), emails: burstMail.length - byRecipient.size },
      deadLetters,
      retriedMessages: [...stack.bus.queues.values()].reduce((s, q) => s + q.stats.retried, 0) - retriedBefore,
      peakMemoryMb: memory,
      ...phaseCalls(callsBefore, workBefore, stack, unique),
    };
    if (warnings.length > 0) log(`pipeline: ${warnings.length} warning line(s), first: ${warnings[0]}`);
    return {
      dynamo: 'in-memory',
      queues: Object.fromEntries(
        Object.entries(functions)
          .filter(([, s]) => 'consumes' in s && s.consumes)
          .map(([n, s]) => [
            n,
            {
              ...('batchSize' in s ? { batchSize: s.batchSize } : {}),
              ...('maxConcurrency' in s ? { maxConcurrency: s.maxConcurrency } : {}),
            },
          ]),
      ),
      signingCeiling,
      sequential,
      burst,
    };
  } finally {
    producer.destroy();
    await stack.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
