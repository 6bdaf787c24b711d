import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { type FunctionName, functions, routes } from '#shared/routes/manifest.ts';
import { VC_API_ISSUE_SCOPE } from '#shared/runtime/access-token.ts';
import { DEAD_LETTER_RETENTION, DeadLetters } from '../constructs/dead-letters.ts';
import { LaurelHttpApi } from '../constructs/http-api.ts';
import { pascalCase } from '../constructs/ids.ts';
import { type NeedResources, ServiceFunction } from '../constructs/service-function.ts';
import { MAX_RECEIVE_COUNT, Subscription } from '../constructs/subscription.ts';

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

/** A dead-letter queue and what fills it, for its alarm and the dashboard. */
export interface DeadLetterQueue {
  label: string;
  queue: sqs.IQueue;
  /** What a message in it means and what the operator does next: the alarm's description. */
  description: string;
}

/**
 * The stateless part, entirely driven by the route manifest: one function per manifest entry with exactly the
 * grants its `needs` list, a subscription (rules → queue → function) for each consumer, and one HTTP API route per
 * manifest route. It can be destroyed and redeployed without losing anything.
 */
export class ServicesStack extends Stack {
  readonly functions: Readonly<Record<FunctionName, ServiceFunction>>;
  readonly subscriptions: readonly Subscription[];
  /** Each consumer's queue, by manifest name. */
  readonly queues: readonly { name: FunctionName; queue: sqs.IQueue }[];
  readonly deadLetters: DeadLetters;
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
    // Every consumer's failures go to the same two queues, so two alarms watch them all.
    this.deadLetters = new DeadLetters(this, 'DeadLetters');
    const { failed, undelivered } = this.deadLetters;
    const queues: { name: FunctionName; queue: sqs.IQueue }[] = [];
    const scheduled: FunctionName[] = [];
    for (const [name, spec] of Object.entries(functions) as [FunctionName, (typeof functions)[FunctionName]][]) {
      const id = pascalCase(name);
      const fn = new ServiceFunction(this, id, { name, spec, publicBaseUrl }).bindNeeds(spec.needs, props.resources);
      created[name] = fn;
      if ('schedule' in spec) {
        scheduled.push(name);
        // The manifest's schedule, as the local runner reads it too: a rule that invokes the function directly
        // (asynchronously). A run that fails Lambda's two retries, or that EventBridge cannot deliver, lands in the
        // undelivered queue and raises its alarm; within the hour, since the next run starts then anyway.
        const withinTheHour = Duration.hours(1);
        fn.fn.configureAsyncInvoke({
          retryAttempts: 2,
          maxEventAge: withinTheHour,
          onFailure: new destinations.SqsDestination(undelivered),
        });
        new events.Rule(this, `${id}Schedule`, {
          description: `Runs ${name} every ${spec.schedule.everyMinutes} minutes`,
          schedule: events.Schedule.rate(Duration.minutes(spec.schedule.everyMinutes)),
          targets: [
            new targets.LambdaFunction(fn.fn, {
              retryAttempts: 2,
              maxEventAge: withinTheHour,
              deadLetterQueue: undelivered,
            }),
          ],
        });
      }
      if ('consumes' in spec) {
        const subscription = new Subscription(this, `${id}Subscription`, {
          // AWS services (SES) publish on the account's default bus only.
          bus: 'bus' in spec && spec.bus === 'default' ? this.defaultBus() : props.resources.bus,
          contracts: spec.consumes,
          fn: fn.fn,
          functionTimeout: Duration.seconds(spec.timeoutSeconds),
          batchSize: spec.batchSize,
          maxConcurrency: spec.maxConcurrency,
          deadLetters: this.deadLetters,
        });
        subscriptions.push(subscription);
        queues.push({ name, queue: subscription.queue });
      }
    }
    this.functions = created as Record<FunctionName, ServiceFunction>;
    this.subscriptions = subscriptions;
    this.queues = queues;
    const consumers = queues.map((q) => q.name);
    this.deadLetterQueues = [
      {
        label: 'failed messages',
        queue: failed,
        description:
          `A queue consumer (${consumers.join(', ')}) failed a message ${MAX_RECEIVE_COUNT} times; it waits in the ` +
          `failed dead-letter queue (${DEAD_LETTER_RETENTION.toDays()} days). Its DeadLetterQueueSourceArn attribute ` +
          "names its queue; the dashboard's Errors graph and that function's logs say why. Once fixed, move every " +
          `message back to its own queue: aws sqs start-message-move-task --source-arn ${failed.queueArn}`,
      },
      {
        label: 'undelivered events',
        queue: undelivered,
        description:
          'EventBridge could not deliver an event to a queue or function after its retries (attributes RULE_ARN, ' +
          `TARGET_ARN, ERROR_CODE, ERROR_MESSAGE), or a scheduled run (${scheduled.join(', ')}) failed its retries (an ` +
          'invocation record: requestContext, requestPayload, responsePayload). Read them with aws sqs ' +
          `receive-message --queue-url ${undelivered.queueUrl} --attribute-names All --message-attribute-names All; ` +
          'SQS cannot redrive these to a source: after a fix, put the event again or invoke the function with it.',
      },
    ];

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

    new CfnOutput(this, 'FailedMessagesQueueArn', {
      value: failed.queueArn,
      description: 'Messages a consumer failed repeatedly; redrive with aws sqs start-message-move-task --source-arn',
    });
    new CfnOutput(this, 'UndeliveredQueueUrl', {
      value: undelivered.queueUrl,
      description: 'Events EventBridge could not deliver, and failed scheduled runs; read with aws sqs receive-message',
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
