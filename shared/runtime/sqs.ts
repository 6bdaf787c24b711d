import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import type { z } from 'zod';

/**
 * The middy stack every queue consumer shares: Lambda context for the logger and the idempotency store, metrics
 * flushed after each invocation, and partial batch failures, so one failing message is retried alone (then
 * dead-lettered) while the rest of its batch is acknowledged.
 */
export const sqsBatchHandler = (
  deps: { logger: Logger; metrics: Metrics; idempotency: IdempotencyConfig },
  processRecord: (record: SQSRecord) => Promise<void>,
) => {
  const processor = new BatchProcessor(EventType.SQS);
  return middy(async (event: SQSEvent, context: Context) => {
    deps.idempotency.registerLambdaContext(context);
    return processPartialResponse(event, processRecord, processor, { context, throwOnFullBatchFailure: false });
  })
    .use(injectLambdaContext(deps.logger))
    .use(logMetrics(deps.metrics));
};

/**
 * A queue message's EventBridge detail-type, for a queue that more than one rule feeds; undefined when the body is
 * not a JSON object or has none.
 */
export const detailTypeOf = (record: SQSRecord): string | undefined => {
  try {
    const body: unknown = JSON.parse(record.body);
    const type =
      typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['detail-type'] : undefined;
    return typeof type === 'string' ? type : undefined;
  } catch {
    return undefined;
  }
};

/** A queue message's EventBridge envelope checked against its contract, or undefined when it is not one. */
export const readEnvelope = <T>(record: SQSRecord, envelope: z.ZodType<T>): T | undefined => {
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch {
    return undefined;
  }
  const parsed = envelope.safeParse(body);
  return parsed.success ? parsed.data : undefined;
};
