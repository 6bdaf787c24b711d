import { Duration, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** How long a dead letter waits for an operator: SQS's longest retention. */
export const DEAD_LETTER_RETENTION = Duration.days(14);

/**
 * The deployment's two dead-letter queues, shared by every consumer, so two alarms (one metric each) watch every way
 * an event can fail to become a credential or an email. Two rather than one because what an operator does next
 * differs:
 *
 * - `failed`: the redrive target of every consumer queue, holding messages a function failed `maxReceiveCount`
 *   times. Each keeps its source queue (`DeadLetterQueueSourceArn`), so after a fix one `StartMessageMoveTask` with
 *   no destination moves every message back to the queue it came from.
 * - `undelivered`: what never reached a function or its queue: the dead-letter queue of every EventBridge rule
 *   target (events EventBridge could not deliver after its retries; message attributes `RULE_ARN`, `TARGET_ARN`,
 *   `ERROR_CODE`, `ERROR_MESSAGE`) and the on-failure destination of asynchronously invoked functions (an invocation
 *   record: `requestContext.functionArn`, the `requestPayload` and the error). SQS redrives only messages that a queue's
 *   redrive policy moved, so these are replayed by hand: put the event again, or invoke the function with it.
 */
export class DeadLetters extends Construct {
  readonly failed: sqs.Queue;
  readonly undelivered: sqs.Queue;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const props: sqs.QueueProps = {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: DEAD_LETTER_RETENTION,
    };
    this.failed = new sqs.Queue(this, 'Failed', props);
    this.undelivered = new sqs.Queue(this, 'Undelivered', props);
    Validations.of(this.undelivered).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself a dead-letter queue: that of the EventBridge rule targets and the on-failure destination of asynchronous invocations (cdk-nag only recognises queue and Lambda DLQs).',
    });
  }
}
