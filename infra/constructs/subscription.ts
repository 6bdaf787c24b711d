import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { z } from 'zod';
import type { EventDefinition, EventPattern } from '#shared/events/define-event.ts';
import { pascalCase } from './ids.ts';

export interface SubscriptionProps {
  /** The bus the contract's events arrive on. */
  bus: events.IEventBus;
  /**
   * The event contracts the queue receives: a rule each, whose pattern is the contract's `.pattern` verbatim (their
   * sources may differ, so one pattern could not say both). The consumer tells them apart by detail-type.
   */
  contracts: readonly EventDefinition<z.ZodType>[];
  /** The consumer. It must report partial batch failures (`batchItemFailures`). */
  fn: lambda.IFunction;
  /** The consumer's timeout: the queue's visibility timeout is six times it, as Lambda recommends for SQS sources. */
  functionTimeout: Duration;
  /** Messages per invocation. @default 10 */
  batchSize?: number;
  /** Concurrent invocations at most, to pace calls under KMS and SES quotas. @default - no limit */
  maxConcurrency?: number;
  /** Receives before a message is dead-lettered. @default MAX_RECEIVE_COUNT */
  maxReceiveCount?: number;
  /**
   * The shared dead-letter queues (infra/constructs/dead-letters.ts): `failed` is the queue's redrive target,
   * `undelivered` the rule target's dead-letter queue.
   */
  deadLetters: { failed: sqs.IQueue; undelivered: sqs.IQueue };
}

/** The CDK spelling of a contract's pattern: `detail-type` becomes `detailType`, nothing else changes. */
export const toEventPattern = (pattern: EventPattern): events.EventPattern => ({
  ...(pattern.source ? { source: [...pattern.source] } : {}),
  detailType: [...pattern['detail-type']],
});

/** Receives of a message before its queue moves it to the `failed` dead-letter queue. */
export const MAX_RECEIVE_COUNT = 5;

/**
 * Routes event contracts to one consumer through one buffer: bus rules → SQS queue → Lambda, with partial batch
 * failures. Two ways to fail, each to its shared dead-letter queue: `dlq` (the deployment's `failed` queue) holds
 * messages the function failed `maxReceiveCount` times; `deliveryDlq` (`undelivered`) holds events EventBridge could
 * not put on the queue at all.
 */
export class Subscription extends Construct {
  readonly queue: sqs.Queue;
  readonly dlq: sqs.IQueue;
  readonly deliveryDlq: sqs.IQueue;
  /** One per contract, in the order given. */
  readonly rules: readonly events.Rule[];

  constructor(scope: Construct, id: string, props: SubscriptionProps) {
    super(scope, id);
    if (props.contracts.length === 0) throw new Error(`${id}: a subscription needs at least one contract`);
    this.dlq = props.deadLetters.failed;
    this.deliveryDlq = props.deadLetters.undelivered;

    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(props.functionTimeout.toSeconds() * 6),
      deadLetterQueue: { queue: this.dlq, maxReceiveCount: props.maxReceiveCount ?? MAX_RECEIVE_COUNT },
    });

    this.rules = props.contracts.map((contract, i) => {
      // The first contract's rule keeps the id `Rule`, so adding a contract never replaces an existing rule.
      const rule = new events.Rule(this, i === 0 ? 'Rule' : `${pascalCase(contract.detailType)}Rule`, {
        eventBus: props.bus,
        description: `${contract.detailType} v${contract.version} to ${id}`,
        eventPattern: toEventPattern(contract.pattern),
      });
      rule.addTarget(
        new targets.SqsQueue(this.queue, {
          deadLetterQueue: this.deliveryDlq,
          // EventBridge's own defaults, spelled out: a day of retries before an event goes to the delivery DLQ.
          retryAttempts: 185,
          maxEventAge: Duration.hours(24),
        }),
      );
      return rule;
    });

    props.fn.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: props.batchSize ?? 10,
        reportBatchItemFailures: true,
        ...(props.maxConcurrency !== undefined ? { maxConcurrency: props.maxConcurrency } : {}),
      }),
    );
  }
}
