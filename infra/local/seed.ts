import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { issuerKeys, type PublicRsaJwk, rotateKey } from '#shared/credentials/issuer-keys.ts';
import {
  type Achievement,
  achievementItem,
  apiClientItem,
  type Issuer,
  issuerItem,
  keys,
  type Rule,
  ruleItem,
} from '#shared/tables/app-table.ts';

/** The demo institution of local mode (DESIGN.md, "Local mode"). */
export const DEMO = {
  source: 'demo.lms',
  issuerSlug: 'demo',
  keyRef: 'local:demo',
  /** The demo issuer's RSA key for the VC-JWT form. */
  jwtKeyRef: 'local:demo-jwt',
  achievementId: 'intro-to-cs',
  ruleId: 'cs101-completed',
  kind: 'course-completed',
  externalId: 'CS101',
  minScore: 70,
} as const;

export interface SeedResult {
  issuer: Issuer;
  achievement: Achievement;
  rule: Rule;
  source: string;
  /** Items written by this call; empty when everything was already there. */
  created: string[];
  /** Problems worth telling the person who runs local mode (the stored issuer key no longer matches its key file). */
  warnings: string[];
}

/**
 * Seeds the demo institution, idempotently: each item is put only if absent, so a restart keeps whatever the demo
 * admin changed, and the issuer keeps the public key it was first seeded with.
 *
 * `publicKeyMultibase` resolves the issuer's key (the local signer's `publicKeyMultibase('local:demo')`), which
 * creates the key file on first use.
 */
