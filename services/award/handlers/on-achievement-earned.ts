import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { readAchievementEarned } from '../domain/read-event.ts';
import { type AwardHandlerDeps, wiring } from '../wiring.ts';

/**
 * `AchievementEarned` from the queue: an unreadable event is recorded as rejected and acknowledged; a readable one
 * goes to the idempotent award use case; anything that throws is reported as a batch item failure and retried.
 */
export const buildHandler = (deps: AwardHandlerDeps = wiring()) => {
  const { logger, metrics } = deps;
  const processor = new BatchProcessor(EventType.SQS);

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

  return middy(async (event: SQSEvent, context: Context) => {
    deps.idempotency.registerLambdaContext(context);
    return processPartialResponse(event, processRecord, processor, { context, throwOnFullBatchFailure: false });
  })
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics));
};

export const handler = buildHandler();
