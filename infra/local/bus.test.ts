import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AchievementEarnedV1, CredentialIssuedV1, DryRunPromotedV1 } from '#shared/events/index.ts';
import { type BusConsumer, type LocalBus, MAX_ENTRY_BYTES, startBus } from './bus.ts';
import type { LocalFunction } from './lambda.ts';
import type { DeadLetter, QueueSettings } from './queue.ts';

const BUS = 'laurel';

/** A fake consumer that records every batch and answers with `respond`; its queue fed by one rule or several. */
function fakeConsumer(
  name: string,
  pattern: BusConsumer['patterns'][number] | BusConsumer['patterns'],
  respond: (
    event: SQSEvent,
    call: number,
  ) => Promise<SQSBatchResponse | undefined> | SQSBatchResponse | undefined = () => undefined,
  settings: Partial<QueueSettings> = {},
) {
  const batches: SQSEvent[] = [];
  let running = 0;
  let maxRunning = 0;
  const fn: LocalFunction = {
    name,
    timeoutSeconds: 5,
    memoryMb: 128,
    handler: (async (event: SQSEvent) => {
      batches.push(event);
      running++;
      maxRunning = Math.max(maxRunning, running);
      try {
        await new Promise((r) => setTimeout(r, 5));
        return await respond(event, batches.length);
      } finally {
        running--;
      }
    }) as LocalFunction['handler'],
  };
  const patterns = Array.isArray(pattern) ? pattern : [pattern as BusConsumer['patterns'][number]];
  const consumer: BusConsumer = { name, patterns, fn, settings };
  return {
    consumer,
    batches,
    records: () => batches.flatMap((b) => b.Records),
    maxRunning: () => maxRunning,
  };
}

const earned = (eventId: string, over: Record<string, unknown> = {}) =>
  AchievementEarnedV1.toEntry(
    {
      version: 1,
      eventId,
      occurredAt: '2026-05-14T16:20:00Z',
      learner: { email: 'ada@example.edu' },
      activity: { kind: 'course-completed', externalId: 'CS101', result: { score: 92 } },
      ...over,
    },
    'demo.lms',
  );

const onBus = (entry: PutEventsRequestEntry): PutEventsRequestEntry => ({ ...entry, EventBusName: BUS });

let dataDir: string;
let bus: LocalBus | undefined;
let sdk: EventBridgeClient | undefined;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'laurel-bus-'));
});

afterEach(async () => {
  sdk?.destroy();
  sdk = undefined;
  await bus?.stop();
  bus = undefined;
  await rm(dataDir, { recursive: true, force: true });
});

