import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { stripKeys } from '../tables/app-table.ts';

/** What every store over the application table shares: the document client and a keyed read without key attributes. */
export abstract class TableStore {
  protected readonly doc: DynamoDBDocumentClient;
  protected readonly tableName: string;

  constructor(client: DynamoDBClient, tableName: string) {
    this.tableName = tableName;
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  /** `consistent` for a reader that follows a writer closely. */
  protected async get(key: { pk: string; sk: string }, consistent = false) {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: key, ...(consistent && { ConsistentRead: true }) }),
    );
    return stripKeys(out.Item);
  }
}
