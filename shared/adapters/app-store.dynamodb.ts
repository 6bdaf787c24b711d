import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  type Achievement,
  achievementItem,
  appTable,
  type ClaimRecord,
  type CredentialRecord,
  claimItem,
  credentialItem,
  type EventRecord,
  eventRecordItem,
  type Issuer,
  issuerItem,
  keys,
  type Rule,
  ruleItem,
} from '../tables/app-table.ts';

export type SaveIssuanceResult = { created: true } | { created: false; existingCredentialId: string };
export type RedeemResult = 'redeemed' | 'used-or-expired';

const strip = <T extends Record<string, unknown>>(item: T | undefined) => {
  if (!item) return undefined;
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g2, ttl: _ttl, ...rest } = item;
  return rest;
};

const epochSeconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

/**
 * The application table behind narrow ports. The only module that knows key strings beyond `keys`, and the only one
 * that speaks DynamoDB for the services.
 */
export class AppStore {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  private async get(key: { pk: string; sk: string }, consistent = false) {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: key, ...(consistent && { ConsistentRead: true }) }),
    );
    return strip(out.Item);
  }

  async getIssuer(slug: string): Promise<Issuer | undefined> {
    const item = await this.get(keys.issuer(slug));
    return item && issuerItem.parse(item);
  }

  async getAchievement(id: string): Promise<Achievement | undefined> {
    const item = await this.get(keys.achievement(id));
    return item && achievementItem.parse(item);
  }

  async isSourceAllowed(source: string): Promise<boolean> {
    return (await this.get(keys.source(source))) !== undefined;
  }

  /** Rules whose match key (source, kind, external id) equals the event's: one Query on the index. */
  async findRules(source: string, kind: string, externalId: string): Promise<Rule[]> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: appTable.indexes[0].name,
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.ruleMatch(source, kind, externalId).gsi1pk },
      }),
    );
    return (out.Items ?? []).map((item) => ruleItem.parse(strip(item)));
  }

  async recordEvent(record: EventRecord): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.event(record.eventId), ...keys.eventLog(record.receivedAt, record.eventId), ...record },
      }),
    );
  }

  /**
   * Records a rejected event under its eventId, unless that id already stands for an accepted event: then the
   * rejection goes under `<eventId>/<deliveryId>` so neither record is lost.
   */
  async recordRejection(record: EventRecord, deliveryId: string): Promise<void> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.event(record.eventId), ...keys.eventLog(record.receivedAt, record.eventId), ...record },
          ConditionExpression: 'attribute_not_exists(pk) OR outcome = :rejected',
          ExpressionAttributeValues: { ':rejected': 'rejected' },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      await this.recordEvent({ ...record, eventId: `${record.eventId}/${deliveryId}` });
    }
  }

  async getEvent(eventId: string): Promise<EventRecord | undefined> {
    const item = await this.get(keys.event(eventId));
    return item && eventRecordItem.parse(item);
  }

  /**
   * Stores a credential, its claim token hash and the (event, rule) issuance marker in one transaction. If the marker
   * already exists the event was issued before: nothing is written and the earlier credential id is returned.
   */
  async saveIssuance(credential: CredentialRecord, claim: ClaimRecord): Promise<SaveIssuanceResult> {
    const marker = keys.issuance(credential.sourceEventId, credential.ruleId);
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: { ...marker, credentialId: credential.id },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  ...keys.credential(credential.id),
                  ...keys.credentialLog(credential.issuedAt, credential.id),
                  ...credential,
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Put: {
                TableName: this.tableName,
                // Kept a while past expiry so an expired link still gets a clear "expired" page, then cleaned up.
                Item: { ...keys.claim(claim.tokenHash), ...claim, ttl: epochSeconds(claim.expiresAt) + 90 * 86_400 },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
        }),
      );
      return { created: true };
    } catch (error) {
      if (
        error instanceof TransactionCanceledException &&
        error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed'
      ) {
        const existing = await this.doc.send(
          new GetCommand({ TableName: this.tableName, Key: marker, ConsistentRead: true }),
        );
        const existingCredentialId = existing.Item?.credentialId;
        if (typeof existingCredentialId === 'string') return { created: false, existingCredentialId };
      }
      throw error;
    }
  }

  /** `consistent` for a reader that follows the writer closely (notify right after award). */
  async getCredential(id: string, opts: { consistent?: boolean } = {}): Promise<CredentialRecord | undefined> {
    const item = await this.get(keys.credential(id), opts.consistent);
    return item && credentialItem.parse(item);
  }

  async getClaim(tokenHash: string): Promise<ClaimRecord | undefined> {
    const item = await this.get(keys.claim(tokenHash), true);
    return item && claimItem.parse(item);
  }

  /** Marks the token used and the credential claimed, atomically; fails if the token was used or has expired. */
  async redeemClaim(claim: ClaimRecord, now: string): Promise<RedeemResult> {
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: keys.claim(claim.tokenHash),
                UpdateExpression: 'SET usedAt = :now',
                ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(usedAt) AND expiresAt > :now',
                ExpressionAttributeValues: { ':now': now },
              },
            },
            {
              Update: {
                TableName: this.tableName,
                Key: keys.credential(claim.credentialId),
                UpdateExpression: 'SET claimedAt = if_not_exists(claimedAt, :now)',
                ConditionExpression: 'attribute_exists(pk)',
                ExpressionAttributeValues: { ':now': now },
              },
            },
          ],
        }),
      );
      return 'redeemed';
    } catch (error) {
      if (error instanceof TransactionCanceledException) return 'used-or-expired';
      throw error;
    }
  }

  async markEmailSent(credentialId: string, at: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.credential(credentialId),
        UpdateExpression: 'SET emailStatus = :sent, emailSentAt = :at',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':sent': 'sent', ':at': at },
      }),
    );
  }

  /** Cheap reachability probe for `/health`. */
  async ping(): Promise<void> {
    await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { pk: 'HEALTH', sk: 'HEALTH' } }));
  }

  // ---- writes used by seeding and (later) the admin API ----

  /** Each returns false when the item already existed: seeding and the CLI never overwrite. */
  async putIssuer(issuer: Issuer) {
    return this.putIfAbsent({ ...keys.issuer(issuer.slug), ...issuerItem.parse(issuer) });
  }
  async putAchievement(achievement: Achievement) {
    return this.putIfAbsent({ ...keys.achievement(achievement.id), ...achievementItem.parse(achievement) });
  }
  async putRule(rule: Rule) {
    const parsed = ruleItem.parse(rule);
    return this.putIfAbsent({
      ...keys.rule(parsed.id),
      ...keys.ruleMatch(parsed.source, parsed.kind, parsed.externalId),
      ...keys.ruleMatchSort(parsed.id),
      ...parsed,
    });
  }
  async putSource(name: string) {
    return this.putIfAbsent({ ...keys.source(name), name });
  }

  private async putIfAbsent(item: Record<string, unknown>): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({ TableName: this.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
