import { Client } from '@smithy/core/client';
import type { MiddlewareStack } from '@smithy/types';
import { currentInvocation } from '#infra/local/lambda.ts';
import { listenToStandInCalls } from '#shared/adapters/stand-in-calls.ts';

/** One AWS call a function made, as the SDK sent it (or as a local stand-in would have made it). */
export interface AwsCall {
  /** Manifest function name, or `(outside)` for calls made outside an invocation (seeding, the benchmark). */
  fn: string;
  /** `DynamoDB`, `EventBridge`, `KMS`, `SESv2`. */
  service: string;
  /** The API operation: `GetItem`, `TransactWriteItems`, `PutEvents`, `Sign`, ... */
  operation: string;
  /** DynamoDB: capacity units the table reported (`ReturnConsumedCapacity: TOTAL`); 0 elsewhere. */
  capacityUnits: number;
  /** DynamoDB: the call failed (a condition check, a cancelled transaction) and reported no capacity. */
  failed: boolean;
  /** EventBridge PutEvents: entries in the request (EventBridge bills per entry). */
  entries: number;
}

const calls: AwsCall[] = [];

/** Every call recorded since `installAwsCallCounter()`. */
export const recordedCalls = (): readonly AwsCall[] => calls;

/** DynamoDB operations that report consumed capacity when asked. */
const CAPACITY_OPERATIONS = new Set([
  'GetItem',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'Query',
  'Scan',
  'BatchGetItem',
  'BatchWriteItem',
  'TransactGetItems',
  'TransactWriteItems',
]);

/** lib-dynamodb's command names for the operations they wrap. */
const DOCUMENT_COMMANDS: Record<string, string> = {
  Get: 'GetItem',
  Put: 'PutItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  BatchGet: 'BatchGetItem',
  BatchWrite: 'BatchWriteItem',
  TransactGet: 'TransactGetItems',
  TransactWrite: 'TransactWriteItems',
};

const serviceOf = (clientName: string) =>
  clientName.replace(/DocumentClient$/, '').replace(/Client$/, '') || clientName;

const operationOf = (commandName: string) => {
  const base = commandName.replace(/Command$/, '');
  return DOCUMENT_COMMANDS[base] ?? base;
};

const capacityOf = (output: unknown): number => {
  const consumed = (output as { ConsumedCapacity?: unknown } | undefined)?.ConsumedCapacity;
  const list = Array.isArray(consumed) ? consumed : consumed ? [consumed] : [];
  return list.reduce((sum: number, c: { CapacityUnits?: number }) => sum + (c.CapacityUnits ?? 0), 0);
};

type AnyStack = MiddlewareStack<object, object>;
const installed = new WeakSet<object>();

/**
 * An SDK middleware on every AWS SDK v3 client in this process, installed on each client's own middleware stack the
 * first time it sends. It records the call (service, operation, the invocation it belongs to) and, for DynamoDB,
 * asks for and reads the consumed capacity, so the cost model prices what DynamoDB Local actually reported.
 *
 * Why here and not in the services' wiring: the benchmark runs the handlers in one process (local mode), so one hook
 * on the SDK's shared `Client.send` reaches every client the wirings create, with no production code aware of it.
 *
 * Local mode has no KMS or SES client: its local signer, claim key and SMTP mailer report each call they stand in
 * for (shared/adapters/stand-in-calls.ts), one per use, as their AWS adapters make one API call per use.
 */
export function installAwsCallCounter(): void {
  listenToStandInCalls((service, operation) => {
    calls.push({
      fn: currentInvocation.getStore()?.fn ?? '(outside)',
      service,
      operation,
      capacityUnits: 0,
      failed: false,
      entries: 0,
    });
  });
  const proto = Client.prototype as unknown as { send: (...args: unknown[]) => unknown; __laurelCounting?: boolean };
  if (proto.__laurelCounting) return;
  proto.__laurelCounting = true;
  const send = proto.send;
  proto.send = function (this: { middlewareStack: AnyStack }, ...args: unknown[]) {
    const stack = this.middlewareStack;
    if (!installed.has(stack)) {
      installed.add(stack);
      stack.add(
        (next, context) => async (args) => {
          const { clientName = '', commandName = '' } = context as { clientName?: string; commandName?: string };
          const service = serviceOf(clientName);
          const operation = operationOf(commandName);
          const input = args.input as Record<string, unknown>;
          const wantsCapacity = service === 'DynamoDB' && CAPACITY_OPERATIONS.has(operation);
          if (wantsCapacity && input.ReturnConsumedCapacity === undefined) input.ReturnConsumedCapacity = 'TOTAL';
          const call: AwsCall = {
            fn: currentInvocation.getStore()?.fn ?? '(outside)',
            service,
            operation,
            capacityUnits: 0,
            failed: false,
            entries: Array.isArray(input.Entries) ? input.Entries.length : 0,
          };
          calls.push(call);
          try {
            const result = await next(args);
            call.capacityUnits = capacityOf(result.output);
            return result;
          } catch (error) {
            call.failed = true;
            throw error;
          }
        },
        { step: 'initialize', name: 'laurelBenchAwsCallCounter', priority: 'high' },
      );
    }
    return send.apply(this, args);
  };
}
