// One cold start, in a fresh Node process: import a function's bundle, invoke its handler once with the event in the
// given file, print the timings as one JSON line. Plain JavaScript, so nothing but the bundle is loaded.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const [bundle, eventFile] = process.argv.slice(2);
const event = JSON.parse(readFileSync(eventFile, 'utf8'));
const functionName = process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'laurel-bench';
const deadline = Date.now() + 30_000;
const context = {
  callbackWaitsForEmptyEventLoop: true,
  functionName,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
  memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? '1024',
  awsRequestId: crypto.randomUUID(),
  logGroupName: `/aws/lambda/${functionName}`,
  logStreamName: 'bench',
  getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
};

// performance.now() counts from the start of the process: what Node's own startup took.
const bootMs = performance.now();
const mod = await import(pathToFileURL(bundle).href);
const importedAt = performance.now();
// CPU time of start-up and import (all threads): less sensitive than wall time to other work on a shared machine.
const initCpu = process.cpuUsage();
let outcome = 'ok';
try {
  const result = await mod.handler(event, context);
  if (result && typeof result === 'object' && 'statusCode' in result) outcome = `HTTP ${result.statusCode}`;
  else if (result?.batchItemFailures?.length) outcome = `${result.batchItemFailures.length} batch item failure(s)`;
} catch (error) {
  outcome = `threw: ${error instanceof Error ? error.message : String(error)}`.slice(0, 200);
}
const invokedAt = performance.now();
process.stdout.write(
  `${JSON.stringify({
    bootMs,
    importMs: importedAt - bootMs,
    initCpuMs: (initCpu.user + initCpu.system) / 1000,
    invokeMs: invokedAt - importedAt,
    outcome,
    rssMb: process.memoryUsage.rss() / 2 ** 20,
  })}\n`,
);
// Keep-alive sockets of the SDK clients would hold the process open; Lambda would freeze it here anyway.
process.exit(0);
