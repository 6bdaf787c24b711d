import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { pascalCase } from '../constructs/ids.ts';
import type { DeadLetterQueue } from './services-stack.ts';

export interface ObservabilityStackProps extends StackProps {
  /** Functions to chart (invocations, errors, duration), by manifest name. */
  functions: readonly { name: string; fn: lambda.IFunction }[];
  /** The shared dead-letter queues: one message in either is an event that did not become a credential or an email. */
  deadLetterQueues: readonly DeadLetterQueue[];
  /** Consumer queues, by manifest name, to chart their backlog. */
  queues: readonly { name: string; queue: sqs.IQueue }[];
  /** The HTTP API: every page and route. */
  api: apigw.IHttpApi;
  /** Who is emailed when an alarm fires (each confirms the SNS subscription once). */
  alarmEmails: readonly string[];
}

/**
 * A dashboard and the few alarms that cover every failure an operator must act on, each on one metric so the set
 * stays inside CloudWatch's always-free ten alarm metrics:
 *
 * - each dead-letter queue's depth: queue consumers (a message failed every receive), undeliverable events and
 *   failed scheduled runs;
 * - the HTTP API's 5xx count: any page or route that failed, whether its function threw, timed out or answered 500
 *   itself (a function's `Errors` metric misses the last, the commonest).
 *
 * A per-function `Errors` alarm would repeat these signals (a consumer whose invocations fail sends its messages to
 * the dead-letter queue; an HTTP function's failure is a 5xx) at $0.10 a function a month once past the free ten;
 * which function failed is on the dashboard's Errors graph, free.
 */
export class ObservabilityStack extends Stack {
  readonly alarmTopic: sns.Topic;
  readonly alarms: readonly cloudwatch.Alarm[];
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: ObservabilityStackProps) {
    super(scope, id, props);

    // Alarm notifications name a queue or the API, never a learner, so the topic needs no customer-managed key
    // (and CloudWatch cannot publish to one encrypted with the AWS-managed SNS key).
    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', { displayName: 'Laurel alarms', enforceSSL: true });
    for (const email of props.alarmEmails) {
      this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(email));
    }
    const notify = new cwActions.SnsAction(this.alarmTopic);
    const anyAtAll = {
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    } as const;

    const alarms: cloudwatch.Alarm[] = [];
    const deadLettered = props.deadLetterQueues.map(({ label, queue, description }) => {
      const metric = queue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: cloudwatch.Stats.MAXIMUM,
      });
      alarms.push(
        metric.createAlarm(this, `${pascalCase(label)}Alarm`, { alarmDescription: description, ...anyAtAll }),
      );
      return metric.with({ label });
    });

    const serverErrors = props.api.metricServerError({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM });
    alarms.push(
      serverErrors.createAlarm(this, 'ApiServerErrorsAlarm', {
        alarmDescription:
          'The HTTP API answered a server error (5xx): a page or route failed (an unexpected error, a timeout or a ' +
          "crash). The dashboard's Errors graph shows which function; the API's access log (routeKey, status, " +
          "integrationError) and that function's logs say where and why.",
        ...anyAtAll,
      }),
    );

    for (const alarm of alarms) alarm.addAlarmAction(notify);
    this.alarms = alarms;

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { defaultInterval: Duration.days(1) });
    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms, width: 24, height: 4 }),
      new cloudwatch.GraphWidget({
        title: 'Invocations',
        left: props.functions.map(({ name, fn }) => fn.metricInvocations({ label: name })),
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Errors (which function failed)',
        left: props.functions.map(({ name, fn }) => fn.metricErrors({ label: name })),
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Duration p95',
        left: props.functions.map(({ name, fn }) =>
          fn.metricDuration({ label: name, statistic: cloudwatch.Stats.p(95) }),
        ),
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'HTTP API',
        left: [props.api.metricCount({ label: 'requests' })],
        right: [props.api.metricClientError({ label: '4xx' }), serverErrors.with({ label: '5xx' })],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Queue backlog: age of the oldest message (s)',
        left: props.queues.map(({ name, queue }) =>
          queue.metricApproximateAgeOfOldestMessage({ label: name, statistic: cloudwatch.Stats.MAXIMUM }),
        ),
        width: 8,
      }),
      new cloudwatch.GraphWidget({ title: 'Dead-lettered messages', left: deadLettered, width: 8 }),
    );
  }
}
