import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { type RemindHandlerDeps, remindWiring } from '../wiring.ts';

/** Runs on a schedule (an EventBridge rule in AWS, an interval in local mode): sends the claim reminders now due. */
export const buildHandler = (deps: RemindHandlerDeps = remindWiring()) =>
  middy(async () => {
    const result = await deps.sendReminders();
    deps.logger.info('claim reminders', { ...result });
    deps.metrics.addMetric('ClaimRemindersSent', MetricUnit.Count, result.sent);
    if (result.failed > 0) deps.metrics.addMetric('ClaimRemindersFailed', MetricUnit.Count, result.failed);
    return result;
  })
    .use(injectLambdaContext(deps.logger))
    .use(logMetrics(deps.metrics));

export const handler = buildHandler();
