import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { issuerKeys } from '../credentials/issuer-keys.ts';
import {
  type Achievement,
  type AnyRule,
  type ApiClient,
  achievementItem,
  anyRuleItem,
  apiClientItem,
  appTable,
  type ClaimRecord,
  type CredentialRecord,
  claimItem,
  type DryRunRecord,
  type DryRunStatus,
  dryRunItem,
  type EventRecord,
  eventRecordItem,
  type ImageRecord,
  type Issuer,
  imageItem,
  issuerItem,
  keys,
  learnerCredentialItem,
  type ProgressRecord,
  progressItem,
  type ReminderRecord,
  type Rule,
  reminderItem,
  ruleItem,
  type StackRule,
  stackRuleItem,
  stripKeys,
  type WalletGrant,
  type WalletGrantKind,
  walletGrantItem,
} from '../tables/app-table.ts';
import { credentialItems } from '../tables/credential-items.ts';
import { TableStore } from './table-store.ts';

export type SaveIssuanceResult = { created: true } | { created: false; existingCredentialId: string };
export type RedeemResult = 'redeemed' | 'used-or-expired';

const epochSeconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

const learnerIndexItem = (c: CredentialRecord) => ({
  ...keys.learnerCredential(c.learnerKey ?? '', c.issuedAt, c.id),
  ...learnerCredentialItem.parse({
    learnerKey: c.learnerKey,
    credentialId: c.id,
    achievementId: c.achievementId,
    issuerSlug: c.issuerSlug,
    issuedAt: c.issuedAt,
  }),
});

/**
 * The application table behind narrow ports. The only module that knows key strings beyond `keys`, and the only one
 * that speaks DynamoDB for the services.
 */
