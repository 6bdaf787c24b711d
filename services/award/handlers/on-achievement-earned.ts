import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SQSRecord } from 'aws-lambda';
import { sqsBatchHandler } from '#shared/runtime/sqs.ts';
import { readAchievementEarned } from '../domain/read-event.ts';
import { type AwardHandlerDeps, wiring } from '../wiring.ts';

/**
 * `AchievementEarned` from the queue: an unreadable event is recorded as rejected and acknowledged; a readable one
 * goes to the idempotent award use case; anything that throws is reported as a batch item failure and retried.
 */
export const buildHandler = (deps: AwardHandlerDeps = wiring()) => {
  const { logger, metrics } = deps;

  const processRecord = async (record: SQSRecord) => {
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

  return sqsBatchHandler(deps, processRecord);
};

export const handler = buildHandler();
