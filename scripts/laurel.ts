/**
 * Laurel's operator CLI: register allowed sources, issuers, achievements and rules, and look up what happened to
 * an event. Works against AWS (the table named by APP_TABLE_NAME, your usual AWS credentials) or local mode
 * (`--local`, DynamoDB Local on LAUREL_DYNAMODB_PORT or 8000).
 *
 *   npm run laurel -- source add demo.lms
 *   npm run laurel -- issuer add --slug demo --name "Demo University" --url https://www.example.edu \
 *        --email badges@example.edu --key <KMS key ARN>            (or --key local:demo with --local)
 *   npm run laurel -- achievement add --id intro-to-cs --issuer demo --name "..." --description "..." \
 *        --criteria "..." [--type Course] [--image https://...] [--valid-days 365]
 *   npm run laurel -- rule add --id cs101-completed --achievement intro-to-cs --source demo.lms \
 *        --kind course-completed --external-id CS101 [--min-score 70] [--grades A,B] [--statuses passed] [--mode live]
 *   npm run laurel -- event show <eventId>
 */
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { AppStore } from '#shared/adapters/app-store.dynamodb.ts';
import { makeSigner } from '#shared/adapters/key-factory.ts';
import { ENV } from '#shared/env.ts';
import { achievementItem, issuerItem, ruleItem } from '#shared/tables/app-table.ts';

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
  },
});

const list = (s: string | undefined) =>
  s
    ?.split(',')
    .map((x) => x.trim())
    .filter(Boolean);
const num = (s: string | undefined) => (s === undefined ? undefined : Number(s));

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
      });
      if (!(await store.putIssuer(issuer))) throw new Error(`issuer ${issuer.slug} already exists`);
      return `issuer ${issuer.slug} saved with key ${issuer.publicKeyMultibase}`;
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
    case 'event show': {
      const eventId = positionals[0];
      if (!eventId) throw new Error('usage: event show <eventId>');
      return JSON.stringify((await store.getEvent(eventId)) ?? { eventId, outcome: 'not recorded (yet)' }, null, 2);
    }
    default:
      throw new Error('commands: source add | issuer add | achievement add | rule add | event show');
  }
};

main().then(
  (message) => console.log(message),
  (error: Error) => {
    console.error(error.message);
    process.exitCode = 1;
  },
);
