/**
 * Laurel's operator CLI: register allowed sources, issuers, achievements and rules, and look up what happened to
 * an event. Works against AWS (the table named by APP_TABLE_NAME, your usual AWS credentials) or local mode
 * (`--local`, DynamoDB Local on LAUREL_DYNAMODB_PORT or 8000).
 *
 *   npm run laurel -- source add demo.lms
 *   npm run laurel -- issuer add --slug demo --name "Demo University" --url https://www.example.edu \
 *        --email badges@example.edu --key <KMS key ARN>            (or --key local:demo with --local)
 *   npm run laurel -- achievement add --id intro-to-cs --issuer demo --name "..." --description "..." \
 *        --criteria "..." [--type Course] [--image https://...] [--valid-days 365] [--suspendable]
 *   npm run laurel -- rule add --id cs101-completed --achievement intro-to-cs --source demo.lms \
 *        --kind course-completed --external-id CS101 [--min-score 70] [--grades A,B] [--statuses passed] [--mode live]
 *   npm run laurel -- event show <eventId>
 *   npm run laurel -- issuer keys <slug>
 *   npm run laurel -- issuer rotate-key <slug> --key <KMS key ARN | local:<name>> [--key-type ed25519|rsa]
 *   npm run laurel -- issuer retire-key <slug> <key id>          (stops signing; stays published)
 *   npm run laurel -- issuer revoke-key <slug> <key id> --confirm (unpublished: what it signed stops verifying)
 *   npm run laurel -- client set <OAuth client id> --issuers <slug>[,<slug>]   (VC-API: who may issue for whom)
 *   npm run laurel -- credential revoke <id>… --reason "…"   (or --achievement <id>, or --event <eventId>)
 *   npm run laurel -- credential suspend|reinstate <id> --reason "…"
 *   npm run laurel -- credential status <id>                  (who changed its status, when and why)
 *        Status commands publish on the bus (EVENT_BUS_NAME, default laurel) and name credentials under
 *        PUBLIC_BASE_URL (https://localhost:3443 with --local); --actor overrides cli:<your user name>.
 */
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { statusCommands } from '#services/status/commands.ts';
import { AppStore } from '#shared/adapters/app-store.dynamodb.ts';
import { makeJwtSigner, makeSigner } from '#shared/adapters/key-factory.ts';
import { rotateKey } from '#shared/credentials/issuer-keys.ts';
import { ENV } from '#shared/env.ts';
import { achievementItem, apiClientItem, issuerItem, ruleItem } from '#shared/tables/app-table.ts';
import { runCredentialCommand } from './commands/credential-status.ts';
import { describeKey, type KeyKind, makeKeyCommands } from './commands/issuer-keys.ts';

const [noun, verb, ...rest] = process.argv.slice(2);
const { values, positionals } = parseArgs({
  args: rest,
  allowPositionals: true,
  options: {
    local: { type: 'boolean', default: false },
    slug: { type: 'string' },
    id: { type: 'string' },
    name: { type: 'string' },
    url: { type: 'string' },
    email: { type: 'string' },
    description: { type: 'string' },
    image: { type: 'string' },
    key: { type: 'string' },
    'key-fragment': { type: 'string', default: 'key-1' },
    'jwt-key': { type: 'string' },
    'did-method': { type: 'string' },
    'key-type': { type: 'string' },
    'key-id': { type: 'string' },
    issuers: { type: 'string' },
    confirm: { type: 'boolean', default: false },
    issuer: { type: 'string' },
    criteria: { type: 'string' },
    'criteria-url': { type: 'string' },
    type: { type: 'string' },
    'valid-days': { type: 'string' },
    achievement: { type: 'string' },
    source: { type: 'string' },
    kind: { type: 'string' },
    'external-id': { type: 'string' },
    'min-score': { type: 'string' },
    grades: { type: 'string' },
    statuses: { type: 'string' },
    mode: { type: 'string', default: 'live' },
    suspendable: { type: 'boolean', default: false },
    reason: { type: 'string' },
    event: { type: 'string' },
    actor: { type: 'string' },
  },
});

