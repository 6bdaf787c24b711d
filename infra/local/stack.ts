import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createLocalJwtSigner } from '#shared/adapters/jwt-signer.local.ts';
import { ensureLocalUsers } from '#shared/adapters/local-users.ts';
import { createLocalOAuth, LOCAL_OAUTH_CLIENT_ID, localTokenIssuer } from '#shared/adapters/oauth.local.ts';
import { LOCAL_SESSION, loadLocalSessionKey, localSessionIssuer } from '#shared/adapters/session-key.local.ts';
import { createLocalSigner } from '#shared/adapters/signer.local.ts';
import { ENV, METRICS_NAMESPACE } from '#shared/env.ts';
import { type FunctionName, type FunctionSpec, functions, routes } from '#shared/routes/manifest.ts';
import { makeJwtAuthorizer } from '#shared/runtime/jwt-auth.ts';
import { type LocalApi, startApi } from './api.ts';
import { type BusConsumer, type LocalBus, settingsFromSpec, startBus } from './bus.ts';
import { DEFAULT_SENDER_ADDRESS, LOCAL_BUS_NAME, type LocalPorts, resolvePorts } from './config.ts';
import { createTables, LOCAL_TABLE_NAMES, type LocalDynamoDb, startDynamoDbLocal } from './dynamodb.ts';
import { invoke, type LambdaHandler, loadFunctions } from './lambda.ts';
import { type LocalMail, startMailDev } from './mail.ts';
import { makeTokenEndpoint } from './oauth.ts';
import { portOrFree } from './process.ts';
import type { QueueSettings } from './queue.ts';
import { type SeedResult, seedDemo } from './seed.ts';
import { localTls } from './tls.ts';

export interface LocalStackOptions {
  dataDir: string;
  /** Each port: this value, else its `LAUREL_*_PORT` variable, else DESIGN.md's default; 0 picks a free port. */
  ports?: Partial<LocalPorts>;
  /**
   * No progress or per-event lines (failures are still reported on stderr), and Powertools logs at WARN unless
   * `POWERTOOLS_LOG_LEVEL` says otherwise.
   */
  quiet?: boolean;
  /** Replaces manifest handlers (tests); the others are imported from their entries. */
  handlers?: Partial<Record<FunctionName, LambdaHandler>>;
  /**
   * Keep DynamoDB Local in memory rather than in `<dataDir>/dynamodb` (default: `LAUREL_DYNAMODB_IN_MEMORY=1`).
   * Writes are markedly faster, which matters to benchmarks; tables and items are then lost on stop.
   */
  dynamoInMemory?: boolean;
  /** Overrides for every queue (tests shorten the retry delay). */
  queueSettings?: Partial<QueueSettings>;
  /** Receives progress and failure lines instead of the console. */
  log?: (line: string) => void;
  /**
   * Scheduled functions (manifest `schedule`): run every `everyMinutes` by default; a number of milliseconds runs
   * them that often instead, `false` never by itself (tests call `runScheduled`).
   */
  scheduleIntervalMs?: number | false;
}

export interface LocalStack {
  dataDir: string;
  urls: { api: string; bus: string; mailWeb: string; smtp: string; dynamo: string };
  ports: LocalPorts;
  bus: LocalBus;
  mail: LocalMail;
  api: LocalApi;
  dynamo: LocalDynamoDb;
  tables: { app: string; idempotency: string };
  /** True when DynamoDB Local keeps nothing on disk. */
  dynamoInMemory: boolean;
  /** The API's self-signed certificate (PEM) and its file, for clients that should trust it. */
  tls: { cert: string; certFile: string };
  seed: SeedResult;
  /** The console's local users; with their passwords only on the run that created them (see <dataDir>/auth/). */
  consoleUsers: Awaited<ReturnType<typeof ensureLocalUsers>>;
  /** The VC-API's OAuth 2.0 client (client credentials) and where to get a token with it. */
  oauth: { tokenUrl: string; clientId: string; clientSecret: string };
  /** Invokes a scheduled function now, with the event its EventBridge schedule would send; resolves with its result. */
  runScheduled(name: FunctionName): Promise<unknown>;
  stop(): Promise<void>;
}

/**
 * The environment the handlers read at cold start, as CDK sets it on AWS, plus the endpoint overrides that point
 * the AWS SDK at the local parts. Credentials are forced to dummies and any profile or session dropped, so a local
 * handler that builds a client without an override fails instead of reaching a real AWS account.
 */
