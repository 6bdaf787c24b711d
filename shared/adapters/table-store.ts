import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  type DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { type CredentialRecord, stripKeys } from '../tables/app-table.ts';
import { credentialFromItems, credentialItemsQuery, lacksDocument } from '../tables/credential-items.ts';

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

  /** A conditional write: true when it was made, false when its condition failed (another writer got there first). */
  protected async writeIf(command: PutCommand | UpdateCommand | DeleteCommand): Promise<boolean> {
    try {
      await this.doc.send(command as PutCommand);
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** Puts `item` unless an item with its key is there: false when one was. */
  protected putIfAbsent(item: Record<string, unknown>): Promise<boolean> {
    return this.writeIf(
      new PutCommand({ TableName: this.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }),
    );
  }

  /**
   * A credential with its signed document: its state and document items, in one Query on its partition. The document
   * is written before the state; an eventually consistent read that saw the state alone reads again, consistently.
   */
  protected async readCredential(id: string, consistent = false): Promise<CredentialRecord | undefined> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        ...credentialItemsQuery(id),
        ...(consistent && { ConsistentRead: true }),
      }),
    );
    const items = out.Items ?? [];
    if (!consistent && lacksDocument(items)) return this.readCredential(id, true);
    return credentialFromItems(items);
  }
}