async function start(consumers: BusConsumer[], queueDefaults: Partial<QueueSettings> = {}) {
  sdk?.destroy();
  bus = await startBus({ port: 0, dataDir, consumers, busName: BUS, queueDefaults });
  sdk = new EventBridgeClient({
    endpoint: bus.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  return { bus, sdk };
}

const readDeadLetters = async (): Promise<DeadLetter[]> =>
  (await readFile(join(dataDir, 'dead-letters.jsonl'), 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as DeadLetter);

describe('local bus: PutEvents', () => {
  it('accepts a real PutEventsCommand and delivers the EventBridge envelope in an SQS record to the matching consumer', async () => {
    // Prepare
    const award = fakeConsumer('award', AchievementEarnedV1.pattern);
    const notify = fakeConsumer('notify', CredentialIssuedV1.pattern);
    const { bus, sdk } = await start([award.consumer, notify.consumer]);
    const entry = onBus({ ...earned('evt-1'), Time: new Date('2026-05-14T16:20:00.500Z'), Resources: ['arn:x'] });

    // Act
    const out = await sdk.send(new PutEventsCommand({ Entries: [entry] }));
    await bus.idle();

    // Assess
    expect(out.FailedEntryCount).toBe(0);
    const eventId = out.Entries?.[0]?.EventId;
    expect(eventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(notify.batches).toHaveLength(0);
    const [record] = award.records();
    expect(record).toMatchObject({
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:laurel-award',
      awsRegion: 'us-east-1',
      messageAttributes: {},
      attributes: { ApproximateReceiveCount: '1' },
    });
    expect(record?.md5OfBody).toBe(
      createHash('md5')
        .update(record?.body ?? '')
        .digest('hex'),
    );
    const envelope = JSON.parse(record?.body ?? '{}');
    expect(envelope).toEqual({
      version: '0',
      id: eventId,
      'detail-type': 'AchievementEarned',
      source: 'demo.lms',
      account: '000000000000',
      time: '2026-05-14T16:20:00Z',
      region: 'us-east-1',
      resources: ['arn:x'],
      detail: JSON.parse(entry.Detail ?? ''),
    });
    // What the real consumer will do with it: the contract's envelope schema accepts it.
    expect(AchievementEarnedV1.envelope.safeParse(envelope).success).toBe(true);
  });

  it('routes by pattern: Laurel-sourced CredentialIssued to notify only', async () => {
    const award = fakeConsumer('award', AchievementEarnedV1.pattern);
    const notify = fakeConsumer('notify', CredentialIssuedV1.pattern);
    const { bus, sdk } = await start([award.consumer, notify.consumer]);
    const issued = CredentialIssuedV1.toEntry({
      version: 1,
      credentialId: 'c1',
      credentialUrl: 'https://localhost:3443/credentials/c1',
      issuerSlug: 'demo',
      achievementId: 'intro-to-cs',
      ruleId: 'cs101-completed',
      sourceEventId: 'evt-1',
      issuedAt: '2026-05-14T16:20:01Z',
    });

    await sdk.send(
      new PutEventsCommand({
        Entries: [
          onBus(issued),
          onBus({ ...issued, Source: 'someone.else' }),
          onBus({ ...issued, DetailType: 'Other' }),
        ],
      }),
    );
    await bus.idle();

    expect(award.records()).toHaveLength(0);
    expect(notify.records().map((r) => JSON.parse(r.body).source)).toEqual(['laurel']);
  });

  it('feeds one queue from two rules, each by its own pattern, once per event', async () => {
    // Prepare: award's queue, as the manifest subscribes it to AchievementEarned and DryRunAwardPromoted.
    const award = fakeConsumer('award', [AchievementEarnedV1.pattern, DryRunPromotedV1.pattern]);
    const notify = fakeConsumer('notify', CredentialIssuedV1.pattern);
    const { bus, sdk } = await start([award.consumer, notify.consumer]);
    const promoted = DryRunPromotedV1.toEntry({
      version: 1,
      eventId: 'evt-pilot',
      ruleId: 'pilot',
      promotedAt: '2026-05-14T16:20:00Z',
      promotedBy: 'admin-sub',
    });

    // Act
    await sdk.send(
      new PutEventsCommand({
        Entries: [onBus(earned('evt-earned')), onBus(promoted), onBus({ ...promoted, Source: 'demo.lms' })],
      }),
    );
    await bus.idle();

    // Assess: a promotion from anyone but Laurel matches neither rule.
    const delivered = award.records().map((r) => JSON.parse(r.body) as { 'detail-type': string; source: string });
    expect(delivered.map((e) => `${e['detail-type']} from ${e.source}`).sort()).toEqual([
      'AchievementEarned from demo.lms',
      'DryRunAwardPromoted from laurel',
    ]);
    expect(notify.records()).toHaveLength(0);
    expect([...bus.queues.keys()]).toEqual(['award', 'notify']);
  });

  it('answers per-entry errors like EventBridge and still delivers the valid entries', async () => {
    const award = fakeConsumer('award', AchievementEarnedV1.pattern);
    const { bus, sdk } = await start([award.consumer]);
    const good = onBus(earned('evt-ok'));

    const out = await sdk.send(
      new PutEventsCommand({
        Entries: [
          { ...good, Detail: 'not json' },
          { ...good, Detail: '[1,2]' },
          { ...good, Source: undefined },
          { ...good, Source: 'aws.events' },
          good,
        ],
      }),
    );
    await bus.idle();

    expect(out.FailedEntryCount).toBe(4);
    expect(out.Entries?.map((e) => e.ErrorCode ?? 'ok')).toEqual([
      'MalformedDetail',
      'MalformedDetail',
      'InvalidArgument',
      'NotAuthorizedForSourceException',
      'ok',
    ]);
    expect(out.Entries?.[2]?.ErrorMessage).toMatch(/Source is a required argument/);
    expect(award.records()).toHaveLength(1);
  });

  it('rejects the whole request above 10 entries or with an entry over 256 KB', async () => {
    const award = fakeConsumer('award', AchievementEarnedV1.pattern);
    const { bus, sdk } = await start([award.consumer]);
    const eleven = Array.from({ length: 11 }, (_, i) => onBus(earned(`e${i}`)));
    const huge = onBus({ ...earned('big'), Detail: JSON.stringify({ pad: 'x'.repeat(MAX_ENTRY_BYTES) }) });

    await expect(sdk.send(new PutEventsCommand({ Entries: eleven }))).rejects.toMatchObject({
      name: 'ValidationException',
    });
    await expect(sdk.send(new PutEventsCommand({ Entries: [huge] }))).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringMatching(/over the limit/),
    });
    await bus.idle();
    expect(award.records()).toHaveLength(0);
  });

  it('accepts but does not route entries for the default bus', async () => {
    const award = fakeConsumer('award', AchievementEarnedV1.pattern);
    const { bus, sdk } = await start([award.consumer]);

    const out = await sdk.send(
      new PutEventsCommand({ Entries: [earned('no-bus'), { ...earned('other'), EventBusName: 'x' }] }),
    );
    await bus.idle();

    expect(out.FailedEntryCount).toBe(0);
    expect(award.records()).toHaveLength(0);
  });
});

describe('local bus: queue semantics', () => {
  it('delivers in batches of at most batchSize with at most maxConcurrency invocations at once', async () => {
    // Prepare
    const award = fakeConsumer('award', AchievementEarnedV1.pattern, undefined, { batchSize: 4, maxConcurrency: 2 });
    const { bus, sdk } = await start([award.consumer]);

    // Act
    for (let call = 0; call < 5; call++) {
      const entries = Array.from({ length: 10 }, (_, i) => onBus(earned(`b${call}-${i}`)));
      await sdk.send(new PutEventsCommand({ Entries: entries }));
    }
    await bus.idle();

    // Assess
    const ids = award.records().map((r) => JSON.parse(r.body).detail.eventId);
    expect(new Set(ids).size).toBe(50);
    expect(ids).toHaveLength(50);
    expect(Math.max(...award.batches.map((b) => b.Records.length))).toBe(4);
    expect(award.maxRunning()).toBeLessThanOrEqual(2);
    expect(award.maxRunning()).toBe(2);
  });

  it('waits a short window to fill a batch rather than invoking per message', async () => {
    const award = fakeConsumer('award', AchievementEarnedV1.pattern, undefined, { batchSize: 10, batchWindowMs: 50 });
    const { bus } = await start([award.consumer]);

    for (let i = 0; i < 3; i++) bus.putEvents([onBus(earned(`w${i}`))]);
    await bus.idle();

    expect(award.batches.map((b) => b.Records.length)).toEqual([3]);
  });

  it('redelivers only the messages a batch reports as failed, with ApproximateReceiveCount incremented', async () => {
    // Prepare: evt-flaky fails twice, then succeeds
    const award = fakeConsumer(
      'award',
      AchievementEarnedV1.pattern,
      (event) => {
        const failing = event.Records.filter(
          (r) => JSON.parse(r.body).detail.eventId === 'evt-flaky' && r.attributes.ApproximateReceiveCount !== '3',
        );
        return { batchItemFailures: failing.map((r) => ({ itemIdentifier: r.messageId })) };
      },
      { visibilityTimeoutMs: 30 },
    );
    const { bus, sdk } = await start([award.consumer]);

    // Act
    await sdk.send(new PutEventsCommand({ Entries: [onBus(earned('evt-ok')), onBus(earned('evt-flaky'))] }));
    await bus.idle();

    // Assess
    const deliveries = award
      .records()
      .map((r) => [JSON.parse(r.body).detail.eventId, r.attributes.ApproximateReceiveCount, r.messageId] as const);
    expect(deliveries.map(([id, n]) => `${id}:${n}`)).toEqual([
      'evt-ok:1',
      'evt-flaky:1',
      'evt-flaky:2',
      'evt-flaky:3',
    ]);
    // The same SQS message each time.
    expect(new Set(deliveries.filter(([id]) => id === 'evt-flaky').map(([, , m]) => m)).size).toBe(1);
    expect(bus.queues.get('award')?.stats).toMatchObject({ deleted: 2, retried: 2, deadLettered: 0 });
    await expect(readFile(join(dataDir, 'dead-letters.jsonl'), 'utf8')).rejects.toThrow();
  });

  it('fails the whole batch when the handler throws, and dead-letters after 5 receives', async () => {
    // Prepare
    const award = fakeConsumer(
      'award',
      AchievementEarnedV1.pattern,
      () => {
        throw new Error('KMS is down');
      },
      { visibilityTimeoutMs: 10 },
    );
    const { bus, sdk } = await start([award.consumer]);

    // Act
    await sdk.send(new PutEventsCommand({ Entries: [onBus(earned('evt-a')), onBus(earned('evt-b'))] }));
    await bus.idle();

    // Assess
    expect(award.batches.map((b) => b.Records.map((r) => r.attributes.ApproximateReceiveCount))).toEqual([
      ['1', '1'],
      ['2', '2'],
      ['3', '3'],
      ['4', '4'],
      ['5', '5'],
    ]);
    const dead = await readDeadLetters();
    expect(dead.map((d) => d.message.body)).toEqual([
      expect.objectContaining({ detail: expect.objectContaining({ eventId: 'evt-a' }) }),
      expect.objectContaining({ detail: expect.objectContaining({ eventId: 'evt-b' }) }),
    ]);
    expect(dead[0]).toMatchObject({ queue: 'award', error: 'Error: KMS is down', message: { receiveCount: 5 } });
    expect(await readFile(join(dataDir, 'queues', 'award.jsonl'), 'utf8')).toBe('');
  });

  it('fails the whole batch on an unknown itemIdentifier, and on a timeout', async () => {
    let calls = 0;
    const award = fakeConsumer(
      'award',
      AchievementEarnedV1.pattern,
      () => {
        calls++;
        return calls === 1 ? { batchItemFailures: [{ itemIdentifier: 'nope' }] } : undefined;
      },
      { visibilityTimeoutMs: 10 },
    );
    const slow = fakeConsumer(
      'notify',
      CredentialIssuedV1.pattern,
      async (_, call) => {
        if (call === 1) await new Promise((r) => setTimeout(r, 300));
        return undefined;
      },
      { visibilityTimeoutMs: 10 },
    );
    slow.consumer.fn.timeoutSeconds = 0.1;
    const { bus } = await start([award.consumer, slow.consumer]);

    bus.putEvents([onBus(earned('a')), onBus(earned('b'))]);
    bus.putEvents([onBus({ Source: 'laurel', DetailType: 'CredentialIssued', Detail: '{}' })]);
    await bus.idle();

    expect(award.batches.map((b) => b.Records.map((r) => r.attributes.ApproximateReceiveCount))).toEqual([
      ['1', '1'],
      ['2', '2'],
    ]);
    expect(slow.batches.map((b) => b.Records[0]?.attributes.ApproximateReceiveCount)).toEqual(['1', '2']);
  });

  it('survives a restart: messages accepted but not yet processed are delivered by the next bus', async () => {
    // Prepare: a consumer that keeps failing, with a retry delay far longer than the test
    const failing = fakeConsumer('award', AchievementEarnedV1.pattern, () => {
      throw new Error('not yet');
    });
    const first = await start([failing.consumer], { visibilityTimeoutMs: 60_000 });
    await first.sdk.send(new PutEventsCommand({ Entries: [onBus(earned('evt-1')), onBus(earned('evt-2'))] }));
    await vi.waitFor(() => expect(failing.batches).toHaveLength(1));
    await first.bus.stop();
    bus = undefined;

    // Act: a new bus on the same data folder, with a consumer that succeeds
    const healthy = fakeConsumer('award', AchievementEarnedV1.pattern);
    const second = await start([healthy.consumer], { visibilityTimeoutMs: 10 });
    await second.bus.idle();

    // Assess: both delivered again, the receive count carried over, the journal emptied once drained
    expect(
      healthy.records().map((r) => `${JSON.parse(r.body).detail.eventId}:${r.attributes.ApproximateReceiveCount}`),
    ).toEqual(['evt-1:2', 'evt-2:2']);
    expect(await readFile(join(dataDir, 'queues', 'award.jsonl'), 'utf8')).toBe('');
  });

  it('pushes a few thousand events through without losing or duplicating one', async () => {
    const award = fakeConsumer('award', AchievementEarnedV1.pattern, undefined, { batchSize: 10, maxConcurrency: 20 });
    const { bus } = await start([award.consumer]);

    for (let call = 0; call < 300; call++) {
      bus.putEvents(Array.from({ length: 10 }, (_, i) => onBus(earned(`n${call}-${i}`))));
    }
    await bus.idle();

    const ids = award.records().map((r) => JSON.parse(r.body).detail.eventId);
    expect(ids).toHaveLength(3000);
    expect(new Set(ids).size).toBe(3000);
  });
});