function localEnvironment(o: {
  dataDir: string;
  ports: LocalPorts;
  quiet: boolean;
}): Record<string, string | undefined> {
  return {
    [ENV.LAUREL_MODE]: 'local',
    [ENV.LAUREL_DATA_DIR]: o.dataDir,
    [ENV.APP_TABLE_NAME]: LOCAL_TABLE_NAMES.AppTable,
    [ENV.IDEMPOTENCY_TABLE_NAME]: LOCAL_TABLE_NAMES.IdempotencyTable,
    [ENV.EVENT_BUS_NAME]: LOCAL_BUS_NAME,
    [ENV.PUBLIC_BASE_URL]: `https://localhost:${o.ports.api}`,
    [ENV.VC_API_TOKEN_ISSUER]: localTokenIssuer(`https://localhost:${o.ports.api}`),
    [ENV.SENDER_ADDRESS]: process.env[ENV.SENDER_ADDRESS] || DEFAULT_SENDER_ADDRESS,
    // MailDev listens on IPv4 loopback only; naming the address avoids `localhost` resolving to ::1 first.
    [ENV.SMTP_HOST]: '127.0.0.1',
    [ENV.SMTP_PORT]: String(o.ports.smtp),
    AWS_ENDPOINT_URL_DYNAMODB: `http://localhost:${o.ports.dynamo}`,
    AWS_ENDPOINT_URL_EVENTBRIDGE: `http://localhost:${o.ports.bus}`,
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_SESSION_TOKEN: undefined,
    AWS_PROFILE: undefined,
    [ENV.POWERTOOLS_METRICS_NAMESPACE]: process.env[ENV.POWERTOOLS_METRICS_NAMESPACE] || METRICS_NAMESPACE,
    // Metrics would print an EMF blob per invocation; set POWERTOOLS_METRICS_DISABLED=false to see them.
    POWERTOOLS_METRICS_DISABLED: process.env.POWERTOOLS_METRICS_DISABLED || 'true',
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL || (o.quiet ? 'WARN' : undefined),
  };
}

/** The event an EventBridge schedule rule delivers to its target. */
const scheduledEvent = (name: string) => ({
  version: '0',
  id: randomUUID(),
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '000000000000',
  time: `${new Date().toISOString().slice(0, 19)}Z`,
  region: 'us-east-1',
  resources: [`arn:aws:events:us-east-1:000000000000:rule/laurel-${name}-schedule`],
  detail: {},
});

function applyEnvironment(env: Record<string, string | undefined>) {
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
}

/**
 * Starts local mode: DynamoDB Local and MailDev as child processes, tables and the demo seed, then the handlers of
 * the manifest behind the local bus (one queue per consumer, routed by its contract's pattern) and the local API
 * (every manifest route). Everything keeps its state under `dataDir`. `stop()` stops it all, children included.
 */
