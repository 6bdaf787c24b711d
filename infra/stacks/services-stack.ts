import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { type FunctionName, functions, routes } from '#shared/routes/manifest.ts';
import { LaurelHttpApi } from '../constructs/http-api.ts';
import { pascalCase } from '../constructs/ids.ts';
import { type NeedResources, ServiceFunction } from '../constructs/service-function.ts';
import { Subscription } from '../constructs/subscription.ts';

export interface ServicesStackProps extends StackProps {
  /** The stateful stack's tables, bus, keys and mail identity. */
  resources: NeedResources;
  /** Public host; `https://<domain>` is every function's PUBLIC_BASE_URL. */
  domain: string;
  /** ACM certificate for `domain`; when given, the API is mapped to the domain. */
  certificateArn?: string;
}

/** A dead-letter queue and what fills it, for alarms and the dashboard. */
export interface DeadLetterQueue {
  label: string;
  queue: sqs.IQueue;
}

/**
 * The stateless part, entirely driven by the route manifest: one function per manifest entry with exactly the
 * grants its `needs` list, a subscription (rule → queue → function) for each consumer, and one HTTP API route per
 * manifest route. It can be destroyed and redeployed without losing anything.
 */
export class ServicesStack extends Stack {
  readonly functions: Readonly<Record<FunctionName, ServiceFunction>>;
  readonly subscriptions: readonly Subscription[];
  readonly deadLetterQueues: readonly DeadLetterQueue[];
  readonly api: LaurelHttpApi;

  constructor(scope: Construct, id: string, props: ServicesStackProps) {
    super(scope, id, props);
    const publicBaseUrl = `https://${props.domain}`;

    const created: Partial<Record<FunctionName, ServiceFunction>> = {};
    const subscriptions: Subscription[] = [];
    const deadLetterQueues: DeadLetterQueue[] = [];
    for (const [name, spec] of Object.entries(functions) as [FunctionName, (typeof functions)[FunctionName]][]) {
      const id = pascalCase(name);
      const fn = new ServiceFunction(this, id, { name, spec, publicBaseUrl }).bindNeeds(spec.needs, props.resources);
      created[name] = fn;
      if ('consumes' in spec) {
        const subscription = new Subscription(this, `${id}Subscription`, {
          bus: props.resources.bus,
          contract: spec.consumes,
          fn: fn.fn,
          functionTimeout: Duration.seconds(spec.timeoutSeconds),
          batchSize: spec.batchSize,
          maxConcurrency: spec.maxConcurrency,
        });
        subscriptions.push(subscription);
        deadLetterQueues.push(
          { label: `${name} failed`, queue: subscription.dlq },
          { label: `${name} undeliverable`, queue: subscription.deliveryDlq },
        );
      }
    }
    this.functions = created as Record<FunctionName, ServiceFunction>;
    this.subscriptions = subscriptions;
    this.deadLetterQueues = deadLetterQueues;

    this.api = new LaurelHttpApi(this, 'HttpApi', {
      functions: Object.fromEntries(Object.entries(this.functions).map(([name, f]) => [name, f.fn])),
      routes,
      ...(props.certificateArn ? { domain: { name: props.domain, certificateArn: props.certificateArn } } : {}),
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.stage.url, description: 'The execute-api endpoint' });
    if (this.api.domainName) {
      new CfnOutput(this, 'DomainTarget', {
        value: this.api.domainName.regionalDomainName,
        description: `Point ${props.domain} at this host (CNAME, or a Route 53 alias)`,
      });
    } else {
      new CfnOutput(this, 'DomainNote', {
        value: `${props.domain} is not mapped: deploy with -c certificateArn=<ACM ARN> and point ${props.domain} at the DomainTarget output. Until then credentials name ${publicBaseUrl}, which does not answer.`,
      });
    }
  }
}
