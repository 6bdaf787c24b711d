import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, type CfnElement, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '#infra/stacks/config.ts';
import { addLaurelStacks, type LaurelStacks } from '#infra/stacks/laurel.ts';
import { ENV } from '#shared/env.ts';
import { type FunctionName, functions, type Need, routeKey, routes } from '#shared/routes/manifest.ts';
import { appTable, tables } from '#shared/tables/app-table.ts';

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
      'claim-key:mac': [ENV.CLAIM_KEY_ID],
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

  it('routes each consumed contract to its consumer with exactly the contract pattern', () => {
    expect(resourcesOf(services, 'AWS::Events::Rule')).toHaveLength(consumers.length);
    for (const [name, spec] of consumers) {
      const fnId = logicalId(stacks.services.functions[name].fn);
      const [, mapping] =
        resourcesOf(services, 'AWS::Lambda::EventSourceMapping').find(
          ([, m]) => JSON.stringify(m.Properties?.FunctionName) === JSON.stringify({ Ref: fnId }),
        ) ?? [];
      const queueId = getAttId(mapping?.Properties?.EventSourceArn);
      const [, rule] =
        resourcesOf(services, 'AWS::Events::Rule').find(([, r]) =>
          asArray(r.Properties?.Targets as { Arn: unknown }[]).some((t) => getAttId(t.Arn) === queueId),
        ) ?? [];
      expect(queueId, `${name} has an SQS event source`).toBeDefined();
      expect(rule?.Properties?.EventPattern, name).toEqual(spec.consumes.pattern);
      expect(JSON.stringify(rule?.Properties?.EventBusName)).toContain(logicalId(stacks.stateful.bus));
      const [target] = asArray(rule?.Properties?.Targets as { DeadLetterConfig?: { Arn: unknown } }[] | undefined);
      expect(getAttId(target?.DeadLetterConfig?.Arn), `${name} rule target has a DLQ`).toBeDefined();
    }
  });

  it('gives every queue a Lambda reads from a dead-letter queue, and a visibility timeout of 6x the function timeout', () => {
    const mappings = resourcesOf(services, 'AWS::Lambda::EventSourceMapping');
    expect(mappings).toHaveLength(consumers.length);
    const queues = services.toJSON().Resources as Record<string, Resource>;
    for (const [, mapping] of mappings) {
      expect(mapping.Properties).toMatchObject({ FunctionResponseTypes: ['ReportBatchItemFailures'] });
      const queue = queues[getAttId(mapping.Properties?.EventSourceArn) ?? ''];
      const redrive = queue?.Properties?.RedrivePolicy as { deadLetterTargetArn: unknown; maxReceiveCount: number };
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

  it('lets no other function sign', () => {
    for (const name of Object.keys(functions) as FunctionName[]) {
      if (name === 'award') continue;
      const statements = fnStatements(name);
      expect(actions(statements), name).not.toContain('kms:Sign');
      expect(statementsOn(statements, stacks.stateful.signingKey), name).toEqual([]);
    }
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

  it('lets only notify send email, from the sender address only', () => {
    for (const name of Object.keys(functions) as FunctionName[]) {
      const ses = fnStatements(name).filter((s) => actions([s]).some((a) => a.startsWith('ses:')));
      if (name !== 'notify') {
        expect(ses, name).toEqual([]);
        continue;
      }
      expect(actions(ses)).toEqual(['ses:SendEmail']);
      expect(ses[0]?.Condition).toEqual({ StringEquals: { 'ses:FromAddress': SENDER } });
    }
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
  it('alarms on every dead-letter queue and every function', () => {
    const alarms = resourcesOf(observability, 'AWS::CloudWatch::Alarm');
    const dlqAlarms = alarms.filter(([, a]) => a.Properties?.MetricName === 'ApproximateNumberOfMessagesVisible');
    const errorAlarms = alarms.filter(([, a]) => a.Properties?.MetricName === 'Errors');
    expect(dlqAlarms).toHaveLength(2 * consumers.length);
    expect(errorAlarms).toHaveLength(Object.keys(functions).length);
    for (const [, a] of alarms) {
      expect(a.Properties).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
      expect(a.Properties?.AlarmActions).toEqual([{ Ref: logicalId(stacks.observability.alarmTopic) }]);
    }
    for (const { queue } of stacks.services.deadLetterQueues) {
      const id = logicalId(queue);
      expect(dlqAlarms.filter(([, a]) => JSON.stringify(a.Properties?.Dimensions).includes(id))).toHaveLength(1);
    }
    observability.resourceCountIs('AWS::SNS::Subscription', 2);
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
