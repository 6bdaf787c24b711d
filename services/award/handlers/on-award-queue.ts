import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SQSRecord } from 'aws-lambda';
import { DryRunPromotedV1 } from '#shared/events/dry-run-promoted.v1.ts';
import { detailTypeOf, readEnvelope, sqsBatchHandler } from '#shared/runtime/sqs.ts';
import { readAchievementEarned } from '../domain/read-event.ts';
import { type AwardHandlerDeps, wiring } from '../wiring.ts';

/**
 * The award queue: `AchievementEarned` and `DryRunAwardPromoted` (a rule each), told apart by their detail-type, so
 * that every award signs under the one queue's pacing. An unreadable `AchievementEarned` (or a message that is not
 * JSON) is recorded as rejected and acknowledged; an invalid promotion is logged and acknowledged, never recorded
 * under the eventId it names. Anything that throws is reported as a batch item failure and retried alone.
 */
export const buildHandler = (deps: AwardHandlerDeps = wiring()) => {
  const { logger, metrics } = deps;

  const onAchievementEarned = async (record: SQSRecord) => {
    const read = readAchievementEarned(record.body, record.messageId);
    if (!read.ok) {
      const { eventId, reasonCode } = read.rejection;
      logger.warn('event rejected', { eventId, reasonCode });
      metrics.addMetric('EventsRejected', MetricUnit.Count, 1);
      await deps.recordRejection(read.rejection);
      return;
    }
    const result = await deps.award({ source: read.source, event: read.event });
    logger.info('event processed', {
      eventId: read.event.eventId,
      outcome: result.outcome,
      credentials: result.credentialIds.length,
    });
    metrics.addMetric(
      result.outcome === 'issued' ? 'CredentialsIssued' : 'EventsNotIssued',
      MetricUnit.Count,
      result.credentialIds.length || 1,
    );
  };

  const onDryRunPromoted = async (record: SQSRecord) => {
    const parsed = readEnvelope(record, DryRunPromotedV1.envelope);
    // Only Laurel publishes promotions (the rule's pattern says so too).
    if (!parsed || parsed.source !== DryRunPromotedV1.source) {
      logger.error('dry-run promotion event invalid', { messageId: record.messageId });
      metrics.addMetric('PromotionsInvalid', MetricUnit.Count, 1);
      return;
    }
    const { eventId, ruleId } = parsed.detail;
    const result = await deps.promote(parsed.detail);
    logger.info('dry-run promotion', { eventId, ruleId, ...result });
    metrics.addMetric(result.outcome === 'promoted' ? 'PromotionsIssued' : 'PromotionsNotIssued', MetricUnit.Count, 1);
  };

  return sqsBatchHandler(deps, (record) =>
    detailTypeOf(record) === DryRunPromotedV1.detailType ? onDryRunPromoted(record) : onAchievementEarned(record),
  );
};

export const handler = buildHandler();
