import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AppStore } from '#shared/adapters/app-store.dynamodb.ts';
import { createLocalSigner } from '#shared/adapters/signer.local.ts';
import { ENV } from '#shared/env.ts';
import { AchievementEarnedV1 } from '#shared/events/achievement-earned.v1.ts';
import { DryRunPromotedV1 } from '#shared/events/dry-run-promoted.v1.ts';
import { achievementEarned, demoAchievement, demoIssuer, demoRule } from '#shared/testing/fixtures.ts';
import { lambdaContext } from '#shared/testing/http.ts';
import { testTables } from '../support/dynamo.ts';

const db = await testTables();
const dataDir = mkdtempSync(join(tmpdir(), 'laurel-award-it-'));
Object.assign(process.env, db.env, {
  [ENV.LAUREL_MODE]: 'local',
  [ENV.LAUREL_DATA_DIR]: dataDir,
  [ENV.EVENT_BUS_NAME]: 'laurel',
  [ENV.PUBLIC_BASE_URL]: 'https://badges.example.edu',
  POWERTOOLS_LOG_LEVEL: 'ERROR',
  POWERTOOLS_METRICS_DISABLED: 'true',
});
const eventBridge = mockClient(EventBridgeClient);
// The real handler, wired from the environment as in Lambda.
const { handler } = await import('#services/award/handlers/on-award-queue.ts');
const store = new AppStore(db.client, db.names.app);

let seq = 0;
const record = (body: string): SQSRecord => ({
  messageId: `m-${++seq}`,
  receiptHandle: 'r',
  body,
  attributes: {
    ApproximateReceiveCount: '1',
    SentTimestamp: '0',
    SenderId: 's',
    ApproximateFirstReceiveTimestamp: '0',
  },
  messageAttributes: {},
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:award',
  awsRegion: 'us-east-1',
});
const invoke = (records: SQSRecord[]) => handler({ Records: records } as SQSEvent, lambdaContext);
const envelope = (detail: unknown, source = 'demo.lms') => JSON.stringify(AchievementEarnedV1.wrap(detail, source));

const credentialsFor = async (eventId: string) => {
  const out = await db.docClient.send(
    new ScanCommand({
      TableName: db.names.app,
      FilterExpression: 'sourceEventId = :e AND sk = :sk',
      ExpressionAttributeValues: { ':e': eventId, ':sk': 'CREDENTIAL' },
    }),
  );
  return out.Items ?? [];
};

