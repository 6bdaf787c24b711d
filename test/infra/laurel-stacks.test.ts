import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, type CfnElement, type Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '#infra/stacks/config.ts';
import { addLaurelStacks, type LaurelStacks } from '#infra/stacks/laurel.ts';
import { ENV, LAUREL_EVENT_SOURCE } from '#shared/env.ts';
import { type FunctionName, functions, type Need, routeKey, routes } from '#shared/routes/manifest.ts';
import { VC_API_ISSUE_SCOPE, VC_API_RESOURCE_SERVER } from '#shared/runtime/access-token.ts';
import { appTable, STATUS_LIST_KEY_PREFIX, tables } from '#shared/tables/app-table.ts';

// One synth for the whole file: it bundles every function with esbuild, which is the slow part.
const DOMAIN = 'badges.test.example';
const SENDER = 'badges@test.example';

type Resource = { Type: string; Properties?: Record<string, unknown>; DeletionPolicy?: string };
type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };

let outdir: string;
let stacks: LaurelStacks;
let stateful: Template;
let services: Template;
let observability: Template;
let nagViolations: { ruleName: string; violatingResources: { constructPath: string }[] }[];
let missingContext: unknown;

beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'laurel-cdk-'));
  const app = new App({
    outdir,
    context: { domain: DOMAIN, senderAddress: SENDER, adminEmails: 'ops@test.example, dean@test.example' },
  });
  stacks = addLaurelStacks(app, readConfig(app));
  const assembly = app.synth();
  missingContext = assembly.manifest.missing;
  stateful = Template.fromStack(stacks.stateful);
  services = Template.fromStack(stacks.services);
  observability = Template.fromStack(stacks.observability);
  // cdk-nag 3 is a policy-validation plugin (no annotations): run its pack over the synthesized tree directly.
  nagViolations = new AwsSolutionsChecks(app).validateScope(app).violations as typeof nagViolations;
});

