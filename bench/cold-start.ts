import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { type BuildOptions, build } from 'esbuild';
import { bundlingAliases, LAMBDA_BUNDLING, LAMBDA_NODE_OPTIONS } from '#infra/constructs/bundling.ts';
import { localDynamoClient } from '#infra/local/dynamodb.ts';
import type { LambdaHandler } from '#infra/local/lambda.ts';
import { repoRoot } from '#infra/local/process.ts';
import { startLocalStack } from '#infra/local/stack.ts';
import { AppStore } from '#shared/adapters/app-store.dynamodb.ts';
import { AchievementEarnedV1 } from '#shared/events/achievement-earned.v1.ts';
import { type FunctionName, type FunctionSpec, functions, routes } from '#shared/routes/manifest.ts';
import { achievementEarned } from '#shared/testing/fixtures.ts';
import { median, round } from './lib/stats.ts';

/** A way of building and running the functions, compared in the report. */
interface Variant {
  name: string;
  description: string;
  external: string[];
  nodeOptions: string;
  /** Bundle-time stubs to leave out (packages of `LAMBDA_BUNDLING`'s aliases); none by default. */
  withoutStubs?: string[];
}

/** Variants that build the same bundle share it. */
const bundleKey = (variant: Variant, name: string) =>
  `${variant.external.join(',')}|${(variant.withoutStubs ?? []).join(',')}|${name}`;

export interface ColdStartRow {
  fn: string;
  variant: string;
  bundleBytes: number;
  sourceMapBytes: number;
  /** Node's own start-up, before the bundle is imported. */
  bootMs: number;
  importMs: number;
  /** Boot plus import: what Lambda reports as Init Duration (its runtime bootstrap aside). */
  initMs: number;
  /** CPU time (user + system, all threads) until the import finished: steadier than `initMs` on a loaded machine. */
  initCpuMs?: number;
  firstInvokeMs: number;
  /** What the invocation answered (HTTP status, batch failures), so an invocation that failed early is visible. */
  outcome: string;
  invocation: string;
  rssMb: number;
}

export interface ColdStartReport {
  reps: number;
  node: string;
  variants: Omit<Variant, 'external'>[];
  rows: ColdStartRow[];
  /** The deployed variant's figures in the report this run replaced (set by bench/run.ts). */
  previous?: { at: string; commit: string; rows: Pick<ColdStartRow, 'fn' | 'bundleBytes' | 'initMs' | 'initCpuMs'>[] };
}

/** The functions an award goes through, invoked for real and compared across variants. */
const PIPELINE: readonly string[] = ['award', 'notify', 'claim', 'verify'];

const VARIANTS: Variant[] = [
  {
    name: 'deployed',
    description:
      'LAMBDA_BUNDLING as CDK uses it: AWS SDK bundled, minified, source map, NODE_OPTIONS=--enable-source-maps',
    external: [],
    nodeOptions: LAMBDA_NODE_OPTIONS,
  },
  {
    name: 'no-source-maps',
    description: 'the same bundle without --enable-source-maps',
    external: [],
    nodeOptions: '',
  },
  {
    name: 'without-stubs',
    description:
      'the deployed bundle without the zod-locale, nodemailer and node:http stubs (the others stay): what they buy',
    external: [],
    nodeOptions: LAMBDA_NODE_OPTIONS,
    withoutStubs: ['zod', 'nodemailer', 'node:http', 'http'],
  },
  {
    name: 'sdk-external',
    description: "'@aws-sdk/*' left to the runtime (CDK's default without bundleAwsSDK), loaded from node_modules",
    external: ['@aws-sdk/*'],
    nodeOptions: LAMBDA_NODE_OPTIONS,
  },
];

/**
 * What the benchmark changes in `LAMBDA_BUNDLING`: nodemailer stays external (loaded from node_modules) instead of
 * stubbed, because the functions run here in local mode, which sends through SMTP to MailDev; in AWS they send through
 * SES. The SMTP mailer imports nodemailer on its first send, so neither the bundle (the stub is a few hundred bytes)
 * nor the init time differs from the deployed bundle's; only a local-mode first send loads it.
 */
