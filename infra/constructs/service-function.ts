import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as ses from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import { ENV, METRICS_NAMESPACE } from '#shared/env.ts';
import type { FunctionSpec, Need } from '#shared/routes/manifest.ts';
import { appTable, STATUS_LIST_KEY_PREFIX } from '#shared/tables/app-table.ts';
import { LAMBDA_BUNDLING, LAMBDA_NODE_OPTIONS } from './bundling.ts';

/** Repository root: manifest entries are relative to it, and esbuild resolves `#shared/*` imports from its package.json. */
const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Item reads, including the condition checks inside write transactions. */
const TABLE_READ_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:Scan',
  'dynamodb:ConditionCheckItem',
];
const INDEX_READ_ACTIONS = ['dynamodb:Query', 'dynamodb:Scan'];
/** Item writes; `TransactWriteItems` is authorised per contained action. */
const TABLE_WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
];

/** How a function sends email: the verified identity, the configuration set, and the only `From` it may use. */
export interface MailResources {
  identity: ses.IEmailIdentity;
  configurationSet: ses.IConfigurationSet;
  senderAddress: string;
}

export interface ConsoleAuthResources {
  clientId: string;
  tokenIssuer: string;
  hostedUiBaseUrl: string;
}

/** The stateful resources a manifest `need` can refer to. */
export interface NeedResources {
  appTable: dynamodb.ITable;
  idempotencyTable: dynamodb.ITable;
  bus: events.IEventBus;
  /** The newest Ed25519 credential-signing key (what `SIGNING_KEY_ID` names). */
  signingKey: kms.IKey;
  /** Every generation of Ed25519 signing keys, oldest first (issuers move to a new one with `issuer rotate-key`). */
  signingKeys?: readonly kms.IKey[];
  /** Every generation of RSA keys for the VC-JWT form, oldest first; the last is `JWT_SIGNING_KEY_ID`. */
  jwtSigningKeys?: readonly kms.IKey[];
  /** The OAuth 2.0 issuer of VC-API access tokens (the Cognito user pool's provider URL). */
  vcApiTokenIssuer?: string;
  /** The console's sign-in: its app client, the pool's issuer URL and the hosted UI's base URL. */
  consoleAuth?: ConsoleAuthResources;
  claimKey: kms.IKey;
  mail: MailResources;
}

export interface ServiceFunctionProps {
  /** Manifest name (`award`, `claim`, ...): the Powertools service name in every log line and metric. */
  name: string;
  /** The manifest entry: handler file, memory and timeout. Its `needs` are applied with {@link ServiceFunction.bindNeeds}. */
  spec: FunctionSpec;
  /** `https://<domain>`: every URL the function mints (credential ids, claim links, did:web) starts with it. */
  publicBaseUrl: string;
  /**
   * How long the function's logs are kept.
   * @default RetentionDays.THREE_MONTHS
   */
  logRetention?: logs.RetentionDays;
}

/**
 * A Laurel Lambda function with the house defaults (Node.js 24 on arm64, ESM bundle with source maps, active tracing,
 * its own log group and role), and `bind*` helpers that set an env var and grant the least IAM in one call, so a
 * permission never exists without the setting that uses it, nor the other way round.
 */