describe('award handler (real wiring, DynamoDB Local, local keys)', () => {
  beforeAll(async () => {
    const signer = createLocalSigner({ dataDir });
    await store.putIssuer(demoIssuer({ publicKeyMultibase: await signer.publicKeyMultibase('local:demo') }));
    await store.putAchievement(demoAchievement());
    await store.putRule(demoRule());
    await store.putRule(demoRule({ id: 'pilot-rule', externalId: 'PILOT1', mode: 'dry-run' }));
    await store.putSource('demo.lms');
  });
  afterEach(() => eventBridge.reset());

  it('issues once for an event delivered three times at once, however the retries fall', async () => {
    // Prepare
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'x' }] });
    const body = envelope(achievementEarned({ eventId: 'evt-triple' }));
    // Act: three concurrent invocations, then redeliver whatever failed (as SQS would) until all succeed.
    let pending = [record(body), record(body), record(body)];
    for (let round = 0; pending.length > 0 && round < 10; round++) {
      const results = await Promise.all(pending.map((r) => invoke([r])));
      const failed = new Set(results.flatMap((r) => r.batchItemFailures.map((f) => f.itemIdentifier)));
      pending = pending.filter((r) => failed.has(r.messageId));
      if (pending.length) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // Assess
    expect(pending).toEqual([]);
    expect(await credentialsFor('evt-triple')).toHaveLength(1);
    const publishes = eventBridge.commandCalls(PutEventsCommand);
    expect(publishes).toHaveLength(1);
    expect(publishes[0]?.args[0].input.Entries?.[0]).toMatchObject({
      Source: 'laurel',
      DetailType: 'CredentialIssued',
      EventBusName: 'laurel',
    });
    expect(await store.getEvent('evt-triple')).toMatchObject({ outcome: 'issued' });
  });

  it('records malformed events with their reasons, acknowledges them, and issues nothing', async () => {
    const ok = achievementEarned();
    const cases: [string, string][] = [
      ['not json', '{"detail": '],
      ['missing fields', envelope({ version: 1, eventId: 'bad-missing' })],
      ['wrong types', envelope({ ...ok, eventId: 'bad-types', activity: { kind: 42, externalId: true } })],
      [
        '300 KB string',
        envelope({ ...ok, eventId: 'bad-huge', learner: { email: 'ada@example.edu', name: 'A'.repeat(300_000) } }),
      ],
      [
        'html in name',
        envelope({
          ...ok,
          eventId: 'bad-html',
          learner: { email: 'ada@example.edu', name: '<img src=x onerror=alert(1)>' },
        }),
      ],
      ['unknown source', envelope({ ...ok, eventId: 'bad-source' }, 'rogue.lms')],
    ];
    const result = await invoke(cases.map(([, body]) => record(body)));
    expect(result.batchItemFailures).toEqual([]);
    expect(await store.getEvent('bad-missing')).toMatchObject({
      outcome: 'rejected',
      reasonCode: 'EVENT.INVALID',
      reason: expect.stringContaining('learner'),
    });
    expect(await store.getEvent('bad-types')).toMatchObject({
      outcome: 'rejected',
      reason: expect.stringContaining('activity.kind'),
    });
    expect(await store.getEvent('bad-huge')).toMatchObject({
      outcome: 'rejected',
      reason: expect.stringContaining('learner.name'),
    });
    expect(await store.getEvent('bad-html')).toMatchObject({
      outcome: 'rejected',
      reason: expect.stringContaining('markup'),
    });
    expect(await store.getEvent('bad-source')).toMatchObject({ outcome: 'rejected', reasonCode: 'SOURCE.UNKNOWN' });
    const rejectedToday = await db.docClient.send(
      new QueryCommand({
        TableName: db.names.app,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :d',
        ExpressionAttributeValues: { ':d': `EVENTLOG#${new Date().toISOString().slice(0, 10)}` },
      }),
    );
    expect(rejectedToday.Items?.filter((i) => i.reasonCode === 'EVENT.NOT_JSON')).toHaveLength(1);
    for (const id of ['bad-missing', 'bad-types', 'bad-huge', 'bad-html', 'bad-source'])
      expect(await credentialsFor(id)).toEqual([]);
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it('issues an event and a promotion of an event it already saw from one batch, once each, however often it comes', async () => {
    // Prepare: award records a dry-run award (its idempotency key for evt-piloted now holds `dry-run`), and the
    // console marks it `promoting`, as it does before publishing DryRunAwardPromoted.
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'x' }] });
    const piloted = achievementEarned({
      eventId: 'evt-piloted',
      activity: { kind: 'course-completed', externalId: 'PILOT1', result: { score: 92 } },
    });
    expect((await invoke([record(envelope(piloted))])).batchItemFailures).toEqual([]);
    expect(await store.getEvent('evt-piloted')).toMatchObject({ outcome: 'dry-run' });
    const at = new Date().toISOString();
    expect(
      await store.moveDryRun('evt-piloted', 'pilot-rule', ['pending'], 'promoting', {
        promotedAt: at,
        promotedBy: { sub: 'admin-sub' },
      }),
    ).toBe(true);
    const promotion = {
      version: 1,
      eventId: 'evt-piloted',
      ruleId: 'pilot-rule',
      promotedAt: at,
      promotedBy: 'admin-sub',
    };
    const batch = [
      record(envelope(achievementEarned({ eventId: 'evt-mixed' }))),
      record(JSON.stringify(DryRunPromotedV1.wrap(promotion))),
      record(envelope({ version: 1, eventId: 'bad-mixed' })),
      // A promotion naming evt-piloted but unreadable: acknowledged, never recorded against evt-piloted.
      record(JSON.stringify(DryRunPromotedV1.wrap({ ...promotion, ruleId: undefined }))),
    ];

    // Act: the batch, then the whole batch again (a redelivery after a lost acknowledgement).
    const first = await invoke(batch);
    const again = await invoke(batch);

    // Assess
    expect(first.batchItemFailures).toEqual([]);
    expect(again.batchItemFailures).toEqual([]);
    const [live] = await credentialsFor('evt-mixed');
    const [promoted, ...more] = await credentialsFor('evt-piloted');
    expect(live).toMatchObject({ ruleId: 'cs101-completed' });
    expect(promoted).toMatchObject({ ruleId: 'pilot-rule' });
    expect(more).toEqual([]);
    expect(await store.getDryRun('evt-piloted', 'pilot-rule')).toMatchObject({
      status: 'promoted',
      credentialId: promoted?.id,
    });
    expect(await store.getEvent('evt-piloted')).toMatchObject({ outcome: 'dry-run' });
    expect(await store.getEvent('evt-mixed')).toMatchObject({ outcome: 'issued', credentialIds: [live?.id] });
    expect(await store.getEvent('bad-mixed')).toMatchObject({ outcome: 'rejected', reasonCode: 'EVENT.INVALID' });
    const announced = eventBridge
      .commandCalls(PutEventsCommand)
      .map((c) => JSON.parse(c.args[0].input.Entries?.[0]?.Detail ?? '{}').sourceEventId);
    expect(announced.sort()).toEqual(['evt-mixed', 'evt-piloted']);
  });

  it('reports a batch item failure (to be retried) when the bus is down, and issues once when it is back', async () => {
    eventBridge.on(PutEventsCommand).rejects(new Error('ServiceUnavailable'));
    const r = record(envelope(achievementEarned({ eventId: 'evt-bus-down' })));
    expect((await invoke([r])).batchItemFailures).toEqual([{ itemIdentifier: r.messageId }]);
    eventBridge.reset();
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'x' }] });
    expect((await invoke([r])).batchItemFailures).toEqual([]);
    expect(await credentialsFor('evt-bus-down')).toHaveLength(1);
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(1);
  });
});