afterAll(() => {
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

// ---- helpers ------------------------------------------------------------------------------------------------------

const logicalId = (construct: IConstruct): string => {
  const child = construct.node.defaultChild as CfnElement | undefined;
  if (!child) throw new Error(`${construct.node.path} has no CloudFormation resource`);
  return (child.stack as Stack).getLogicalId(child);
};

const resourcesOf = (template: Template, type: string): [string, Resource][] =>
  Object.entries(template.findResources(type) as Record<string, Resource>);

const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Every statement a role holds: its inline policies and every AWS::IAM::Policy attached to it. */
const statementsOfRole = (template: Template, roleId: string): Statement[] => {
  const role = template.toJSON().Resources[roleId] as Resource;
  const inline = asArray(role.Properties?.Policies as { PolicyDocument: { Statement: Statement[] } }[]).flatMap(
    (p) => p.PolicyDocument.Statement,
  );
  const attached = resourcesOf(template, 'AWS::IAM::Policy')
    .filter(([, p]) => JSON.stringify(p.Properties?.Roles).includes(`"${roleId}"`))
    .flatMap(([, p]) => (p.Properties?.PolicyDocument as { Statement: Statement[] } | undefined)?.Statement ?? []);
  return [...inline, ...attached];
};

const fnStatements = (name: FunctionName) =>
  statementsOfRole(services, logicalId(stacks.services.functions[name].role)).filter((s) => s.Effect === 'Allow');

const actions = (statements: Statement[]) => statements.flatMap((s) => asArray(s.Action));

/** Statements whose resources name the construct (by logical id, also inside a cross-stack import). */
const statementsOn = (statements: Statement[], construct: IConstruct) => {
  const id = logicalId(construct);
  return statements.filter((s) => asArray(s.Resource).some((r) => JSON.stringify(r).includes(id)));
};

const consumers = (Object.entries(functions) as [FunctionName, (typeof functions)[FunctionName]][]).filter(
  (entry): entry is [FunctionName, Extract<(typeof functions)[FunctionName], { consumes: unknown }>] =>
    'consumes' in entry[1],
);

const getAttId = (v: unknown): string | undefined =>
  (v as { 'Fn::GetAtt'?: [string, string] } | undefined)?.['Fn::GetAtt']?.[0];

/** The logical id of the queue a consumer's event source mapping reads. */
const queueOf = (name: FunctionName): string | undefined => {
  const fnRef = JSON.stringify({ Ref: logicalId(stacks.services.functions[name].fn) });
  const [, mapping] =
    resourcesOf(services, 'AWS::Lambda::EventSourceMapping').find(
      ([, m]) => JSON.stringify(m.Properties?.FunctionName) === fnRef,
    ) ?? [];
  return getAttId(mapping?.Properties?.EventSourceArn);
};

/** The event rules with the queue as a target. */
const rulesTargeting = (queueId: string | undefined): Resource[] =>
  resourcesOf(services, 'AWS::Events::Rule')
    .filter(([, r]) => asArray(r.Properties?.Targets as { Arn: unknown }[]).some((t) => getAttId(t.Arn) === queueId))
    .map(([, r]) => r);

// ---- tests --------------------------------------------------------------------------------------------------------

describe('LaurelStateful', () => {
  it('creates every shared table on demand, with point-in-time recovery, encryption and the defined TTL', () => {
    const created = resourcesOf(stateful, 'AWS::DynamoDB::Table');
    expect(created).toHaveLength(tables.length);
    for (const def of tables) {
      const [, table] = created.find(([id]) => id.startsWith(def.id)) ?? [];
      expect(table?.Properties).toMatchObject({
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
        TimeToLiveSpecification: { AttributeName: def.timeToLiveAttribute, Enabled: true },
      });
    }
  });

  it("keeps the app table, and gives it the definition's keys and indexes", () => {
    const [, table] = resourcesOf(stateful, 'AWS::DynamoDB::Table').find(([id]) => id.startsWith(appTable.id)) ?? [];
    expect(table?.DeletionPolicy).toBe('Retain');
    expect(table?.Properties?.KeySchema).toEqual([
      { AttributeName: appTable.partitionKey.name, KeyType: 'HASH' },
      { AttributeName: appTable.sortKey.name, KeyType: 'RANGE' },
    ]);
    const indexes = table?.Properties?.GlobalSecondaryIndexes as { IndexName: string }[];
    expect(indexes.map((i) => i.IndexName)).toEqual(appTable.indexes.map((i) => i.name));
  });

  it('holds an RSA 2048 key for the VC-JWT form, retained', () => {
    const [jwtKey] = stacks.stateful.jwtSigningKeys;
    if (!jwtKey) throw new Error('no RSA key');
    const key = resourcesOf(stateful, 'AWS::KMS::Key').find(([id]) => id === logicalId(jwtKey))?.[1];
    expect(key?.Properties).toMatchObject({ KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' });
    expect(key?.DeletionPolicy).toBe('Retain');
  });

  it('issues VC-API tokens with client credentials only, for the issue scope', () => {
    stateful.hasResourceProperties('AWS::Cognito::UserPoolResourceServer', {
      Identifier: VC_API_RESOURCE_SERVER.identifier,
      Scopes: [{ ScopeName: VC_API_RESOURCE_SERVER.scope, ScopeDescription: Match.anyValue() }],
    });
    // The console's own client (a user sign-in client) is checked below.
    const clients = resourcesOf(stateful, 'AWS::Cognito::UserPoolClient').filter(
      ([, c]) => c.Properties?.ClientName !== 'laurel-console',
    );
    expect(clients).toHaveLength(1);
    expect(clients[0]?.[1].Properties).toMatchObject({
      GenerateSecret: true,
      AllowedOAuthFlows: ['client_credentials'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: [VC_API_ISSUE_SCOPE],
    });
    stateful.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      MfaConfiguration: 'ON',
    });
    expect(resourcesOf(stateful, 'AWS::Cognito::UserPool')[0]?.[1].DeletionPolicy).toBe('Retain');
  });

  it("creates the console's groups, the users named in context, and its app client (code flow with PKCE, no secret)", () => {
    const groups = resourcesOf(stateful, 'AWS::Cognito::UserPoolGroup').map(([, g]) => g.Properties?.GroupName);
    expect(groups.sort()).toEqual(['admin', 'reviewer', 'viewer']);
    const users = resourcesOf(stateful, 'AWS::Cognito::UserPoolUser').map(([, u]) => u.Properties?.Username);
    expect(users.sort()).toEqual(['dean@test.example', 'ops@test.example']);
    const memberships = resourcesOf(stateful, 'AWS::Cognito::UserPoolUserToGroupAttachment').map(
      ([, m]) => `${m.Properties?.Username} ${m.Properties?.GroupName}`,
    );
    expect(memberships.sort()).toEqual(['dean@test.example admin', 'ops@test.example admin']);
    stateful.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      ClientName: 'laurel-console',
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      CallbackURLs: [`https://${DOMAIN}/admin/callback`],
    });
  });

  it('holds an Ed25519 signing key and an HMAC claim key, both retained', () => {
    const keys = resourcesOf(stateful, 'AWS::KMS::Key');
    const signing = keys.find(([id]) => id === logicalId(stacks.stateful.signingKey))?.[1];
    const claim = keys.find(([id]) => id === logicalId(stacks.stateful.claimKey))?.[1];
    expect(signing?.Properties).toMatchObject({ KeySpec: 'ECC_NIST_EDWARDS25519', KeyUsage: 'SIGN_VERIFY' });
    expect(claim?.Properties).toMatchObject({ KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' });
    expect([signing?.DeletionPolicy, claim?.DeletionPolicy]).toEqual(['Retain', 'Retain']);
  });

  it("has the bus and registers the sender's domain with SES", () => {
    stateful.hasResourceProperties('AWS::Events::EventBus', { Name: 'laurel' });
    stateful.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'test.example' });
  });
});

describe('LaurelServices', () => {
  it('runs every manifest function, and nothing else, on nodejs24.x arm64', () => {
    const all = [stateful, services, observability].flatMap((t) => resourcesOf(t, 'AWS::Lambda::Function'));
    expect(all).toHaveLength(Object.keys(functions).length);
    for (const [, fn] of all) {
      expect(fn.Properties).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'] });
    }
  });

  it('sets exactly the environment each function needs, under the shared names', () => {
    const envFor: Record<Need, string[]> = {
      'app-table:read': [ENV.APP_TABLE_NAME],
      'app-table:write': [ENV.APP_TABLE_NAME],
      'idempotency-table': [ENV.IDEMPOTENCY_TABLE_NAME],
      'bus:publish': [ENV.EVENT_BUS_NAME],
      'signing-key:sign': [ENV.SIGNING_KEY_ID],
      'signing-key:public': [ENV.SIGNING_KEY_ID],
      'jwt-key:sign': [ENV.JWT_SIGNING_KEY_ID],
      'vc-api:tokens': [ENV.VC_API_TOKEN_ISSUER],
      'console-auth': [ENV.CONSOLE_CLIENT_ID, ENV.CONSOLE_TOKEN_ISSUER, ENV.CONSOLE_AUTH_DOMAIN],
      'claim-key:mac': [ENV.CLAIM_KEY_ID],
      'status-lists:write': [ENV.APP_TABLE_NAME],
      'ses:send': [ENV.SENDER_ADDRESS, ENV.SES_CONFIGURATION_SET],
    };
    const always = [ENV.POWERTOOLS_SERVICE_NAME, ENV.POWERTOOLS_METRICS_NAMESPACE, ENV.PUBLIC_BASE_URL, 'NODE_OPTIONS'];
    for (const [name, spec] of Object.entries(functions) as [FunctionName, (typeof functions)[FunctionName]][]) {
      const fn = services.toJSON().Resources[logicalId(stacks.services.functions[name].fn)] as Resource;
      const env = (fn.Properties?.Environment as { Variables: Record<string, unknown> } | undefined)?.Variables ?? {};
      const expected = new Set([...always, ...spec.needs.flatMap((n: Need) => envFor[n])]);
      expect(Object.keys(env).sort(), name).toEqual([...expected].sort());
      expect(env[ENV.PUBLIC_BASE_URL]).toBe(`https://${DOMAIN}`);
      expect(env[ENV.POWERTOOLS_SERVICE_NAME]).toBe(name);
    }
  });

  it('routes each consumed contract to its consumer with exactly the contract pattern, one rule per contract', () => {
    const eventRules = resourcesOf(services, 'AWS::Events::Rule').filter(([, r]) => r.Properties?.EventPattern);
    expect(eventRules).toHaveLength(consumers.reduce((n, [, spec]) => n + spec.consumes.length, 0));
    const sorted = (patterns: unknown[]) => patterns.map((p) => JSON.stringify(p)).sort();
    for (const [name, spec] of consumers) {
      const queueId = queueOf(name);
      const rules = rulesTargeting(queueId);
      expect(queueId, `${name} has an SQS event source`).toBeDefined();
      expect(sorted(rules.map((r) => r.Properties?.EventPattern)), name).toEqual(
        sorted(spec.consumes.map((c) => c.pattern)),
      );
      for (const rule of rules) {
        if ('bus' in spec && spec.bus === 'default') expect(rule.Properties?.EventBusName, name).toBe('default');
        else expect(JSON.stringify(rule.Properties?.EventBusName)).toContain(logicalId(stacks.stateful.bus));
        const targets = asArray(rule.Properties?.Targets as { DeadLetterConfig?: { Arn: unknown } }[] | undefined);
        expect(targets, `${name}: a rule has its queue as its one target`).toHaveLength(1);
        expect(
          getAttId(targets[0]?.DeadLetterConfig?.Arn),
          `${name} rule target's DLQ is the shared undelivered queue`,
        ).toBe(logicalId(stacks.services.deadLetters.undelivered));
      }
    }
  });

  it('gives award one queue for AchievementEarned and DryRunAwardPromoted, and no promote function', () => {
    // One event source mapping feeds award, so one batch size and concurrency pace every award it signs.
    const awardFn = JSON.stringify({ Ref: logicalId(stacks.services.functions.award.fn) });
    const awardMappings = resourcesOf(services, 'AWS::Lambda::EventSourceMapping').filter(
      ([, m]) => JSON.stringify(m.Properties?.FunctionName) === awardFn,
    );
    expect(awardMappings).toHaveLength(1);
    const patterns = rulesTargeting(queueOf('award')).map((r) => r.Properties?.EventPattern);
    expect(patterns).toHaveLength(2);
    expect(patterns).toEqual(
      expect.arrayContaining([
        { 'detail-type': ['AchievementEarned'] },
        // Promotions keep their Laurel-only source in their own rule.
        { source: [LAUREL_EVENT_SOURCE], 'detail-type': ['DryRunAwardPromoted'] },
      ]),
    );
    // No other rule routes promotions anywhere.
    const promotionRules = resourcesOf(services, 'AWS::Events::Rule').filter(([, r]) =>
      JSON.stringify(r.Properties?.EventPattern ?? {}).includes('DryRunAwardPromoted'),
    );
    expect(promotionRules).toHaveLength(1);
    expect(Object.keys(functions)).not.toContain('promote');
    const serviceNames = resourcesOf(services, 'AWS::Lambda::Function').map(
      ([, fn]) =>
        (fn.Properties?.Environment as { Variables: Record<string, unknown> } | undefined)?.Variables?.[
          ENV.POWERTOOLS_SERVICE_NAME
        ],
    );
    expect(serviceNames).not.toContain('promote');
    expect(serviceNames).toContain('award');
  });

  it('gives every queue a Lambda reads from the shared dead-letter queue, and a visibility timeout of 6x the function timeout', () => {
    const mappings = resourcesOf(services, 'AWS::Lambda::EventSourceMapping');
    expect(mappings).toHaveLength(consumers.length);
    const queues = services.toJSON().Resources as Record<string, Resource>;
    for (const [, mapping] of mappings) {
      expect(mapping.Properties).toMatchObject({ FunctionResponseTypes: ['ReportBatchItemFailures'] });
      const queue = queues[getAttId(mapping.Properties?.EventSourceArn) ?? ''];
      const redrive = queue?.Properties?.RedrivePolicy as { deadLetterTargetArn: unknown; maxReceiveCount: number };
      // One dead-letter queue for every consumer: one alarm, and one redrive moves each message back to its queue.
      expect(getAttId(redrive?.deadLetterTargetArn)).toBe(logicalId(stacks.services.deadLetters.failed));
      const dlq = queues[getAttId(redrive?.deadLetterTargetArn) ?? ''];
      expect(dlq?.Type).toBe('AWS::SQS::Queue');
      expect(dlq?.Properties?.MessageRetentionPeriod).toBe(14 * 86_400);
      expect(redrive.maxReceiveCount).toBe(5);
    }
    for (const [name, spec] of consumers) {
      const fnId = logicalId(stacks.services.functions[name].fn);
      const [, mapping] =
        mappings.find(([, m]) => JSON.stringify(m.Properties?.FunctionName) === JSON.stringify({ Ref: fnId })) ?? [];
      const queue = queues[getAttId(mapping?.Properties?.EventSourceArn) ?? ''];
      expect(queue?.Properties?.VisibilityTimeout as number).toBeGreaterThanOrEqual(6 * spec.timeoutSeconds);
      expect(mapping?.Properties).toMatchObject({
        BatchSize: spec.batchSize,
        ScalingConfig: { MaximumConcurrency: spec.maxConcurrency },
      });
    }
  });

  it('lets award kms:Sign the signing key and nothing more', () => {
    const statements = fnStatements('award');
    expect(actions(statementsOn(statements, stacks.stateful.signingKey))).toEqual(['kms:Sign']);
    // Its only other KMS permission is on the claim key; no KMS action reaches any key through `*`.
    const kmsActions = statements.filter((s) => actions([s]).some((a) => a.startsWith('kms:')));
    expect(kmsActions).toHaveLength(2);
    expect(actions(statementsOn(statements, stacks.stateful.claimKey))).toEqual(['kms:GenerateMac']);
    expect(kmsActions.some((s) => asArray(s.Resource).includes('*'))).toBe(false);
    expect(actions(statements).filter((a) => a.includes('*'))).toEqual([]);
  });

  it('lets only award and the VC-API issuer sign with the Ed25519 keys, and only verify with the RSA keys', () => {
    // award issues events and promoted dry-run awards; status signs status lists; admin may only read the public
    // half (new issuers).
    // wallet signs holder-bound copies for wallets that proved a DID.
    const ed25519 = ['award', 'issue', 'status', 'wallet'];
    const rsa = ['verify'];
    const jwtKey = stacks.stateful.jwtSigningKeys[0];
    if (!jwtKey) throw new Error('no RSA key');
    for (const name of Object.keys(functions) as FunctionName[]) {
      const statements = fnStatements(name);
      const onEd = actions(statementsOn(statements, stacks.stateful.signingKey));
      const onRsa = actions(statementsOn(statements, jwtKey));
      expect(onEd, name).toEqual(ed25519.includes(name) ? ['kms:Sign'] : name === 'admin' ? ['kms:GetPublicKey'] : []);
      expect(onRsa, name).toEqual(rsa.includes(name) ? ['kms:Sign'] : []);
      // Every kms:Sign a function holds is on one of those keys: none through `*` or another key.
      const signs = statements.filter((st) => actions([st]).includes('kms:Sign'));
      expect(signs.length, name).toBe((ed25519.includes(name) ? 1 : 0) + (rsa.includes(name) ? 1 : 0));
    }
  });

  it('puts the VC-API issue route behind a JWT authorizer for the Cognito app clients and the issue scope', () => {
    const all = services.toJSON().Resources as Record<string, Resource>;
    const [, route] =
      resourcesOf(services, 'AWS::ApiGatewayV2::Route').find(
        ([, r]) => r.Properties?.RouteKey === 'POST /credentials/issue',
      ) ?? [];
    expect(route?.Properties).toMatchObject({
      AuthorizationType: 'JWT',
      AuthorizationScopes: [VC_API_ISSUE_SCOPE],
    });
    const authorizerId = JSON.stringify(route?.Properties?.AuthorizerId).match(/"Ref":"(\w+)"/)?.[1] ?? '';
    const authorizer = all[authorizerId]?.Properties as {
      AuthorizerType: string;
      JwtConfiguration: { Audience: unknown[]; Issuer: unknown };
    };
    expect(authorizer.AuthorizerType).toBe('JWT');
    expect(authorizer.JwtConfiguration.Audience).toHaveLength(stacks.stateful.vcApi.clients.length);
    expect(JSON.stringify(authorizer.JwtConfiguration.Issuer)).toContain('cognito-idp');
    // Every other route stays public, and no other route carries an authorizer it does not need.
    const authorized = resourcesOf(services, 'AWS::ApiGatewayV2::Route').filter(
      ([, r]) => r.Properties?.AuthorizationType === 'JWT',
    );
    expect(authorized.map(([, r]) => r.Properties?.RouteKey).sort()).toEqual(
      routes
        .filter((r) => r.auth)
        .map(routeKey)
        .sort(),
    );
  });

  it("puts every console API route but sign-in behind a JWT authorizer for the console's app client", () => {
    const all = services.toJSON().Resources as Record<string, Resource>;
    const adminRoutes = routes.filter((r) => r.path.startsWith('/admin/api/'));
    expect(adminRoutes.filter((r) => !r.auth).map(routeKey)).toEqual(['POST /admin/api/session']);
    // The console's pages carry their session in a cookie, which the function verifies itself (and only it serves them).
    const pages = routes.filter(
      (r) => r.path === '/admin' || (r.path.startsWith('/admin/') && !r.path.startsWith('/admin/api/')),
    );
    expect(pages.length).toBeGreaterThan(10);
    for (const page of pages) expect([page.fn, page.auth], routeKey(page)).toEqual(['admin', undefined]);
    const clientId = logicalId(stacks.stateful.console.client);
    for (const route of adminRoutes.filter((r) => r.auth)) {
      const [, created] =
        resourcesOf(services, 'AWS::ApiGatewayV2::Route').find(([, r]) => r.Properties?.RouteKey === routeKey(route)) ??
        [];
      expect(created?.Properties?.AuthorizationType, routeKey(route)).toBe('JWT');
      const authorizerId = JSON.stringify(created?.Properties?.AuthorizerId).match(/"Ref":"(\w+)"/)?.[1] ?? '';
      const props = all[authorizerId]?.Properties as { JwtConfiguration: { Audience: unknown[]; Issuer: unknown } };
      const config = props.JwtConfiguration;
      expect(config.Audience).toHaveLength(1);
      expect(JSON.stringify(config.Audience)).toContain(clientId);
      expect(JSON.stringify(config.Issuer)).toContain('cognito-idp');
    }
  });

  it('gives the console function its hosted-UI sign-in: the console client, the pool as issuer, the hosted domain', () => {
    const fn = services.toJSON().Resources[logicalId(stacks.services.functions.admin.fn)] as Resource;
    const env = (fn.Properties?.Environment as { Variables: Record<string, unknown> } | undefined)?.Variables ?? {};
    const [[domainId] = []] = resourcesOf(stateful, 'AWS::Cognito::UserPoolDomain');
    expect(JSON.stringify(env[ENV.CONSOLE_CLIENT_ID])).toContain(logicalId(stacks.stateful.console.client));
    expect(JSON.stringify(env[ENV.CONSOLE_TOKEN_ISSUER])).toContain('https://cognito-idp.');
    expect(JSON.stringify(env[ENV.CONSOLE_TOKEN_ISSUER])).toContain(logicalId(stacks.stateful.userPool));
    expect(JSON.stringify(env[ENV.CONSOLE_AUTH_DOMAIN])).toContain(domainId);
    expect(JSON.stringify(env[ENV.CONSOLE_AUTH_DOMAIN])).toContain('amazoncognito.com');
    // The callback the app client allows is a console page the admin function serves, outside any authorizer.
    expect(routes.find((r) => routeKey(r) === 'GET /admin/callback')).toMatchObject({ fn: 'admin' });
    expect(routes.find((r) => routeKey(r) === 'GET /admin/callback')?.auth).toBeUndefined();
  });

  it("lets the console read the signing key's public half, and never sign, send as anyone but the sender, or touch other keys", () => {
    const statements = fnStatements('admin');
    expect(actions(statements)).not.toContain('kms:Sign');
    expect(actions(statementsOn(statements, stacks.stateful.signingKey))).toEqual(['kms:GetPublicKey']);
    expect(actions(statementsOn(statements, stacks.stateful.claimKey))).toEqual(['kms:GenerateMac']);
  });

  it('grants `*` resources to X-Ray only', () => {
    for (const name of Object.keys(functions) as FunctionName[]) {
      const anyResource = fnStatements(name).filter((s) => asArray(s.Resource).includes('*'));
      expect(
        actions(anyResource).every((a) => a.startsWith('xray:')),
        name,
      ).toBe(true);
    }
  });

  it('lets only the mail senders (claim email, reminders, admin resend) send email, from the sender address only', () => {
    for (const name of Object.keys(functions) as FunctionName[]) {
      const ses = fnStatements(name).filter((s) => actions([s]).some((a) => a.startsWith('ses:')));
      if (!['notify', 'remind', 'admin'].includes(name)) {
        expect(ses, name).toEqual([]);
        continue;
      }
      expect(actions(ses)).toEqual(['ses:SendEmail']);
      expect(ses[0]?.Condition).toEqual({ StringEquals: { 'ses:FromAddress': SENDER } });
    }
  });

  it('runs every scheduled manifest function from a schedule rule at its rate, and nothing else on a schedule', () => {
    const scheduled = (Object.entries(functions) as [FunctionName, { schedule?: { everyMinutes: number } }][]).filter(
      ([, spec]) => spec.schedule,
    );
    expect(scheduled.map(([name]) => name)).toEqual(['remind']);
    const rules = resourcesOf(services, 'AWS::Events::Rule').filter(([, r]) => r.Properties?.ScheduleExpression);
    expect(rules).toHaveLength(scheduled.length);
    for (const [name, spec] of scheduled) {
      const fnId = logicalId(stacks.services.functions[name].fn);
      const rule = rules.find(([, r]) => JSON.stringify(r.Properties?.Targets).includes(fnId));
      const minutes = spec.schedule?.everyMinutes ?? 0;
      const expected =
        minutes % 60 === 0 ? `rate(${minutes / 60} hour${minutes === 60 ? '' : 's'})` : `rate(${minutes} minutes)`;
      expect(rule?.[1].Properties?.ScheduleExpression, name).toBe(expected);
      // A run EventBridge cannot deliver, or that fails Lambda's retries, lands in the undelivered queue (its alarm).
      const undeliveredArn = { 'Fn::GetAtt': [logicalId(stacks.services.deadLetters.undelivered), 'Arn'] };
      const [target] = asArray(rule?.[1].Properties?.Targets as Record<string, unknown>[] | undefined);
      expect(target?.DeadLetterConfig, name).toEqual({ Arn: undeliveredArn });
      const invokeConfigs = resourcesOf(services, 'AWS::Lambda::EventInvokeConfig').filter(
        ([, c]) => JSON.stringify(c.Properties?.FunctionName) === JSON.stringify({ Ref: fnId }),
      );
      expect(invokeConfigs, name).toHaveLength(1);
      expect(invokeConfigs[0]?.[1].Properties).toMatchObject({
        MaximumRetryAttempts: 2,
        MaximumEventAgeInSeconds: 3600,
        DestinationConfig: { OnFailure: { Destination: undeliveredArn } },
      });
    }
  });

  it('lets only scheduled functions send to the undelivered queue (their failed runs), and no function touch the failed queue', () => {
    const { failed, undelivered } = stacks.services.deadLetters;
    for (const [name, spec] of Object.entries(functions) as [FunctionName, { schedule?: unknown }][]) {
      const statements = fnStatements(name);
      // SQS itself moves messages to the failed queue (the redrive policy): no role needs it.
      expect(statementsOn(statements, failed), name).toEqual([]);
      const onUndelivered = statementsOn(statements, undelivered);
      const sends = statements.filter((st) => actions([st]).includes('sqs:SendMessage'));
      if (!spec.schedule) {
        expect(onUndelivered, name).toEqual([]);
        expect(sends, name).toEqual([]);
        continue;
      }
      expect(sends, name).toHaveLength(1);
      expect(statementsOn(sends, undelivered), name).toHaveLength(1);
      expect(
        actions(onUndelivered).filter((a) => !/^sqs:(SendMessage|GetQueueAttributes|GetQueueUrl)$/.test(a)),
      ).toEqual([]);
    }
  });

  it('takes SES bounces and complaints from the default bus (the configuration set publishes them there)', () => {
    const destinations = resourcesOf(stateful, 'AWS::SES::ConfigurationSetEventDestination');
    expect(destinations).toHaveLength(1);
    const destination = destinations[0]?.[1].Properties?.EventDestination as {
      MatchingEventTypes: string[];
      EventBridgeDestination: { EventBusArn: unknown };
      Enabled?: boolean;
    };
    expect([...destination.MatchingEventTypes].sort()).toEqual(['bounce', 'complaint']);
    expect(JSON.stringify(destination.EventBridgeDestination.EventBusArn)).toContain('event-bus/default');
    const rule = resourcesOf(services, 'AWS::Events::Rule').find(([, r]) =>
      JSON.stringify(r.Properties?.EventPattern ?? {}).includes('aws.ses'),
    );
    expect(rule?.[1].Properties?.EventPattern).toEqual({
      source: ['aws.ses'],
      'detail-type': ['Email Bounced', 'Email Complaint Received'],
    });
    // On the default bus.
    expect(rule?.[1].Properties?.EventBusName).toBe('default');
  });

  it('lets the public status function write status list items only, by a LeadingKeys condition', () => {
    const statements = fnStatements('status');
    const writes = statements.filter((st) =>
      actions([st]).some((a) => /^dynamodb:(Put|Update|Delete|BatchWrite)/.test(a)),
    );
    expect(writes).toHaveLength(1);
    expect(actions(writes).sort()).toEqual(['dynamodb:PutItem', 'dynamodb:UpdateItem']);
    expect(writes[0]?.Condition).toEqual({
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${STATUS_LIST_KEY_PREFIX}*`] },
    });
    expect(statementsOn(writes, stacks.stateful.appTable)).toHaveLength(1);
    // Nothing else it could reach: no bus, no claim key, no idempotency table, no email.
    expect(actions(statements).filter((a) => /^(events|ses|sqs):/.test(a))).toEqual([]);
    expect(statementsOn(statements, stacks.stateful.claimKey)).toEqual([]);
  });

  it('serves /status/{list} from the status function, and verify keeps no signing right on the Ed25519 key', () => {
    expect(routes.find((r) => r.path === '/status/{list}')).toEqual({
      method: 'GET',
      path: '/status/{list}',
      fn: 'status',
    });
    expect(statementsOn(fnStatements('verify'), stacks.stateful.signingKey)).toEqual([]);
  });

  it('gives verify no write access to the table', () => {
    const writes = actions(fnStatements('verify')).filter((a) => /^dynamodb:(Put|Update|Delete|BatchWrite)/.test(a));
    expect(writes).toEqual([]);
  });

  it('uses no managed policies (no logs:* on every log group)', () => {
    for (const [, role] of resourcesOf(services, 'AWS::IAM::Role')) {
      expect(role.Properties?.ManagedPolicyArns).toBeUndefined();
    }
  });

  it('serves every manifest route, each from its function', () => {
    const created = resourcesOf(services, 'AWS::ApiGatewayV2::Route');
    expect(created.map(([, r]) => r.Properties?.RouteKey).sort()).toEqual(routes.map(routeKey).sort());
    const all = services.toJSON().Resources as Record<string, Resource>;
    for (const route of routes) {
      const [, r] = created.find(([, c]) => c.Properties?.RouteKey === routeKey(route)) ?? [];
      const integrationId = JSON.stringify(r?.Properties?.Target).match(/"Ref":"(\w+)"/)?.[1] ?? '';
      const uri = all[integrationId]?.Properties?.IntegrationUri;
      expect(getAttId(uri), routeKey(route)).toBe(logicalId(stacks.services.functions[route.fn].fn));
    }
  });

  it('logs access and throttles on the default stage', () => {
    services.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AccessLogSettings: { DestinationArn: { 'Fn::GetAtt': [logicalId(stacks.services.api.accessLogs), 'Arn'] } },
      DefaultRouteSettings: { ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 },
    });
  });
});

describe('LaurelObservability', () => {
  const alarms = () => resourcesOf(observability, 'AWS::CloudWatch::Alarm');

  /** The dashboard body as JSON, each CloudFormation token in it replaced by its JSON text. */
  const dashboardBody = (): { widgets: { properties: { title?: string; metrics?: unknown[][] } }[] } => {
    const [[, dashboard] = ['', undefined]] = resourcesOf(observability, 'AWS::CloudWatch::Dashboard');
    const body = dashboard?.Properties?.DashboardBody as string | { 'Fn::Join': [string, unknown[]] };
    const text =
      typeof body === 'string'
        ? body
        : body['Fn::Join'][1]
            .map((p) => (typeof p === 'string' ? p : JSON.stringify(JSON.stringify(p)).slice(1, -1)))
            .join('');
    return JSON.parse(text);
  };

  it("alarms on each shared dead-letter queue and on the HTTP API's server errors, and on nothing else", () => {
    const all = alarms();
    expect(all).toHaveLength(stacks.services.deadLetterQueues.length + 1);
    expect(stacks.services.deadLetterQueues.map((d) => d.queue)).toEqual([
      stacks.services.deadLetters.failed,
      stacks.services.deadLetters.undelivered,
    ]);
    for (const { queue } of stacks.services.deadLetterQueues) {
      const id = logicalId(queue);
      const onQueue = all.filter(([, a]) => JSON.stringify(a.Properties?.Dimensions).includes(id));
      expect(onQueue, id).toHaveLength(1);
      expect(onQueue[0]?.[1].Properties).toMatchObject({
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Statistic: 'Maximum',
      });
    }
    const server = all.filter(([, a]) => a.Properties?.Namespace === 'AWS/ApiGateway');
    expect(server).toHaveLength(1);
    expect(server[0]?.[1].Properties).toMatchObject({ MetricName: '5xx', Statistic: 'Sum' });
    expect(JSON.stringify(server[0]?.[1].Properties?.Dimensions)).toContain(logicalId(stacks.services.api.api));
    // Function Errors alarms would repeat these signals; the dashboard shows them instead.
    expect(all.filter(([, a]) => a.Properties?.MetricName === 'Errors')).toEqual([]);
  });

  it('keeps every alarm on one standard-resolution metric, inside the ten alarm metrics CloudWatch never bills', () => {
    const all = alarms();
    for (const [id, a] of all) {
      // A metric-math or Metrics Insights alarm would count each metric it reads (the latter is never free).
      expect(a.Properties?.Metrics, id).toBeUndefined();
      expect(a.Properties?.MetricName, id).toBeDefined();
      expect(a.Properties?.Period as number, id).toBeGreaterThanOrEqual(60);
      expect(a.Properties).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
      expect(a.Properties?.AlarmActions).toEqual([{ Ref: logicalId(stacks.observability.alarmTopic) }]);
    }
    expect(all.length).toBeLessThanOrEqual(10);
    observability.resourceCountIs('AWS::SNS::Subscription', 2);
  });

  it("tells the operator what to do, and where to see which function failed: the dashboard's per-function Errors", () => {
    const descriptions = Object.fromEntries(
      alarms().map(([, a]) => [a.Properties?.MetricName, JSON.stringify(a.Properties?.AlarmDescription)]),
    );
    expect(descriptions['5xx']).toContain('Errors graph');
    const failed = alarms().find(([, a]) =>
      JSON.stringify(a.Properties?.Dimensions).includes(logicalId(stacks.services.deadLetters.failed)),
    );
    const text = JSON.stringify(failed?.[1].Properties?.AlarmDescription);
    expect(text).toContain('Errors graph');
    expect(text).toContain('start-message-move-task');
    const errors = dashboardBody().widgets.find((w) => w.properties.title?.startsWith('Errors'));
    const rows = errors?.properties.metrics ?? [];
    expect(rows).toHaveLength(Object.keys(functions).length);
    for (const name of Object.keys(functions) as FunctionName[]) {
      const fnId = logicalId(stacks.services.functions[name].fn);
      expect(
        rows.filter((r) => r[1] === 'Errors' && JSON.stringify(r).includes(fnId)),
        name,
      ).toHaveLength(1);
    }
  });
});

describe('the app', () => {
  it('synthesizes offline: no context lookups', () => {
    expect(missingContext).toBeUndefined();
  });

  it('has no unacknowledged cdk-nag AwsSolutions findings', () => {
    const findings = nagViolations.flatMap((v) =>
      v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}`),
    );
    expect(findings).toEqual([]);
  });
});