export class ServiceFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  readonly name: string;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    super(scope, id);
    this.name = props.name;

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
    });

    // Our own role instead of the default one, which carries the AWSLambdaBasicExecutionRole managed policy
    // (logs:* on every log group); this one may write to its own log group only.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Laurel ${props.name} function`,
    });
    this.logGroup.grantWrite(this.role);

    this.fn = new NodejsFunction(this, 'Function', {
      entry: join(REPO_ROOT, props.spec.entry),
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.spec.memoryMb,
      timeout: Duration.seconds(props.spec.timeoutSeconds),
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      tracing: lambda.Tracing.ACTIVE,
      environment: {
        [ENV.POWERTOOLS_SERVICE_NAME]: props.name,
        [ENV.POWERTOOLS_METRICS_NAMESPACE]: METRICS_NAMESPACE,
        [ENV.PUBLIC_BASE_URL]: props.publicBaseUrl,
        NODE_OPTIONS: LAMBDA_NODE_OPTIONS,
      },
      bundling: {
        ...LAMBDA_BUNDLING,
        mainFields: [...LAMBDA_BUNDLING.mainFields],
        esbuildArgs: { '--alias': [...LAMBDA_BUNDLING.esbuildArgs['--alias']] },
      },
    });

    // X-Ray has no resource-level permissions; this is the only `*` the role holds.
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions.',
    });
  }

  /**
   * Read or write the app table (`APP_TABLE_NAME`). Written out rather than `grantReadData`/`grantWriteData`: those
   * grant `<table>/index/*` and stream reads; this grants the table, and queries on the indexes the shared table
   * definition names, nothing else.
   */
  bindAppTable(table: dynamodb.ITable, access: 'read' | 'write'): this {
    this.fn.addEnvironment(ENV.APP_TABLE_NAME, table.tableName);
    if (access === 'read') {
      iam.Grant.addToPrincipal({ grantee: this.role, actions: TABLE_READ_ACTIONS, resourceArns: [table.tableArn] });
      const indexArns = (appTable.indexes ?? []).map((i) => `${table.tableArn}/index/${i.name}`);
      if (indexArns.length > 0) {
        iam.Grant.addToPrincipal({ grantee: this.role, actions: INDEX_READ_ACTIONS, resourceArns: indexArns });
      }
    } else {
      iam.Grant.addToPrincipal({ grantee: this.role, actions: TABLE_WRITE_ACTIONS, resourceArns: [table.tableArn] });
    }
    return this;
  }

  /**
   * Put and update status list items of the app table, and no other item: IAM's `dynamodb:LeadingKeys` condition
   * limits the partition keys to `STATUSLIST#…`. For the public function that caches signed status lists.
   */
  bindStatusListWrites(table: dynamodb.ITable): this {
    this.fn.addEnvironment(ENV.APP_TABLE_NAME, table.tableName);
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
        resources: [table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${STATUS_LIST_KEY_PREFIX}*`] } },
      }),
    );
    return this;
  }

  /** Powertools idempotency store: its records are read, written and deleted, so read-write. */
  bindIdempotencyTable(table: dynamodb.ITable): this {
    this.fn.addEnvironment(ENV.IDEMPOTENCY_TABLE_NAME, table.tableName);
    table.grantReadWriteData(this.role);
    return this;
  }

  /** `events:PutEvents` on this bus only. */
  bindEventBus(bus: events.IEventBus): this {
    this.fn.addEnvironment(ENV.EVENT_BUS_NAME, bus.eventBusName);
    bus.grantPutEventsTo(this.role);
    return this;
  }

  /**
   * `kms:Sign` on the credential key and nothing more: the public key is read once when an issuer is seeded and
   * stored on its record, so the function never needs `kms:GetPublicKey` (or anything else) on it.
   */
  bindSigningKey(key: kms.IKey, generations: readonly kms.IKey[] = [key]): this {
    this.fn.addEnvironment(ENV.SIGNING_KEY_ID, key.keyArn);
    // Each issuer names its own key generation, so every generation may sign until the operator rotates off it.
    for (const k of new Set([...generations, key])) k.grantSign(this.role);
    return this;
  }

  /**
   * `kms:GetPublicKey` on the newest signing key, never `kms:Sign`: the console reads the public half once, to
   * publish it in a new issuer's DID document.
   */
  bindSigningKeyPublic(key: kms.IKey): this {
    this.fn.addEnvironment(ENV.SIGNING_KEY_ID, key.keyArn);
    iam.Grant.addToPrincipal({ grantee: this.role, actions: ['kms:GetPublicKey'], resourceArns: [key.keyArn] });
    return this;
  }

  /**
   * `kms:Sign` on the RSA keys of the VC-JWT form and nothing more (their public halves are stored on the issuer
   * record at rotation, so no `kms:GetPublicKey`). For the verify function, which signs that form on demand.
   */
  bindJwtSigningKeys(keys: readonly kms.IKey[]): this {
    const newest = keys.at(-1);
    if (!newest) throw new Error('jwt-key:sign needs at least one RSA key');
    this.fn.addEnvironment(ENV.JWT_SIGNING_KEY_ID, newest.keyArn);
    for (const k of keys) k.grantSign(this.role);
    return this;
  }

  /** Where VC-API access tokens come from (`VC_API_TOKEN_ISSUER`): verified against that issuer's public JWKS, no IAM. */
  bindVcApiTokenIssuer(issuer: string): this {
    this.fn.addEnvironment(ENV.VC_API_TOKEN_ISSUER, issuer);
    return this;
  }

  /**
   * The console's Cognito sign-in (`CONSOLE_*`): a public app client (no secret), tokens verified against the pool's
   * public JWKS, the code traded at the hosted UI's token endpoint. Nothing here needs IAM.
   */
  bindConsoleAuth(auth: ConsoleAuthResources): this {
    this.fn.addEnvironment(ENV.CONSOLE_CLIENT_ID, auth.clientId);
    this.fn.addEnvironment(ENV.CONSOLE_TOKEN_ISSUER, auth.tokenIssuer);
    this.fn.addEnvironment(ENV.CONSOLE_AUTH_DOMAIN, auth.hostedUiBaseUrl);
    return this;
  }

  /** `kms:GenerateMac` on the claim-token key only; tokens are compared by hash, so no `kms:VerifyMac`. */
  bindClaimKey(key: kms.IKey): this {
    this.fn.addEnvironment(ENV.CLAIM_KEY_ID, key.keyArn);
    key.grantGenerateMac(this.role);
    return this;
  }

  /** SES v2 `SendEmail` through this identity and configuration set, and only from the configured sender address. */
  bindMailer(mail: MailResources): this {
    this.fn.addEnvironment(ENV.SENDER_ADDRESS, mail.senderAddress);
    this.fn.addEnvironment(ENV.SES_CONFIGURATION_SET, mail.configurationSet.configurationSetName);
    const configurationSetArn = Stack.of(this).formatArn({
      service: 'ses',
      resource: 'configuration-set',
      resourceName: mail.configurationSet.configurationSetName,
    });
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['ses:SendEmail'],
        // SES authorises a send against both the identity and the configuration set it goes through.
        resources: [mail.identity.emailIdentityArn, configurationSetArn],
        conditions: { StringEquals: { 'ses:FromAddress': mail.senderAddress } },
      }),
    );
    return this;
  }

  /** Applies the manifest's `needs`: each one is a single `bind*` call, so the manifest is the whole permission list. */
  bindNeeds(needs: readonly Need[], resources: NeedResources): this {
    for (const need of needs) {
      switch (need) {
        case 'app-table:read':
          this.bindAppTable(resources.appTable, 'read');
          break;
        case 'app-table:write':
          this.bindAppTable(resources.appTable, 'write');
          break;
        case 'idempotency-table':
          this.bindIdempotencyTable(resources.idempotencyTable);
          break;
        case 'bus:publish':
          this.bindEventBus(resources.bus);
          break;
        case 'signing-key:sign':
          this.bindSigningKey(resources.signingKey, resources.signingKeys);
          break;
        case 'signing-key:public':
          this.bindSigningKeyPublic(resources.signingKey);
          break;
        case 'jwt-key:sign':
          this.bindJwtSigningKeys(resources.jwtSigningKeys ?? []);
          break;
        case 'vc-api:tokens':
          if (!resources.vcApiTokenIssuer) throw new Error('vc-api:tokens needs the VC-API token issuer');
          this.bindVcApiTokenIssuer(resources.vcApiTokenIssuer);
          break;
        case 'console-auth':
          if (!resources.consoleAuth) throw new Error('console-auth needs the console app client and hosted UI');
          this.bindConsoleAuth(resources.consoleAuth);
          break;
        case 'claim-key:mac':
          this.bindClaimKey(resources.claimKey);
          break;
        case 'status-lists:write':
          this.bindStatusListWrites(resources.appTable);
          break;
        case 'ses:send':
          this.bindMailer(resources.mail);
          break;
        default: {
          const unhandled: never = need;
          throw new Error(`no binding for need "${String(unhandled)}"`);
        }
      }
    }
    return this;
  }
}
