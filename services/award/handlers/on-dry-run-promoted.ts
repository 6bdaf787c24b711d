import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SQSRecord } from 'aws-lambda';
import { DryRunPromotedV1 } from '#shared/events/dry-run-promoted.v1.ts';
import { readEnvelope, sqsBatchHandler } from '#shared/runtime/sqs.ts';
import { type PromoteHandlerDeps, wiring } from '../promote-wiring.ts';

/** `DryRunAwardPromoted` from the queue → the award path; transient failures are retried, then dead-lettered. */
export const buildHandler = (deps: PromoteHandlerDeps = wiring()) => {
  const { logger, metrics } = deps;
  const processRecord = async (record: SQSRecord) => {
    const parsed = readEnvelope(record, DryRunPromotedV1.envelope);
    if (!parsed) {
      logger.error('dry-run promotion event invalid', { messageId: record.messageId });
      metrics.addMetric('PromotionsInvalid', MetricUnit.Count, 1);
      return;
    }
    const { eventId, ruleId } = parsed.detail;
    const result = await deps.promote(parsed.detail);
    logger.info('dry-run promotion', { eventId, ruleId, ...result });
    metrics.addMetric(result.outcome === 'promoted' ? 'PromotionsIssued' : 'PromotionsNotIssued', MetricUnit.Count, 1);
  };
  return sqsBatchHandler(deps, processRecord);
};

export const handler = buildHandler();
