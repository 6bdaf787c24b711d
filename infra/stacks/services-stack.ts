import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { type FunctionName, functions, routes } from '#shared/routes/manifest.ts';
import { VC_API_ISSUE_SCOPE } from '#shared/runtime/access-token.ts';
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
  /** Who issues VC-API access tokens, and the app clients they may be issued to. */
  vcApi: { tokenIssuer: string; clients: readonly cognito.IUserPoolClient[] };
  /** Who issues the console's tokens (the user pool) and the console's app client (their audience). */
  console: { tokenIssuer: string; client: cognito.IUserPoolClient };
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

  private defaultBusRef?: events.IEventBus;
  private defaultBus(): events.IEventBus {
    this.defaultBusRef ??= events.EventBus.fromEventBusName(this, 'DefaultBus', 'default');
    return this.defaultBusRef;
  }

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
      if ('schedule' in spec) {
        // The manifest's schedule, as the local runner reads it too: a rule that invokes the function directly.
        new events.Rule(this, `${id}Schedule`, {
          description: `Runs ${name} every ${spec.schedule.everyMinutes} minutes`,
          schedule: events.Schedule.rate(Duration.minutes(spec.schedule.everyMinutes)),
          targets: [new targets.LambdaFunction(fn.fn, { retryAttempts: 2, maxEventAge: Duration.hours(1) })],
        });
      }
      if ('consumes' in spec) {
        const subscription = new Subscription(this, `${id}Subscription`, {
          // AWS services (SES) publish on the account's default bus only.
          bus: 'bus' in spec && spec.bus === 'default' ? this.defaultBus() : props.resources.bus,
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
      authorizers: {
        // Checked at the edge (signature, issuer, client, scope); the issue function checks it again in code.
        'vc-api': {
          authorizer: new HttpJwtAuthorizer('VcApiAuthorizer', props.vcApi.tokenIssuer, {
            jwtAudience: props.vcApi.clients.map((c) => c.userPoolClientId),
          }),
          scopes: [VC_API_ISSUE_SCOPE],
        },
        // Every /admin/api route but sign-in: a console user's ID token (signature, issuer, audience, expiry). The
        // admin function then checks the roles (Cognito groups) per route, denying by default.
        admin: {
          authorizer: new HttpJwtAuthorizer('AdminAuthorizer', props.console.tokenIssuer, {
            jwtAudience: [props.console.client.userPoolClientId],
          }),
          scopes: [],
        },
      },
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
