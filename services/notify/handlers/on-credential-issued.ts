import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SQSRecord } from 'aws-lambda';
import { CredentialIssuedV1 } from '#shared/events/credential-issued.v1.ts';
import { isPermanent } from '#shared/runtime/errors.ts';
import { readEnvelope, sqsBatchHandler } from '#shared/runtime/sqs.ts';
import { type NotifyHandlerDeps, wiring } from '../wiring.ts';

/** `CredentialIssued` from the queue → the claim email. Failures to send are retried, then dead-lettered. */
export const buildHandler = (deps: NotifyHandlerDeps = wiring()) => {
  const { logger, metrics } = deps;

  const processRecord = async (record: SQSRecord) => {
    const parsed = readEnvelope(record, CredentialIssuedV1.envelope);
    if (!parsed) {
      // Our own contract broken: nothing to retry; the log and metric make it visible.
      logger.error('credential issued event invalid', { messageId: record.messageId });
      metrics.addMetric('NotifyEventsInvalid', MetricUnit.Count, 1);
      return;
    }
    const detail = parsed.detail;
    try {
      const result = await deps.sendClaimEmail(detail);
      logger.info('claim email', { credentialId: detail.credentialId, ...result });
      if (result.sent) metrics.addMetric('ClaimEmailsSent', MetricUnit.Count, 1);
    } catch (error) {
      if (!isPermanent(error)) throw error;
      logger.error('claim email not sent', {
        credentialId: detail.credentialId,
        code: error.code,
        reason: error.message,
      });
      metrics.addMetric('ClaimEmailsFailed', MetricUnit.Count, 1);
    }
  };

  return sqsBatchHandler(deps, processRecord);
};

export const handler = buildHandler();
