import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { readConfig } from '#infra/stacks/config.ts';
import { addLaurelStacks } from '#infra/stacks/laurel.ts';
import type { IdleResources } from './lib/prices.ts';

/**
 * What the deployment holds that bills by the month, counted in the synthesized templates (bundling skipped, so no
 * function is built): KMS keys, CloudWatch alarms and dashboards, SQS queues polled by Lambda event source mappings.
 */
export async function idleResources(): Promise<IdleResources & { resourceCounts: Record<string, number> }> {
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
    for (const stack of [stacks.stateful, stacks.services, stacks.observability]) {
      const resources = Template.fromStack(stack).toJSON().Resources as Record<string, { Type: string }>;
      for (const r of Object.values(resources)) counts[r.Type] = (counts[r.Type] ?? 0) + 1;
    }
    return {
      kmsKeys: counts['AWS::KMS::Key'] ?? 0,
      alarms: counts['AWS::CloudWatch::Alarm'] ?? 0,
      dashboards: counts['AWS::CloudWatch::Dashboard'] ?? 0,
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