export async function startLocalStack(opts: LocalStackOptions): Promise<LocalStack> {
  const dataDir = resolve(opts.dataDir);
  const quiet = opts.quiet ?? false;
  const log = opts.log ?? (quiet ? undefined : (line: string) => console.log(line));
  // Failures are reported even when quiet: a test or benchmark that hits one needs the reason.
  const warn = opts.log ?? ((line: string) => console.error(line));
  const inMemory = opts.dynamoInMemory ?? ['1', 'true'].includes(process.env.LAUREL_DYNAMODB_IN_MEMORY ?? '');
  await mkdir(dataDir, { recursive: true });

  const wanted = resolvePorts(opts.ports);
  // The API and bus ports go into the environment before the handlers load, so "any free port" is settled here.
  const ports: LocalPorts = { ...wanted, api: await portOrFree(wanted.api), bus: await portOrFree(wanted.bus) };

  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    const pending = stops.splice(0).reverse();
    for (const stop of pending) await stop().catch((e: unknown) => warn(`stop: ${String(e)}`));
  };

  try {
    log?.('starting DynamoDB Local and MailDev...');
    const [dynamo, mail, tls] = await Promise.all([
      startDynamoDbLocal({ port: ports.dynamo, ...(inMemory ? {} : { path: join(dataDir, 'dynamodb') }) }).then((d) => {
        stops.push(d.stop);
        return d;
      }),
      startMailDev({ smtpPort: ports.smtp, webPort: ports.mailWeb, mailDirectory: join(dataDir, 'mail') }).then((m) => {
        stops.push(m.stop);
        return m;
      }),
      localTls(dataDir),
    ]);
    ports.dynamo = dynamo.port;
    ports.smtp = mail.smtpPort;
    ports.mailWeb = mail.webPort;

    await createTables(dynamo.client, LOCAL_TABLE_NAMES);
    applyEnvironment(localEnvironment({ dataDir, ports, quiet }));

    const publicBaseUrl = `https://localhost:${ports.api}`;
    const signer = createLocalSigner({ dataDir });
    const seed = await seedDemo({
      client: dynamo.client,
      tableName: LOCAL_TABLE_NAMES.AppTable,
      publicBaseUrl,
      publicKeyMultibase: (keyRef) => signer.publicKeyMultibase(keyRef),
      publicJwk: (keyRef) => createLocalJwtSigner({ dataDir }).publicJwk(keyRef),
      apiClientId: LOCAL_OAUTH_CLIENT_ID,
    });
    // Cognito's stand-in: the VC-API client's credentials and the token endpoint's key, in <dataDir>/oauth/.
    const oauth = createLocalOAuth({ dataDir });
    const [oauthClient] = (await oauth.clients()).filter((c) => c.clientId === LOCAL_OAUTH_CLIENT_ID);
    for (const w of seed.warnings) log?.(`seed: ${w}`);
    const consoleUsers = await ensureLocalUsers(dataDir);

    const fns = await loadFunctions(opts.handlers);
    const consumers: BusConsumer[] = [];
    for (const [name, spec] of Object.entries(functions) as [FunctionName, FunctionSpec][]) {
      if (!spec.consumes) continue;
      consumers.push({
        name,
        patterns: spec.consumes.map((contract) => contract.pattern),
        fn: fns[name],
        settings: settingsFromSpec(spec),
        ...(spec.bus ? { bus: spec.bus } : {}),
      });
    }
    const bus = await startBus({
      port: ports.bus,
      dataDir,
      consumers,
      busName: LOCAL_BUS_NAME,
      ...(opts.queueSettings ? { queueDefaults: opts.queueSettings } : {}),
      ...(log ? { log } : {}),
      warn,
    });
    stops.push(bus.stop);

    const api = await startApi({
      port: ports.api,
      tls,
      routes,
      functions: fns,
      warn,
      localRoutes: {
        'POST /oauth/token': makeTokenEndpoint({ oauth, issuer: localTokenIssuer(publicBaseUrl) }),
      },
      // The console's sign-in tokens, verified as API Gateway's JWT authorizer verifies Cognito's in AWS.
      authorizers: {
        admin: makeJwtAuthorizer({
          issuer: localSessionIssuer(publicBaseUrl),
          audience: [LOCAL_SESSION.audience],
          key: (await loadLocalSessionKey(dataDir)).publicKey,
          algorithms: [LOCAL_SESSION.algorithm],
        }),
      },
    });
    stops.push(api.stop);

    // Scheduled functions: what the EventBridge schedule rule does in AWS, on an interval here.
    const runScheduled = async (name: FunctionName) => {
      const spec = (functions as Record<FunctionName, FunctionSpec>)[name];
      if (!spec.schedule) throw new Error(`${name} has no schedule`);
      return invoke(fns[name], scheduledEvent(name));
    };
    for (const [name, spec] of Object.entries(functions) as [FunctionName, FunctionSpec][]) {
      if (!spec.schedule || opts.scheduleIntervalMs === false) continue;
      const every = opts.scheduleIntervalMs ?? spec.schedule.everyMinutes * 60_000;
      let running = false;
      const timer = setInterval(() => {
        if (running) return; // as with a reserved concurrency of one: never two runs at once
        running = true;
        runScheduled(name)
          .catch((error: unknown) => warn(`schedule: ${name} failed: ${String(error)}`))
          .finally(() => {
            running = false;
          });
      }, every);
      timer.unref();
      stops.push(async () => clearInterval(timer));
      log?.(`schedule: ${name} every ${Math.round(every / 1000)} s`);
    }

    return {
      dataDir,
      urls: {
        api: api.url,
        bus: bus.url,
        mailWeb: mail.webUrl,
        smtp: `smtp://localhost:${mail.smtpPort}`,
        dynamo: dynamo.endpoint,
      },
      ports,
      bus,
      mail,
      api,
      dynamo,
      tables: { app: LOCAL_TABLE_NAMES.AppTable, idempotency: LOCAL_TABLE_NAMES.IdempotencyTable },
      dynamoInMemory: inMemory,
      tls: { cert: tls.cert, certFile: tls.certFile },
      seed,
      consoleUsers,
      oauth: {
        tokenUrl: `${localTokenIssuer(api.url)}/token`,
        clientId: oauthClient?.clientId ?? LOCAL_OAUTH_CLIENT_ID,
        clientSecret: oauthClient?.clientSecret ?? '',
      },
      runScheduled,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
