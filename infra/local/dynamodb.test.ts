import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand, DescribeTimeToLiveCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { keys } from '#shared/tables/app-table.ts';
import { testTables } from '../../test/support/dynamo.ts';
import { createTables, startDynamoDbLocal } from './dynamodb.ts';
import { DEMO, seedDemo } from './seed.ts';

const db = await testTables();
const seeded = await testTables();
const dir = await mkdtemp(join(tmpdir(), 'laurel-ddb-'));
afterAll(() => rm(dir, { recursive: true, force: true }));
const KEY = 'z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK';

describe('createTables', () => {
  it('creates the app table with its keys, index and TTL from the shared definition', async () => {
    // Act
    const { Table } = await db.client.send(new DescribeTableCommand({ TableName: db.names.app }));
    const ttl = await db.client.send(new DescribeTimeToLiveCommand({ TableName: db.names.app }));

    // Assess
    expect(Table?.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    expect(Table?.GlobalSecondaryIndexes?.map((i) => [i.IndexName, i.KeySchema, i.Projection?.ProjectionType])).toEqual(
      [
        [
          'gsi1',
          [
            { AttributeName: 'gsi1pk', KeyType: 'HASH' },
            { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
          ],
          'ALL',
        ],
      ],
    );
    expect(ttl.TimeToLiveDescription).toMatchObject({ AttributeName: 'ttl', TimeToLiveStatus: 'ENABLED' });
  });

  it('creates the idempotency table with Powertools’ schema', async () => {
    const { Table } = await db.client.send(new DescribeTableCommand({ TableName: db.names.idempotency }));
    const ttl = await db.client.send(new DescribeTimeToLiveCommand({ TableName: db.names.idempotency }));
    expect(Table?.KeySchema).toEqual([{ AttributeName: 'id', KeyType: 'HASH' }]);
    expect(ttl.TimeToLiveDescription?.AttributeName).toBe('expiration');
  });

  it('leaves existing tables and their items alone when run again', async () => {
    // Prepare
    await db.client.send(new PutItemCommand({ TableName: db.names.app, Item: { pk: { S: 'KEEP' }, sk: { S: 'ME' } } }));

    // Act
    const created = await createTables(db.client, { AppTable: db.names.app, IdempotencyTable: db.names.idempotency });

    // Assess
    expect(created).toEqual([]);
    const kept = await db.docClient.send(new GetCommand({ TableName: db.names.app, Key: { pk: 'KEEP', sk: 'ME' } }));
    expect(kept.Item).toBeDefined();
  });

  it('refuses a definition it has no name for', async () => {
    await expect(createTables(db.client, { AppTable: db.names.app })).rejects.toThrow(/IdempotencyTable/);
  });
});

describe('seedDemo', () => {
  const seed = () =>
    seedDemo({
      client: seeded.client,
      tableName: seeded.names.app,
      publicBaseUrl: 'https://localhost:3443/',
      publicKeyMultibase: async () => KEY,
    });

  it('writes the demo source, issuer, achievement and rule, findable the way the award service looks', async () => {
    // Act
    const result = await seed();

    // Assess
    expect(result.created).toHaveLength(4);
    const issuer = await seeded.docClient.send(
      new GetCommand({ TableName: seeded.names.app, Key: keys.issuer('demo') }),
    );
    expect(issuer.Item).toMatchObject({
      slug: 'demo',
      name: 'Demo University',
      url: 'https://localhost:3443',
      keyRef: 'local:demo',
      keyFragment: 'key-1',
      publicKeyMultibase: KEY,
    });
    const source = await seeded.docClient.send(
      new GetCommand({ TableName: seeded.names.app, Key: keys.source('demo.lms') }),
    );
    expect(source.Item).toBeDefined();
    const rules = await seeded.docClient.send(
      new QueryCommand({
        TableName: seeded.names.app,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.ruleMatch(DEMO.source, DEMO.kind, DEMO.externalId).gsi1pk },
      }),
    );
    expect(rules.Items).toEqual([
      expect.objectContaining({
        id: 'cs101-completed',
        achievementId: 'intro-to-cs',
        conditions: { minScore: 70 },
        mode: 'live',
      }),
    ]);
  });

  it('is idempotent and keeps what an admin changed since', async () => {
    // Prepare
    await seeded.docClient.send(
      new UpdateCommand({
        TableName: seeded.names.app,
        Key: keys.rule('cs101-completed'),
        UpdateExpression: 'SET #m = :m',
        ExpressionAttributeNames: { '#m': 'mode' },
        ExpressionAttributeValues: { ':m': 'dry-run' },
      }),
    );

    // Act
    const again = await seed();

    // Assess
    expect(again.created).toEqual([]);
    expect(again.warnings).toEqual([]);
    const rule = await seeded.docClient.send(
      new GetCommand({ TableName: seeded.names.app, Key: keys.rule('cs101-completed') }),
    );
    expect(rule.Item?.mode).toBe('dry-run');
  });

  it('warns when the stored issuer key is not the key on disk any more', async () => {
    const result = await seedDemo({
      client: seeded.client,
      tableName: seeded.names.app,
      publicBaseUrl: 'https://localhost:3443',
      publicKeyMultibase: async () => 'z6MkOtherKeyOtherKeyOtherKeyOtherKeyOtherKeyOther',
    });
    expect(result.warnings).toEqual([expect.stringMatching(/will not verify/)]);
  });
});

describe('startDynamoDbLocal with a path', () => {
  it('keeps tables and items across a restart', async () => {
    // Prepare
    const first = await startDynamoDbLocal({ port: 0, path: dir });
    await createTables(first.client, { AppTable: 'app', IdempotencyTable: 'idem' });
    await first.client.send(new PutItemCommand({ TableName: 'app', Item: { pk: { S: 'A' }, sk: { S: 'B' } } }));
    await first.stop();

    // Act
    const second = await startDynamoDbLocal({ port: 0, path: dir });
    try {
      const created = await createTables(second.client, { AppTable: 'app', IdempotencyTable: 'idem' });
      const item = await second.client.send(new DescribeTableCommand({ TableName: 'app' }));

      // Assess
      expect(created).toEqual([]);
      expect(item.Table?.ItemCount).toBe(1);
    } finally {
      await second.stop();
    }
  }, 60_000);
});
