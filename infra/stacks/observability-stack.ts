import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { pascalCase } from '../constructs/ids.ts';
import type { DeadLetterQueue } from './services-stack.ts';

export interface ObservabilityStackProps extends StackProps {
  /** Functions to chart and alarm on errors, by manifest name. */
  functions: readonly { name: string; fn: lambda.IFunction }[];
  /** Every dead-letter queue: one message in any of them is an event that did not become a credential or an email. */
  deadLetterQueues: readonly DeadLetterQueue[];
  /** Who is emailed when an alarm fires (each confirms the SNS subscription once). */
  alarmEmails: readonly string[];
}

/** A small dashboard and the alarms that matter: anything dead-lettered, any function error. */
export class ObservabilityStack extends Stack {
  readonly alarmTopic: sns.Topic;
  readonly alarms: readonly cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: ObservabilityStackProps) {
    super(scope, id, props);

    // Alarm notifications name a queue or a function, never a learner, so the topic needs no customer-managed key
    // (and CloudWatch cannot publish to one encrypted with the AWS-managed SNS key).
    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', { displayName: 'Laurel alarms', enforceSSL: true });
    for (const email of props.alarmEmails) {
      this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(email));
    }
    const notify = new cwActions.SnsAction(this.alarmTopic);

    const alarms: cloudwatch.Alarm[] = [];
    const dlqDepth = props.deadLetterQueues.map(({ label, queue }) => {
      const metric = queue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: cloudwatch.Stats.MAXIMUM,
      });
      const alarm = metric.createAlarm(this, `${pascalCase(label)}DlqAlarm`, {
        alarmDescription: `${label}: messages are dead-lettered; inspect, fix, then redrive`,
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      alarms.push(alarm);
      return metric.with({ label });
    });

    for (const { name, fn } of props.functions) {
      const alarm = fn
        .metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM })
        .createAlarm(this, `${pascalCase(name)}ErrorsAlarm`, {
          alarmDescription: `${name}: the function failed (thrown error, timeout or crash)`,
          threshold: 0,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        });
      alarms.push(alarm);
    }
    for (const alarm of alarms) alarm.addAlarmAction(notify);
    this.alarms = alarms;

    const dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { defaultInterval: Duration.days(1) });
    dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms, width: 24, height: 4 }),
      new cloudwatch.GraphWidget({
        title: 'Invocations',
        left: props.functions.map(({ name, fn }) => fn.metricInvocations({ label: name })),
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Errors',
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
      new cloudwatch.GraphWidget({ title: 'Dead-lettered messages', left: dlqDepth, width: 24 }),
    );
  }
}