export async function seedDemo(opts: {
  client: DynamoDBClient;
  tableName: string;
  publicBaseUrl: string;
  publicKeyMultibase: (keyRef: string) => Promise<string>;
  /** The RSA key of the VC-JWT form (`local:demo-jwt`); without it the demo issuer has no JWT form. */
  publicJwk?: (keyRef: string) => Promise<PublicRsaJwk>;
  /** A VC-API client to allow for the demo issuer (local mode's OAuth client). */
  apiClientId?: string;
}): Promise<SeedResult> {
  const doc = DynamoDBDocumentClient.from(opts.client, { marshallOptions: { removeUndefinedValues: true } });
  const baseUrl = opts.publicBaseUrl.replace(/\/+$/, '');

  const legacy = issuerItem.parse({
    slug: DEMO.issuerSlug,
    name: 'Demo University',
    url: baseUrl,
    // The item schema wants a domain with a TLD; `.localhost` is reserved for exactly this (RFC 6761).
    email: 'badges@demo.localhost',
    description: 'A demonstration institution seeded by Laurel local mode.',
    keyRef: DEMO.keyRef,
    keyFragment: 'key-1',
    publicKeyMultibase: await opts.publicKeyMultibase(DEMO.keyRef),
  } satisfies Issuer);
  const jwtKey = opts.publicJwk
    ? { type: 'JsonWebKey' as const, keyRef: DEMO.jwtKeyRef, publicKeyJwk: await opts.publicJwk(DEMO.jwtKeyRef) }
    : undefined;
  const issuer = jwtKey ? rotateKey(legacy, jwtKey, new Date()) : legacy;

  const achievement = achievementItem.parse({
    id: DEMO.achievementId,
    issuerSlug: DEMO.issuerSlug,
    name: 'Introduction to Computer Science',
    description:
      'Completed CS101, an introduction to computation: algorithms, data structures, and programming in a high-level language.',
    criteria: {
      narrative: 'Complete the CS101 course with a final score of at least 70 out of 100.',
    },
    achievementType: 'Course',
    status: 'published',
  } satisfies Achievement);

  const rule = ruleItem.parse({
    id: DEMO.ruleId,
    achievementId: DEMO.achievementId,
    source: DEMO.source,
    kind: DEMO.kind,
    externalId: DEMO.externalId,
    conditions: { minScore: DEMO.minScore },
    mode: 'live',
  } satisfies Rule);

  const items: [string, Record<string, unknown>][] = [
    [`source ${DEMO.source}`, { ...keys.source(DEMO.source), ...keys.sourceListing(DEMO.source), name: DEMO.source }],
    [`issuer ${issuer.slug}`, { ...keys.issuer(issuer.slug), ...keys.issuerListing(issuer.slug), ...issuer }],
    [
      `achievement ${achievement.id}`,
      { ...keys.achievement(achievement.id), ...keys.achievementListing(achievement.id), ...achievement },
    ],
    [
      `rule ${rule.id}`,
      {
        ...keys.rule(rule.id),
        ...keys.ruleMatch(rule.source, rule.kind, rule.externalId),
        ...keys.ruleMatchSort(rule.id),
        ...rule,
      },
    ],
  ];

  if (opts.apiClientId) {
    items.push([
      `VC-API client ${opts.apiClientId}`,
      {
        ...keys.apiClient(opts.apiClientId),
        ...apiClientItem.parse({ clientId: opts.apiClientId, name: 'local mode', issuerSlugs: [DEMO.issuerSlug] }),
      },
    ]);
  }

  const created: string[] = [];
  for (const [label, item] of items) {
    try {
      await doc.send(
        new PutCommand({ TableName: opts.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }),
      );
      created.push(label);
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
  // The console's listing copy of the demo rule (also for data folders seeded before the console).
  await doc
    .send(
      new PutCommand({
        TableName: opts.tableName,
        Item: { ...keys.ruleDirectory(rule.id), ...rule },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    )
    .catch((error: unknown) => {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    });
  // Data folders seeded before the console: give the demo items their listing keys, once.
  for (const [key, listing] of [
    [keys.source(DEMO.source), keys.sourceListing(DEMO.source)],
    [keys.issuer(issuer.slug), keys.issuerListing(issuer.slug)],
    [keys.achievement(achievement.id), keys.achievementListing(achievement.id)],
  ] as const) {
    await doc
      .send(
        new UpdateCommand({
          TableName: opts.tableName,
          Key: key,
          UpdateExpression: 'SET gsi1pk = if_not_exists(gsi1pk, :pk), gsi1sk = if_not_exists(gsi1sk, :sk)',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':pk': listing.gsi1pk, ':sk': listing.gsi1sk },
        }),
      )
      .catch((error: unknown) => {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      });
  }
  const warnings: string[] = [];
  if (!created.includes(`issuer ${issuer.slug}`)) {
    const stored = await doc.send(new GetCommand({ TableName: opts.tableName, Key: keys.issuer(issuer.slug) }));
    // A data folder seeded before the VC-JWT form: give the demo issuer its RSA key, once.
    const storedIssuer = stored.Item ? issuerItem.parse(stored.Item) : undefined;
    if (storedIssuer && jwtKey && !issuerKeys(storedIssuer).some((k) => k.type === 'JsonWebKey')) {
      const upgraded = rotateKey(storedIssuer, jwtKey, new Date());
      await doc.send(
        new UpdateCommand({
          TableName: opts.tableName,
          Key: keys.issuer(issuer.slug),
          UpdateExpression: 'SET #keys = :keys',
          ConditionExpression: 'attribute_not_exists(#keys)',
          ExpressionAttributeNames: { '#keys': 'keys' },
          ExpressionAttributeValues: { ':keys': upgraded.keys },
        }),
      );
      created.push(`issuer ${issuer.slug} VC-JWT key`);
    }
    if (stored.Item?.publicKeyMultibase !== issuer.publicKeyMultibase) {
      warnings.push(
        `issuer ${issuer.slug} holds a public key that is not the one in keys/${DEMO.keyRef.slice('local:'.length)}.pem; ` +
          'its credentials will not verify. Delete the data folder to start over.',
      );
    }
  }
  return { issuer, achievement, rule, source: DEMO.source, created, warnings };
}
