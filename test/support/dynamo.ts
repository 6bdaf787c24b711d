import { randomBytes } from 'node:crypto';
import { DeleteTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, inject } from 'vitest';
import { createTables, localDynamoClient } from '#infra/local/dynamodb.ts';
import { ENV } from '#shared/env.ts';
import { appTable, idempotencyTable } from '#shared/tables/app-table.ts';

export interface TestTables {
  client: DynamoDBClient;
  docClient: DynamoDBDocumentClient;
  names: { app: string; idempotency: string };
  endpoint: string;
  /** What a service's wiring reads to use these tables (assign to `process.env` before importing it). */
  env: Record<string, string>;
}

/**
 * Creates an app table and an idempotency table with unique names on the run's shared DynamoDB Local (see
 * `test/setup/global.ts`), from the same definitions CDK reads. Call it at the top level of a test file
 * (`const db = await testTables();`): the tables are then deleted after the file.
 */
export async function testTables(): Promise<TestTables> {
  const endpoint = inject('dynamoEndpoint');
  const suffix = randomBytes(6).toString('hex');
  const names = { app: `app-${suffix}`, idempotency: `idempotency-${suffix}` };
  const client = localDynamoClient(endpoint);
  await createTables(client, { [appTable.id]: names.app, [idempotencyTable.id]: names.idempotency });
  const docClient = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  try {
    afterAll(async () => {
      await Promise.all(
        Object.values(names).map((TableName) =>
          client.send(new DeleteTableCommand({ TableName })).catch(() => undefined),
        ),
      );
      client.destroy();
    });
  } catch {
    // Called from inside a hook, where no hook can be added: the database is in memory and goes with the run.
  }
  return {
    client,
    docClient,
    names,
    endpoint,
    env: {
      [ENV.APP_TABLE_NAME]: names.app,
      [ENV.IDEMPOTENCY_TABLE_NAME]: names.idempotency,
      AWS_ENDPOINT_URL_DYNAMODB: endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
    },
  };
}