const list = (s: string | undefined) =>
  s
    ?.split(',')
    .map((x) => x.trim())
    .filter(Boolean);
const num = (s: string | undefined) => (s === undefined ? undefined : Number(s));

/** The key adapters for a keyRef: local files for `local:<name>`, KMS (your AWS credentials) otherwise. */
const keyDeps = (keyRef: string) => {
  const config = {
    LAUREL_MODE: keyRef.startsWith('local:') ? ('local' as const) : ('aws' as const),
    LAUREL_DATA_DIR: process.env[ENV.LAUREL_DATA_DIR] ?? '.laurel',
  };
  return { signer: makeSigner(config), jwtSigner: makeJwtSigner(config) };
};

const main = async () => {
  if (values.local) {
    process.env.AWS_ENDPOINT_URL_DYNAMODB ??= `http://localhost:${process.env.LAUREL_DYNAMODB_PORT ?? 8000}`;
    process.env.AWS_REGION ??= 'us-east-1';
    process.env.AWS_ACCESS_KEY_ID ??= 'local';
    process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
    process.env[ENV.APP_TABLE_NAME] ??= 'laurel-app';
    process.env[ENV.LAUREL_MODE] = 'local';
    process.env[ENV.LAUREL_DATA_DIR] ??= '.laurel';
  }
  const tableName = process.env[ENV.APP_TABLE_NAME];
  if (!tableName) throw new Error(`set ${ENV.APP_TABLE_NAME} (the LaurelStateful stack output) or pass --local`);
  const store = new AppStore(new DynamoDBClient({}), tableName);

  switch (`${noun} ${verb}`) {
    case 'source add': {
      const name = positionals[0];
      if (!name) throw new Error('usage: source add <name>');
      return (await store.putSource(name)) ? `source ${name} allowed` : `source ${name} was already allowed`;
    }
    case 'issuer add': {
      const keyRef = values.key;
      if (!keyRef) throw new Error('--key is required (a KMS key ARN, or local:<name> in local mode)');
      const signer = makeSigner({
        LAUREL_MODE: keyRef.startsWith('local:') ? 'local' : 'aws',
        LAUREL_DATA_DIR: process.env[ENV.LAUREL_DATA_DIR],
      });
      const issuer = issuerItem.parse({
        slug: values.slug,
        name: values.name,
        url: values.url,
        email: values.email,
        description: values.description,
        image: values.image,
        keyRef,
        keyFragment: values['key-fragment'],
        publicKeyMultibase: await signer.publicKeyMultibase(keyRef),
        ...(values['did-method'] ? { didMethod: values['did-method'] } : {}),
      });
      const withJwt = values['jwt-key']
        ? rotateKey(issuer, await describeKey(keyDeps(values['jwt-key']), values['jwt-key'], 'rsa'), new Date())
        : issuer;
      if (!(await store.putIssuer(withJwt))) throw new Error(`issuer ${issuer.slug} already exists`);
      return `issuer ${issuer.slug} saved with key ${issuer.publicKeyMultibase}`;
    }
    case 'issuer keys':
    case 'issuer rotate-key':
    case 'issuer retire-key':
    case 'issuer revoke-key': {
      const slug = positionals[0];
      const keyRef = values.key ?? '';
      const commands = makeKeyCommands({ store, ...keyDeps(keyRef) });
      if (!slug) throw new Error(`usage: issuer ${verb} <slug> ...`);
      if (verb === 'keys') return commands.keys(slug);
      if (verb === 'rotate-key') {
        if (!keyRef)
          throw new Error(
            'usage: issuer rotate-key <slug> --key <KMS key ARN | local:<name>> [--key-type ed25519|rsa]',
          );
        const kind = values['key-type'] as KeyKind | undefined;
        if (kind !== undefined && kind !== 'ed25519' && kind !== 'rsa') throw new Error('--key-type is ed25519 or rsa');
        return commands.rotate(slug, keyRef, {
          ...(kind ? { kind } : {}),
          ...(values['key-id'] ? { keyId: values['key-id'] } : {}),
        });
      }
      const keyId = positionals[1];
      if (!keyId) throw new Error(`usage: issuer ${verb} <slug> <key id>  (see: issuer keys <slug>)`);
      return verb === 'retire-key'
        ? commands.retire(slug, keyId)
        : commands.revoke(slug, keyId, values.confirm ?? false);
    }
    case 'client set': {
      const clientId = positionals[0];
      const issuers = list(values.issuers);
      if (!clientId || !issuers?.length)
        throw new Error('usage: client set <OAuth client id> --issuers <slug>[,<slug>...]');
      return makeKeyCommands({ store, ...keyDeps('') }).setClient(
        apiClientItem.parse({ clientId, issuerSlugs: issuers, ...(values.name ? { name: values.name } : {}) }),
      );
    }
    case 'achievement add': {
      const achievement = achievementItem.parse({
        id: values.id,
        issuerSlug: values.issuer,
        name: values.name,
        description: values.description,
        criteria: { narrative: values.criteria, id: values['criteria-url'] },
        image: values.image,
        achievementType: values.type,
        status: 'published',
        validForDays: num(values['valid-days']),
        ...(values.suspendable ? { suspendable: true } : {}),
      });
      if (!(await store.putAchievement(achievement))) throw new Error(`achievement ${achievement.id} already exists`);
      return `achievement ${achievement.id} published`;
    }
    case 'rule add': {
      const rule = ruleItem.parse({
        id: values.id,
        achievementId: values.achievement,
        source: values.source,
        kind: values.kind,
        externalId: values['external-id'],
        conditions: {
          minScore: num(values['min-score']),
          grades: list(values.grades),
          statuses: list(values.statuses),
        },
        mode: values.mode,
      });
      if (!(await store.putRule(rule))) throw new Error(`rule ${rule.id} already exists`);
      return `rule ${rule.id} saved (${rule.mode})`;
    }
    case 'credential revoke':
    case 'credential suspend':
    case 'credential reinstate':
    case 'credential status': {
      if (values.local) {
        process.env.AWS_ENDPOINT_URL_EVENTBRIDGE ??= `http://localhost:${process.env.LAUREL_BUS_PORT ?? 4010}`;
        process.env[ENV.PUBLIC_BASE_URL] ??= `https://localhost:${process.env.LAUREL_API_PORT ?? 3443}`;
      }
      const publicBaseUrl = process.env[ENV.PUBLIC_BASE_URL];
      if (!publicBaseUrl) throw new Error(`set ${ENV.PUBLIC_BASE_URL} (https://<domain>) or pass --local`);
      const status = statusCommands({
        dynamo: new DynamoDBClient({}),
        eventBridge: new EventBridgeClient({}),
        tableName,
        busName: process.env[ENV.EVENT_BUS_NAME] ?? 'laurel',
        publicBaseUrl,
      });
      return runCredentialCommand(
        status,
        {
          verb,
          ids: positionals,
          reason: values.reason,
          achievement: values.achievement,
          event: values.event,
          actor: values.actor ?? `cli:${userInfo().username}`,
        },
        (line) => console.log(line),
      );
    }
    case 'event show': {
      const eventId = positionals[0];
      if (!eventId) throw new Error('usage: event show <eventId>');
      return JSON.stringify((await store.getEvent(eventId)) ?? { eventId, outcome: 'not recorded (yet)' }, null, 2);
    }
    default:
      throw new Error(
        'commands: source add | issuer add | issuer keys | issuer rotate-key | issuer retire-key | issuer revoke-key | client set | achievement add | rule add | event show | credential revoke | credential suspend | credential reinstate | credential status',
      );
  }
};

main().then(
  (message) => console.log(message),
  (error: Error) => {
    console.error(error.message);
    process.exitCode = 1;
  },
);