const LOCAL_MODE_EXTERNALS = ['nodemailer'];

/** The esbuild options aws-cdk-lib/aws-lambda-nodejs derives from `LAMBDA_BUNDLING` for its esbuild command line. */
export const esbuildOptionsFor = (
  entry: string,
  outfile: string,
  external: string[],
  withoutStubs: string[] = [],
): BuildOptions => ({
  entryPoints: [join(repoRoot, entry)],
  bundle: true,
  target: LAMBDA_BUNDLING.target,
  platform: 'node',
  format: LAMBDA_BUNDLING.format,
  outfile,
  minify: LAMBDA_BUNDLING.minify,
  sourcemap: LAMBDA_BUNDLING.sourceMap,
  external: [...external, ...LOCAL_MODE_EXTERNALS.filter((pkg) => !withoutStubs.includes(pkg))],
  banner: { js: LAMBDA_BUNDLING.banner },
  mainFields: [...LAMBDA_BUNDLING.mainFields],
  alias: Object.fromEntries(
    Object.entries(bundlingAliases()).filter(
      ([pkg]) => !LOCAL_MODE_EXTERNALS.includes(pkg) && !withoutStubs.includes(pkg),
    ),
  ),
  absWorkingDir: repoRoot,
  logLevel: 'error',
});

const envelope = (source: string, detailType: string, detail: unknown) => ({
  version: '0',
  id: randomUUID(),
  'detail-type': detailType,
  source,
  account: '000000000000',
  time: `${new Date().toISOString().slice(0, 19)}Z`,
  region: 'us-east-1',
  resources: [],
  detail,
});

const sqsRecord = (name: string, body: string): SQSRecord => ({
  messageId: randomUUID(),
  receiptHandle: randomUUID(),
  body,
  attributes: {
    ApproximateReceiveCount: '1',
    SentTimestamp: String(Date.now()),
    SenderId: 'AIDAEVENTBRIDGE',
    ApproximateFirstReceiveTimestamp: String(Date.now()),
  },
  messageAttributes: {},
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: `arn:aws:sqs:us-east-1:000000000000:laurel-${name}`,
  awsRegion: 'us-east-1',
});

const httpEvent = (method: string, path: string, routePath: string, headers: Record<string, string> = {}) => {
  const names = [...routePath.matchAll(/\{(\w+)\+?\}/g)].map((m) => m[1] as string);
  const values = path.split('/');
  const pattern = routePath.split('/');
  const pathParameters = Object.fromEntries(
    names.map((n) => [n, decodeURIComponent(values[pattern.indexOf(`{${n}}`)] ?? '')]),
  );
  return {
    version: '2.0',
    routeKey: `${method} ${routePath}`,
    rawPath: path,
    rawQueryString: '',
    headers: { host: 'localhost', 'user-agent': 'laurel-bench', ...headers },
    ...(names.length ? { pathParameters } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'laurel-bench' },
      requestId: randomUUID(),
      routeKey: `${method} ${routePath}`,
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
    isBase64Encoded: false,
  };
};

const runChild = (bundle: string, eventFile: string, env: NodeJS.ProcessEnv): Promise<Record<string, unknown>> =>
  new Promise((resolve, reject) => {
    const node = join(repoRoot, 'node_modules/.bin/node');
    const child = spawn(node, [join(repoRoot, 'bench/cold-start-child.mjs'), bundle, eventFile], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      err += c.toString();
    });
    child.on('error', reject);
    child.on('close', () => {
      const line = out.split('\n').find((l) => l.startsWith('{"bootMs"'));
      if (line) resolve(JSON.parse(line) as Record<string, unknown>);
      else reject(new Error(`cold start of ${bundle} printed no result:\n${out.slice(-1000)}\n${err.slice(-2000)}`));
    });
  });

