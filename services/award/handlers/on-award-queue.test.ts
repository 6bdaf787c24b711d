import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { AchievementEarnedV1 } from '#shared/events/achievement-earned.v1.ts';
import { DryRunPromotedV1 } from '#shared/events/dry-run-promoted.v1.ts';
import { makeLogger, makeMetrics } from '#shared/runtime/logger.ts';
import { achievementEarned } from '#shared/testing/fixtures.ts';
import { lambdaContext } from '#shared/testing/http.ts';
import type { AwardInput, AwardResult } from '../app/award-credential.ts';
import type { PromoteResult } from '../app/promote-dry-run.ts';
import type { Rejection } from '../domain/read-event.ts';
import type { AwardHandlerDeps } from '../wiring.ts';
import { buildHandler } from './on-award-queue.ts';

// The module also builds its production handler at import: give its wiring configuration it will never use.
vi.hoisted(() =>
  Object.assign(process.env, {
    APP_TABLE_NAME: 'unused',
    IDEMPOTENCY_TABLE_NAME: 'unused',
    EVENT_BUS_NAME: 'unused',
    PUBLIC_BASE_URL: 'https://badges.example.edu',
    SIGNING_KEY_ID: 'unused',
    CLAIM_KEY_ID: 'unused',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
  }),
);

const depsWith = (over: {
  award?: (input: AwardInput) => Promise<AwardResult>;
  promote?: (detail: DryRunPromotedV1) => Promise<PromoteResult>;
}) => {
  const deps = {
    logger: makeLogger('award'),
    metrics: makeMetrics('award'),
    idempotency: new IdempotencyConfig({}),
    award: vi.fn(
      over.award ?? (async () => ({ outcome: 'issued' as const, credentialIds: ['c-earned'], reasons: [] })),
    ),
    promote: vi.fn(over.promote ?? (async () => ({ outcome: 'promoted' as const, credentialId: 'c-promoted' }))),
    recordRejection: vi.fn(async (_rejection: Rejection) => {}),
  };
  return { deps, handler: buildHandler(deps satisfies AwardHandlerDeps) };
};

let seq = 0;
const record = (body: unknown): SQSRecord =>
  ({
    messageId: `m-${++seq}`,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    eventSource: 'aws:sqs',
  }) as SQSRecord;
const invoke = (handler: ReturnType<typeof buildHandler>, records: SQSRecord[]) =>
  handler({ Records: records } as SQSEvent, lambdaContext);

const earned = achievementEarned({ eventId: 'evt-earned' });
const promotion: DryRunPromotedV1 = {
  version: 1,
  // The eventId of the event whose dry-run award is promoted: the same id award saw when it recorded the dry run.
  eventId: 'evt-piloted',
  ruleId: 'pilot-rule',
  promotedAt: '2026-05-14T16:20:00Z',
  promotedBy: 'admin-sub',
};
const mixedBatch = () => {
  const records = {
    earned: record(AchievementEarnedV1.wrap(earned, 'demo.lms')),
    promoted: record(DryRunPromotedV1.wrap(promotion)),
    malformed: record('{"detail": '),
  };
  return { records, all: [records.earned, records.promoted, records.malformed] };
};

describe('award queue handler', () => {
  it('sends each record of a mixed batch to its use case, and reports only the promotion that failed', async () => {
    // Prepare: the promotion meets a transient error (a throttled call, say).
    const { deps, handler } = depsWith({
      promote: async () => {
        throw new Error('ThrottlingException');
      },
    });
    const { records, all } = mixedBatch();

    // Act
    const result = await invoke(handler, all);

    // Assess
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: records.promoted.messageId }]);
    expect(deps.award).toHaveBeenCalledExactlyOnceWith({ source: 'demo.lms', event: earned });
    expect(deps.promote).toHaveBeenCalledExactlyOnceWith(promotion);
    expect(deps.recordRejection).toHaveBeenCalledExactlyOnceWith(
      expect.objectContaining({ eventId: `delivery:${records.malformed.messageId}`, reasonCode: 'EVENT.NOT_JSON' }),
    );
  });

  it('reports only the AchievementEarned that failed, and still issues the promotion beside it', async () => {
    const { deps, handler } = depsWith({
      award: async () => {
        throw new Error('ServiceUnavailable');
      },
    });
    const { records, all } = mixedBatch();

    const result = await invoke(handler, all);

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: records.earned.messageId }]);
    expect(deps.promote).toHaveBeenCalledExactlyOnceWith(promotion);
    await expect(deps.promote.mock.results[0]?.value).resolves.toEqual({
      outcome: 'promoted',
      credentialId: 'c-promoted',
    });
    expect(deps.recordRejection).toHaveBeenCalledOnce();
  });

  it('acknowledges an invalid promotion without recording it under the eventId it names, or awarding it', async () => {
    // Prepare: a promotion missing its rule, and one from a source other than Laurel.
    const { deps, handler } = depsWith({});
    const { ruleId: _ruleId, ...noRule } = promotion;
    const invalid = [
      record(DryRunPromotedV1.wrap(noRule)),
      record({ ...DryRunPromotedV1.wrap(promotion), source: 'demo.lms' }),
    ];

    // Act
    const result = await invoke(handler, invalid);

    // Assess: neither reaches a use case, and evt-piloted's recorded outcome is left alone.
    expect(result.batchItemFailures).toEqual([]);
    expect(deps.promote).not.toHaveBeenCalled();
    expect(deps.award).not.toHaveBeenCalled();
    expect(deps.recordRejection).not.toHaveBeenCalled();
  });

  it('records anything but a promotion that is not a readable AchievementEarned as rejected, and awards nothing', async () => {
    const { deps, handler } = depsWith({});
    const otherType = record({ ...AchievementEarnedV1.wrap(earned, 'demo.lms'), 'detail-type': 'Something' });
    const invalid = record(AchievementEarnedV1.wrap({ version: 1, eventId: 'evt-invalid' }, 'demo.lms'));

    const result = await invoke(handler, [otherType, invalid]);

    expect(result.batchItemFailures).toEqual([]);
    expect(deps.award).not.toHaveBeenCalled();
    expect(deps.promote).not.toHaveBeenCalled();
    expect(deps.recordRejection.mock.calls.map(([r]) => [r.eventId, r.reasonCode])).toEqual([
      ['evt-earned', 'EVENT.UNSUPPORTED_TYPE'],
      ['evt-invalid', 'EVENT.INVALID'],
    ]);
  });
});
