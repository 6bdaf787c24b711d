import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SQSRecord } from 'aws-lambda';
import { SesEmailProblem } from '#shared/events/ses-email-problem.ts';
import { readEnvelope, sqsBatchHandler } from '#shared/runtime/sqs.ts';
import { type EmailEventsHandlerDeps, emailEventsWiring } from '../wiring.ts';

/** SES bounce and complaint events from the queue → the credential marked, `ClaimEmailBounced` published. */
export const buildHandler = (deps: EmailEventsHandlerDeps = emailEventsWiring()) => {
  const { logger, metrics } = deps;
  const processRecord = async (record: SQSRecord) => {
    const parsed = readEnvelope(record, SesEmailProblem.envelope);
    if (!parsed) {
      // Not an SES event we understand: nothing a retry would change.
      logger.warn('email event not understood', { messageId: record.messageId });
      metrics.addMetric('EmailEventsInvalid', MetricUnit.Count, 1);
      return;
    }
    const result = await deps.recordEmailProblem(parsed.detail);
    logger.info('email event', { sesMessageId: parsed.detail.mail.messageId, ...result });
    if (result.recorded)
      metrics.addMetric(result.kind === 'bounce' ? 'ClaimEmailsBounced' : 'ClaimEmailComplaints', MetricUnit.Count, 1);
  };
  return sqsBatchHandler(deps, processRecord);
};

export const handler = buildHandler();
