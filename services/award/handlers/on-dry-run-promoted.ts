import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SQSRecord } from 'aws-lambda';
import { DryRunPromotedV1 } from '#shared/events/dry-run-promoted.v1.ts';
import { sqsBatchHandler } from '#shared/runtime/sqs.ts';
import { type PromoteHandlerDeps, wiring } from '../promote-wiring.ts';

/** `DryRunAwardPromoted` from the queue → the award path; transient failures are retried, then dead-lettered. */
export const buildHandler = (deps: PromoteHandlerDeps = wiring()) => {
  const { logger, metrics } = deps;
  const processRecord = async (record: SQSRecord) => {
    let body: unknown;
    try {
      body = JSON.parse(record.body);
    } catch {
      body = undefined;
    }
    const parsed = DryRunPromotedV1.envelope.safeParse(body);
    if (!parsed.success) {
      logger.error('dry-run promotion event invalid', { messageId: record.messageId });
      metrics.addMetric('PromotionsInvalid', MetricUnit.Count, 1);
      return;
    }
    const { eventId, ruleId } = parsed.data.detail;
    const result = await deps.promote(parsed.data.detail);
    logger.info('dry-run promotion', { eventId, ruleId, ...result });
    metrics.addMetric(result.outcome === 'promoted' ? 'PromotionsIssued' : 'PromotionsNotIssued', MetricUnit.Count, 1);
  };
  return sqsBatchHandler(deps, processRecord);
};

export const handler = buildHandler();
