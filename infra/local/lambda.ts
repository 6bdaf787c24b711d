import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { type FunctionName, type FunctionSpec, functions } from '#shared/routes/manifest.ts';
import { repoRoot } from './process.ts';

/** A Lambda handler as the runner calls it: async, event and context in, result out. */
export type LambdaHandler = (event: never, context: Context) => unknown;

/** What the runner needs to invoke one function the way Lambda would. */
export interface LocalFunction {
  name: string;
  handler: LambdaHandler;
  timeoutSeconds: number;
  memoryMb: number;
}

const REGION = 'us-east-1';
const ACCOUNT = '000000000000';

/** A Lambda context with the fields Powertools and middy read; `getRemainingTimeInMillis` follows the deadline. */
export function lambdaContext(fn: Pick<LocalFunction, 'name' | 'memoryMb'>, deadline: number): Context {
  const functionName = `laurel-${fn.name}`;
  const unsupported = () => {
    throw new Error('callback-style completion is not supported; return a promise');
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${functionName}`,
    memoryLimitInMB: String(fn.memoryMb),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/[$LATEST]${randomUUID().replaceAll('-', '')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}

export class FunctionTimeoutError extends Error {
  constructor(fn: string, seconds: number) {
    super(`${fn}: Task timed out after ${seconds.toFixed(2)} seconds`);
    this.name = 'FunctionTimeoutError';
  }
}

/**
 * The function an invocation belongs to, for whatever runs inside it: all functions share one process here, so a
 * benchmark that counts AWS calls per function (bench/lib/aws-calls.ts) asks this.
 */
export const currentInvocation = new AsyncLocalStorage<{ fn: string }>();

/**
 * Invokes a function with its configured timeout. Lambda would freeze a function that runs over; here the stray
 * promise cannot be stopped, but the invocation counts as failed, exactly as the caller (queue or API) sees it on AWS.
 */
export async function invoke(fn: LocalFunction, event: unknown): Promise<unknown> {
  const timeoutMs = fn.timeoutSeconds * 1000;
  const context = lambdaContext(fn, Date.now() + timeoutMs);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new FunctionTimeoutError(context.functionName, fn.timeoutSeconds)), timeoutMs);
  });
  try {
    const run = () => currentInvocation.run({ fn: fn.name }, () => fn.handler(event as never, context));
    return await Promise.race([Promise.resolve().then(run), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Imports one entry with the variables Lambda sets per function. All functions share this process, so they are set
 * only while the module (and its cold-start wiring) evaluates: Powertools idempotency, for one, prefixes its keys
 * with `AWS_LAMBDA_FUNCTION_NAME` read at construction, which keeps award's and notify's records apart as on AWS.
 */
async function importAs(name: string, spec: FunctionSpec, file: string): Promise<{ handler?: LambdaHandler }> {
  const perFunction = {
    AWS_LAMBDA_FUNCTION_NAME: `laurel-${name}`,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(spec.memoryMb),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
  };
  const saved = Object.fromEntries(Object.keys(perFunction).map((k) => [k, process.env[k]]));
  Object.assign(process.env, perFunction);
  try {
    return (await import(pathToFileURL(file).href)) as { handler?: LambdaHandler };
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/**
 * Imports each manifest function's entry and returns its `handler`, keyed by function name. Callers set the
 * environment first: the services read their configuration once, at import time, as on a Lambda cold start.
 * `overrides` replaces handlers (tests); an entry that does not exist yet is an error naming it.
 */
export async function loadFunctions(
  overrides: Partial<Record<FunctionName, LambdaHandler>> = {},
  specs: Record<FunctionName, FunctionSpec> = functions,
): Promise<Record<FunctionName, LocalFunction>> {
  const loaded = {} as Record<FunctionName, LocalFunction>;
  const missing: string[] = [];
  for (const [name, spec] of Object.entries(specs) as [FunctionName, FunctionSpec][]) {
    let handler = overrides[name];
    if (!handler) {
      const file = join(repoRoot, spec.entry);
      if (!existsSync(file)) {
        missing.push(`${name}: ${spec.entry}`);
        continue;
      }
      const mod = await importAs(name, spec, file);
      if (typeof mod.handler !== 'function') throw new Error(`${spec.entry} does not export a handler function`);
      handler = mod.handler;
    }
    loaded[name] = { name, handler, timeoutSeconds: spec.timeoutSeconds, memoryMb: spec.memoryMb };
  }
  if (missing.length > 0) throw new Error(`handler entries not found:\n  ${missing.join('\n  ')}`);
  return loaded;
}