/**
 * Part 3: each manifest function bundled with esbuild exactly as CDK bundles it, then, per variant, `reps` fresh
 * Node 24 processes that import the bundle and invoke the handler once, against a local stack (in-memory DynamoDB
 * Local, MailDev, the local bus). The pipeline functions get the real thing in order (award issues, notify emails
 * that credential, claim opens its link, verify serves it); the others get a request they can answer cheaply.
 */
export async function benchColdStart(
  opts: { reps?: number; log?: (line: string) => void } = {},
): Promise<ColdStartReport> {
  const reps = opts.reps ?? 3;
  const log = opts.log ?? (() => {});
  const out = join(repoRoot, 'node_modules/.cache/laurel-bench/bundles');
  await rm(out, { recursive: true, force: true });

  // 1. Bundles, per variant that changes the bundle.
  const specs = Object.entries(functions) as [FunctionName, FunctionSpec][];
  const sizes = new Map<string, { bundle: string; bundleBytes: number; sourceMapBytes: number }>();
  for (const variant of VARIANTS) {
    for (const [name, spec] of specs) {
      if (variant.name !== 'deployed' && !PIPELINE.includes(name)) continue;
      const key = bundleKey(variant, name);
      if (sizes.has(key)) continue;
      const dir = join(out, variant.name, name);
      await mkdir(dir, { recursive: true });
      const outfile = join(dir, 'index.mjs');
      await build(esbuildOptionsFor(spec.entry, outfile, variant.external, variant.withoutStubs));
      sizes.set(key, {
        bundle: outfile,
        bundleBytes: (await stat(outfile)).size,
        sourceMapBytes: (await stat(`${outfile}.map`)).size,
      });
    }
  }
  log(`cold start: ${sizes.size} bundles built`);

  // 2. A local stack to invoke against; notify's queue only records what award publishes, for notify's own run.
  const published: SQSRecord[] = [];
  const recordNotify: LambdaHandler = async (event: never) => {
    published.push(...(event as SQSEvent).Records);
    return { batchItemFailures: [] };
  };
  const dataDir = await mkdtemp(join(tmpdir(), 'laurel-bench-cold-'));
  const stack = await startLocalStack({
    dataDir,
    quiet: true,
    dynamoInMemory: true,
    ports: { api: 0, bus: 0, smtp: 0, mailWeb: 0, dynamo: 0 },
    handlers: { notify: recordNotify },
    log: () => {},
  });
  const store = new AppStore(localDynamoClient(stack.urls.dynamo), stack.tables.app);
  const events = join(dataDir, 'events');
  await mkdir(events, { recursive: true });

  const rows: ColdStartRow[] = [];
  try {
    const samples = new Map<string, Record<string, unknown>[]>();
    const invocations = new Map<string, string>();
    const run = async (variant: Variant, name: FunctionName, event: unknown, invocation: string) => {
      const spec = functions[name] as FunctionSpec;
      const file = join(events, `${randomUUID()}.json`);
      await writeFile(file, JSON.stringify(event));
      const { bundle } = sizes.get(bundleKey(variant, name)) as { bundle: string };
      const result = await runChild(bundle, file, {
        ...process.env,
        AWS_LAMBDA_FUNCTION_NAME: `laurel-${name}`,
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(spec.memoryMb),
        AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
        NODE_OPTIONS: variant.nodeOptions,
        POWERTOOLS_LOG_LEVEL: 'SILENT',
        POWERTOOLS_DEV: 'false',
      });
      const key = `${variant.name}|${name}`;
      samples.set(key, [...(samples.get(key) ?? []), result]);
      invocations.set(key, invocation);
      return result;
    };

    for (let rep = 0; rep < reps; rep++) {
      for (const variant of VARIANTS) {
        // The pipeline, in order, on one fresh credential.
        const eventId = `bench-cold-${randomUUID()}`;
        const email = `cold-${randomUUID().slice(0, 8)}@example.edu`;
        const detail = achievementEarned({ eventId, learner: { email, name: 'Ada Lovelace' } });
        const body = JSON.stringify(envelope('demo.lms', AchievementEarnedV1.detailType, detail));
        const before = published.length;
        await run(
          variant,
          'award',
          { Records: [sqsRecord('award', body)] },
          'AchievementEarned (issues one credential)',
        );
        const credentialId = (await store.getEvent(eventId))?.credentialIds?.[0];
        const deadline = Date.now() + 10_000;
        while (published.length === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        const issued = published[published.length - 1];
        if (!credentialId || !issued || published.length === before) {
          throw new Error(`cold start: award issued nothing for ${eventId}`);
        }
        await run(variant, 'notify', { Records: [issued] }, 'CredentialIssued (sends the claim email)');
        const mail = (await stack.mail.client.list({ to: email }))[0];
        const token = `${mail?.text ?? ''} ${mail?.html ?? ''}`.match(/\/claim\/([A-Za-z0-9_-]{43})/)?.[1];
        if (!token) throw new Error('cold start: no claim link in the email');
        await run(
          variant,
          'claim',
          httpEvent('GET', `/claim/${token}`, '/claim/{token}', { accept: 'text/html' }),
          'GET /claim/{token}',
        );
        await run(
          variant,
          'verify',
          httpEvent('GET', `/credentials/${credentialId}`, '/credentials/{id}', { accept: 'application/ld+json' }),
          'GET /credentials/{id} (JSON-LD)',
        );

        // The rest: a cheap request of their kind (the comparison variants only for the pipeline's four).
        if (variant.name !== 'deployed') continue;
        for (const [name, spec] of specs) {
          if (PIPELINE.includes(name)) continue;
          const route = routes.find((r) => r.fn === name && r.method === 'GET') ?? routes.find((r) => r.fn === name);
          if (route) {
            const path = route.path.replace(/\{(\w+)\+?\}/g, 'bench-missing');
            await run(variant, name, httpEvent(route.method, path, route.path), `${route.method} ${route.path}`);
          } else if (spec.consumes?.[0]) {
            const { detailType } = spec.consumes[0];
            const unreadable = JSON.stringify(envelope('demo.lms', detailType, { version: 1 }));
            await run(variant, name, { Records: [sqsRecord(name, unreadable)] }, `${detailType} (invalid)`);
          } else {
            const scheduled = envelope('aws.events', 'Scheduled Event', {});
            await run(variant, name, scheduled, 'scheduled event');
          }
        }
      }
      log(`cold start: round ${rep + 1}/${reps} done`);
    }

    for (const variant of VARIANTS) {
      for (const [name] of specs) {
        const got = samples.get(`${variant.name}|${name}`) ?? [];
        if (got.length === 0) continue;
        const pick = (k: string) => median(got.map((s) => Number(s[k])));
        const size = sizes.get(bundleKey(variant, name)) as {
          bundleBytes: number;
          sourceMapBytes: number;
        };
        rows.push({
          fn: name,
          variant: variant.name,
          bundleBytes: size.bundleBytes,
          sourceMapBytes: size.sourceMapBytes,
          bootMs: round(pick('bootMs'), 1),
          importMs: round(pick('importMs'), 1),
          initMs: round(pick('bootMs') + pick('importMs'), 1),
          initCpuMs: round(pick('initCpuMs'), 1),
          firstInvokeMs: round(pick('invokeMs'), 1),
          outcome: String(got[got.length - 1]?.outcome),
          invocation: invocations.get(`${variant.name}|${name}`) ?? '',
          rssMb: round(pick('rssMb'), 0),
        });
      }
    }
  } finally {
    await stack.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
  const nodeVersion = (await readFile(join(repoRoot, 'node_modules/node/package.json'), 'utf8').then(JSON.parse)) as {
    version: string;
  };
  return {
    reps,
    node: nodeVersion.version,
    variants: VARIANTS.map(({ name, description, nodeOptions }) => ({ name, description, nodeOptions })),
    rows,
  };
}