export class AppStore extends TableStore {
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
    return (out.Items ?? []).map((item) => ruleItem.parse(stripKeys(item)));
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
    const recorded = await this.writeIf(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.event(record.eventId), ...keys.eventLog(record.receivedAt, record.eventId), ...record },
        ConditionExpression: 'attribute_not_exists(pk) OR outcome = :rejected',
        ExpressionAttributeValues: { ':rejected': 'rejected' },
      }),
    );
    if (!recorded) await this.recordEvent({ ...record, eventId: `${record.eventId}/${deliveryId}` });
  }

  async getEvent(eventId: string): Promise<EventRecord | undefined> {
    const item = await this.get(keys.event(eventId));
    return item && eventRecordItem.parse(item);
  }

  /**
   * Stores a credential, its claim token hash and the (event, rule) issuance marker in one transaction. If the marker
   * already exists the event was issued before: nothing is written and the earlier credential id is returned.
   *
   * The signed document goes first, on its own (its item is written once and never again; outside the transaction it
   * costs half): the transaction then creates the credential, whose state item is what every reader starts from. A
   * cancelled transaction wrote nothing, so its document belongs to no credential and is deleted.
   */
  async saveIssuance(credential: CredentialRecord, claim: ClaimRecord): Promise<SaveIssuanceResult> {
    const marker = keys.issuance(credential.sourceEventId, credential.ruleId);
    const items = credentialItems(credential);
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: items.document,
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
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
              Put: { TableName: this.tableName, Item: items.state, ConditionExpression: 'attribute_not_exists(pk)' },
            },
            {
              Put: {
                TableName: this.tableName,
                // Kept a while past expiry so an expired link still gets a clear "expired" page, then cleaned up.
                Item: { ...keys.claim(claim.tokenHash), ...claim, ttl: epochSeconds(claim.expiresAt) + 90 * 86_400 },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            // The learner index, for the console's search by email (its key is an HMAC, never the email).
            ...(credential.learnerKey
              ? [{ Put: { TableName: this.tableName, Item: learnerIndexItem(credential) } }]
              : []),
          ],
        }),
      );
      return { created: true };
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      // Best effort: a document left behind is never read (no state item points to it), only stored.
      await this.doc
        .send(new DeleteCommand({ TableName: this.tableName, Key: keys.credentialDocument(credential.id) }))
        .catch(() => undefined);
      if (error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') {
        const existing = await this.doc.send(
          new GetCommand({ TableName: this.tableName, Key: marker, ConsistentRead: true }),
        );
        const existingCredentialId = existing.Item?.credentialId;
        if (typeof existingCredentialId === 'string') return { created: false, existingCredentialId };
      }
      throw error;
    }
  }

  /**
   * A credential with its signed document (one Query on its partition). `consistent` for a reader that follows the
   * writer closely (notify right after award).
   */
  async getCredential(id: string, opts: { consistent?: boolean } = {}): Promise<CredentialRecord | undefined> {
    return this.readCredential(id, opts.consistent);
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

  /**
   * Marks the claim email sent; with `firstReminder`, schedules the first reminder first. Two plain writes, not a
   * transaction (which would cost twice): stopped between them, the credential still reads as unsent, as when stopped
   * before both, and the retried message writes both again (the reminder is the same item either way).
   */
  async markEmailSent(credentialId: string, at: string, firstReminder?: ReminderRecord): Promise<void> {
    if (firstReminder)
      await this.doc.send(new PutCommand({ TableName: this.tableName, Item: this.reminderItem(firstReminder) }));
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

  // ---- reminders, unsubscribe, bounces, resend (the learner's side) ----

  private reminderItem(reminder: ReminderRecord) {
    const parsed = reminderItem.parse(reminder);
    return { ...keys.reminder(parsed.credentialId), ...keys.reminderDue(parsed.dueAt, parsed.credentialId), ...parsed };
  }

  /** Reminders due on `day` (the index partition of that UTC day) at or before `now`, oldest first: one Query. */
  async dueReminders(day: string, now: string, limit = 100): Promise<ReminderRecord[]> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: appTable.indexes[0].name,
        KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk <= :upTo',
        ExpressionAttributeValues: { ':pk': keys.remindersOn(day), ':upTo': `${now}#~` },
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map((item) => reminderItem.parse(stripKeys(item)));
  }

  /**
   * Moves a reminder on from `step` (to `next`, or away when it was the last), only if nobody else did: false when
   * another run got there first, so each reminder is sent by one run at most.
   */
  async advanceReminder(credentialId: string, step: number, next?: ReminderRecord): Promise<boolean> {
    const condition = { ConditionExpression: 'step = :step', ExpressionAttributeValues: { ':step': step } };
    return this.writeIf(
      next
        ? new PutCommand({ TableName: this.tableName, Item: this.reminderItem(next), ...condition })
        : new DeleteCommand({ TableName: this.tableName, Key: keys.reminder(credentialId), ...condition }),
    );
  }

  /** Drops a credential's pending reminder, if any (claimed, unsubscribed, bounced, link expired). */
  async cancelReminder(credentialId: string): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: keys.reminder(credentialId) }));
  }

  /** The learner unsubscribed: the credential remembers it and its pending reminder goes, in one transaction. */
  async stopReminders(credentialId: string, at: string): Promise<void> {
    await this.doc.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: this.tableName,
              Key: keys.credential(credentialId),
              UpdateExpression: 'SET remindersStoppedAt = if_not_exists(remindersStoppedAt, :at)',
              ConditionExpression: 'attribute_exists(pk)',
              ExpressionAttributeValues: { ':at': at },
            },
          },
          { Delete: { TableName: this.tableName, Key: keys.reminder(credentialId) } },
        ],
      }),
    );
  }

  /** SES reported a permanent bounce or a complaint: the credential shows it, and no reminder follows. */
  async markEmailProblem(credentialId: string, status: 'bounced' | 'complained', at: string): Promise<boolean> {
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: keys.credential(credentialId),
                UpdateExpression: 'SET emailStatus = :status, emailProblemAt = :at',
                ConditionExpression: 'attribute_exists(pk)',
                ExpressionAttributeValues: { ':status': status, ':at': at },
              },
            },
            { Delete: { TableName: this.tableName, Key: keys.reminder(credentialId) } },
          ],
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof TransactionCanceledException) return false;
      throw error;
    }
  }

  /**
   * A new claim link for an unclaimed credential (resend, possibly to a corrected address): the old token's item is
   * deleted, so the old link stops working, and the new one is stored, in one transaction that fails if the
   * credential was claimed (or changed) meanwhile.
   */
  async replaceClaim(
    credential: CredentialRecord,
    change: {
      oldTokenHash: string;
      claim: ClaimRecord;
      claimNonce: string;
      recipientEmail: string;
      /** The corrected address's learner key: the learner index entry moves with it. */
      learnerKey?: string;
    },
  ): Promise<'replaced' | 'conflict'> {
    const moveIndex = change.learnerKey !== undefined && change.learnerKey !== credential.learnerKey;
    const indexMoves = moveIndex
      ? [
          ...(credential.learnerKey
            ? [
                {
                  Delete: {
                    TableName: this.tableName,
                    Key: keys.learnerCredential(credential.learnerKey, credential.issuedAt, credential.id),
                  },
                },
              ]
            : []),
          {
            Put: {
              TableName: this.tableName,
              Item: learnerIndexItem({ ...credential, learnerKey: change.learnerKey }),
            },
          },
        ]
      : [];
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: keys.credential(credential.id),
                UpdateExpression: `SET claimNonce = :nonce, recipientEmail = :email, emailStatus = :pending${
                  moveIndex ? ', learnerKey = :learner' : ''
                } REMOVE emailSentAt, emailProblemAt`,
                ConditionExpression: 'attribute_exists(pk) AND claimNonce = :old AND attribute_not_exists(claimedAt)',
                ExpressionAttributeValues: {
                  ':nonce': change.claimNonce,
                  ':email': change.recipientEmail,
                  ':pending': 'pending',
                  ':old': credential.claimNonce,
                  ...(moveIndex ? { ':learner': change.learnerKey } : {}),
                },
              },
            },
            { Delete: { TableName: this.tableName, Key: keys.claim(change.oldTokenHash) } },
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  ...keys.claim(change.claim.tokenHash),
                  ...claimItem.parse(change.claim),
                  ttl: epochSeconds(change.claim.expiresAt) + 90 * 86_400,
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            { Delete: { TableName: this.tableName, Key: keys.reminder(credential.id) } },
            ...indexMoves,
          ],
        }),
      );
      return 'replaced';
    } catch (error) {
      if (error instanceof TransactionCanceledException) return 'conflict';
      throw error;
    }
  }

  // ---- wallet grants ----

  /** Stores a grant; DynamoDB's TTL removes it a day after it expires. */
  async putWalletGrant(grant: WalletGrant): Promise<void> {
    const parsed = walletGrantItem.parse(grant);
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...keys.walletGrant(parsed.kind, parsed.secretHash),
          ...parsed,
          ttl: epochSeconds(parsed.expiresAt) + 86_400,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async getWalletGrant(kind: WalletGrantKind, secretHash: string): Promise<WalletGrant | undefined> {
    const item = await this.get(keys.walletGrant(kind, secretHash), true);
    return item && walletGrantItem.parse(item);
  }

  /** Spends a grant once: the grant when it existed, was unused and unexpired at `now`; undefined otherwise. */
  async useWalletGrant(kind: WalletGrantKind, secretHash: string, now: string): Promise<WalletGrant | undefined> {
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.walletGrant(kind, secretHash),
          UpdateExpression: 'SET usedAt = :now',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(usedAt) AND expiresAt > :now',
          ExpressionAttributeValues: { ':now': now },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return walletGrantItem.parse(stripKeys(out.Attributes));
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  // ---- pathways, dry runs, rules and images (the console's part of the award path) ----

  /** Any rule by id (match or stack). */
  async getRule(id: string): Promise<AnyRule | undefined> {
    const item = await this.get(keys.rule(id));
    return item && anyRuleItem.parse(item);
  }

  /** Stacking rules that count `achievementId` toward their pathway: one Query. */
  async findStackRules(achievementId: string): Promise<StackRule[]> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.stackRequirementPartition(achievementId) },
      }),
    );
    return (out.Items ?? []).map((item) => stackRuleItem.parse(stripKeys(item)));
  }

  /** Adds an earned achievement to a learner's progress on a pathway (a set: adding twice counts once). */
  async addProgress(ruleId: string, learnerKey: string, achievementId: string, at: string): Promise<ProgressRecord> {
    const out = await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.progress(ruleId, learnerKey),
        UpdateExpression: 'ADD earned :earned SET ruleId = :rule, learnerKey = :learner, updatedAt = :at',
        ExpressionAttributeValues: {
          ':earned': new Set([achievementId]),
          ':rule': ruleId,
          ':learner': learnerKey,
          ':at': at,
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return progressItem.parse(stripKeys(out.Attributes));
  }

  async getProgress(ruleId: string, learnerKey: string): Promise<ProgressRecord | undefined> {
    const item = await this.get(keys.progress(ruleId, learnerKey));
    return item && progressItem.parse(item);
  }

  /** Notes the pathway credential on the learner's progress. */
  async completeProgress(ruleId: string, learnerKey: string, credentialId: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.progress(ruleId, learnerKey),
        UpdateExpression: 'SET credentialId = if_not_exists(credentialId, :id)',
        ExpressionAttributeValues: { ':id': credentialId },
      }),
    );
  }

  /** Keeps a dry-run rule's would-be award; false when this (event, rule) was recorded before (a redelivery). */
  async recordDryRun(record: DryRunRecord): Promise<boolean> {
    const parsed = dryRunItem.parse(record);
    return this.putIfAbsent({
      ...keys.dryRun(parsed.eventId, parsed.ruleId),
      ...keys.dryRunLog(parsed.ruleId, parsed.recordedAt, parsed.eventId),
      ...parsed,
    });
  }

  async getDryRun(eventId: string, ruleId: string): Promise<DryRunRecord | undefined> {
    const item = await this.get(keys.dryRun(eventId, ruleId), true);
    return item && dryRunItem.parse(item);
  }

  /**
   * Moves a dry-run record from one of `from` to `to` (with the given fields), only if it is in one of `from`: false
   * otherwise, so two promotions of one record cannot both proceed.
   */
  async moveDryRun(
    eventId: string,
    ruleId: string,
    from: readonly DryRunStatus[],
    to: DryRunStatus,
    fields: Partial<Pick<DryRunRecord, 'promotedAt' | 'promotedBy' | 'credentialId' | 'reason'>> = {},
  ): Promise<boolean> {
    const names: Record<string, string> = { '#status': 'status' };
    const values: Record<string, unknown> = { ':to': to };
    const sets = ['#status = :to'];
    for (const [k, v] of Object.entries(fields)) {
      if (v === undefined) continue;
      names[`#${k}`] = k;
      values[`:${k}`] = v;
      sets.push(`#${k} = :${k}`);
    }
    from.forEach((f, i) => {
      values[`:from${i}`] = f;
    });
    return this.writeIf(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.dryRun(eventId, ruleId),
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression: `attribute_exists(pk) AND #status IN (${from.map((_, i) => `:from${i}`).join(', ')})`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }

  /** An uploaded badge image, by its file name (`<sha256>.<png|svg>`). */
  async getImage(id: string): Promise<ImageRecord | undefined> {
    const item = await this.get(keys.image(id));
    return item && imageItem.parse(item);
  }

  /** Cheap reachability probe for `/health`. */
  async ping(): Promise<void> {
    await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { pk: 'HEALTH', sk: 'HEALTH' } }));
  }

  // ---- writes used by seeding and (later) the admin API ----

  /** Each returns false when the item already existed: seeding and the CLI never overwrite. */
  async putIssuer(issuer: Issuer) {
    return this.putIfAbsent({
      ...keys.issuer(issuer.slug),
      ...keys.issuerListing(issuer.slug),
      ...issuerItem.parse(issuer),
    });
  }
  async putAchievement(achievement: Achievement) {
    return this.putIfAbsent({
      ...keys.achievement(achievement.id),
      ...keys.achievementListing(achievement.id),
      ...achievementItem.parse(achievement),
    });
  }
  /** A match rule with its listing copy, in one transaction; false when the rule already existed. */
  async putRule(rule: Rule) {
    const parsed = ruleItem.parse(rule);
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  ...keys.rule(parsed.id),
                  ...keys.ruleMatch(parsed.source, parsed.kind, parsed.externalId),
                  ...keys.ruleMatchSort(parsed.id),
                  ...parsed,
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            { Put: { TableName: this.tableName, Item: { ...keys.ruleDirectory(parsed.id), ...parsed } } },
          ],
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof TransactionCanceledException) return false;
      throw error;
    }
  }
  async putSource(name: string) {
    return this.putIfAbsent({ ...keys.source(name), ...keys.sourceListing(name), name });
  }

  // ---- issuer keys over time, and VC-API clients (issue 3) ----

  /**
   * Writes an issuer's new key list (and the legacy fields mirroring its active Ed25519 key), only if nobody changed
   * the keys since `before` was read: false when someone else did, so two rotations never silently overwrite each
   * other.
   */
  async saveIssuerKeys(before: Issuer, after: Issuer): Promise<boolean> {
    const parsed = issuerItem.parse(after);
    return this.writeIf(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.issuer(before.slug),
        UpdateExpression: 'SET #keys = :keys, keyRef = :keyRef, keyFragment = :keyFragment, publicKeyMultibase = :pk',
        ConditionExpression: before.keys
          ? 'attribute_exists(pk) AND keyRef = :oldKeyRef AND size(#keys) = :oldCount'
          : 'attribute_exists(pk) AND keyRef = :oldKeyRef AND attribute_not_exists(#keys)',
        ExpressionAttributeNames: { '#keys': 'keys' },
        ExpressionAttributeValues: {
          // A record without a list gets one, so the guard below works from then on.
          ':keys': issuerKeys(parsed),
          ':keyRef': parsed.keyRef,
          ':keyFragment': parsed.keyFragment,
          ':pk': parsed.publicKeyMultibase,
          ':oldKeyRef': before.keyRef,
          ...(before.keys ? { ':oldCount': before.keys.length } : {}),
        },
      }),
    );
  }

  async getApiClient(clientId: string): Promise<ApiClient | undefined> {
    const item = await this.get(keys.apiClient(clientId));
    return item && apiClientItem.parse(item);
  }

  /** Creates or replaces a VC-API client's allowed issuers (an operator action: the mapping is the policy). */
  async putApiClient(client: ApiClient): Promise<void> {
    const parsed = apiClientItem.parse(client);
    await this.doc.send(
      new PutCommand({ TableName: this.tableName, Item: { ...keys.apiClient(parsed.clientId), ...parsed } }),
    );
  }

  // ---- end of issuer keys and VC-API clients ----
}
