import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { readConfig } from '#infra/stacks/config.ts';
import { addLaurelStacks } from '#infra/stacks/laurel.ts';
import type { IdleResources } from './lib/prices.ts';

type Resource = { Type: string; Properties?: Record<string, unknown> };

/** The metrics an alarm is billed for: one, or each metric a metric-math alarm reads. */
const alarmMetricCount = (alarm: Resource): number => {
  const queries = alarm.Properties?.Metrics as { MetricStat?: unknown }[] | undefined;
  return queries ? queries.filter((q) => q.MetricStat).length : 1;
};

/** Metrics a dashboard charts, read from its body (CloudFormation tokens in it stand in as strings). */
const dashboardMetricCount = (dashboard: Resource): number => {
  const body = dashboard.Properties?.DashboardBody as string | { 'Fn::Join': [string, unknown[]] };
  const text =
    typeof body === 'string'
      ? body
      : body['Fn::Join'][1]
          .map((p) => (typeof p === 'string' ? p : JSON.stringify(JSON.stringify(p)).slice(1, -1)))
          .join('');
  const { widgets } = JSON.parse(text) as { widgets: { properties?: { metrics?: unknown[] } }[] };
  return widgets.reduce((n, w) => n + (w.properties?.metrics?.length ?? 0), 0);
};

/**
 * What the deployment holds that bills by the month, counted in the synthesized templates (bundling skipped, so no
 * function is built): KMS keys, CloudWatch alarms (and the metrics they read) and dashboards (and the metrics they
 * chart), SQS queues polled by Lambda event source mappings.
 */
export async function idleResources(): Promise<
  IdleResources & { resourceCounts: Record<string, number>; alarmList: string[] }
> {
  const outdir = await mkdtemp(join(tmpdir(), 'laurel-bench-cdk-'));
  try {
    const app = new App({
      outdir,
      context: {
        domain: 'badges.example.edu',
        senderAddress: 'badges@example.edu',
        adminEmails: 'ops@example.edu',
        'aws:cdk:bundling-stacks': [],
      },
    });
    const stacks = addLaurelStacks(app, readConfig(app));
    const counts: Record<string, number> = {};
    let alarmMetrics = 0;
    let dashboardMetrics = 0;
    for (const stack of [stacks.stateful, stacks.services, stacks.observability]) {
      const resources = Template.fromStack(stack).toJSON().Resources as Record<string, Resource>;
      for (const r of Object.values(resources)) {
        counts[r.Type] = (counts[r.Type] ?? 0) + 1;
        if (r.Type === 'AWS::CloudWatch::Alarm') alarmMetrics += alarmMetricCount(r);
        if (r.Type === 'AWS::CloudWatch::Dashboard')
          dashboardMetrics = Math.max(dashboardMetrics, dashboardMetricCount(r));
      }
    }
    return {
      kmsKeys: counts['AWS::KMS::Key'] ?? 0,
      alarms: counts['AWS::CloudWatch::Alarm'] ?? 0,
      alarmMetrics,
      dashboards: counts['AWS::CloudWatch::Dashboard'] ?? 0,
      dashboardMetrics,
      // Each alarm and the metric it reads: `FailedMessages: AWS/SQS ApproximateNumberOfMessagesVisible`.
      alarmList: stacks.observability.alarms.map((a) => {
        const stat = a.metric.toMetricConfig().metricStat;
        return `${a.node.id.replace(/Alarm$/, '')}: ${stat ? `${stat.namespace} ${stat.metricName}` : 'metric math'}`;
      }),
      polledQueues: counts['AWS::Lambda::EventSourceMapping'] ?? 0,
      resourceCounts: Object.fromEntries(
        Object.entries(counts).filter(([t]) =>
          /KMS::Key|CloudWatch::(Alarm|Dashboard)|EventSourceMapping|SQS::Queue|Lambda::Function|DynamoDB::(Global)?Table|Cognito::UserPool$/.test(
            t,
          ),
        ),
      ),
    };
  } finally {
    await rm(outdir, { recursive: true, force: true });
  }
}
