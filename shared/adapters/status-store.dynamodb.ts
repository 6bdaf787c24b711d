import { randomUUID } from 'node:crypto';
import { type DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type BatchGetCommandInput,
  type BatchGetCommandOutput,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  emptyEncodedList,
  MAX_INDEX_DRAWS,
  randomStatusIndex,
  STATUS_LIST_CAPACITY,
  STATUS_LIST_LENGTH,
  setStatusBits,
} from '../credentials/status-list.ts';
import {
  appTable,
  type CredentialStateRecord,
  credentialStateItem,
  keys,
  type SignedStatusList,
  type StatusAction,
  type StatusChangeRecord,
  type StatusEntry,
  type StatusHead,
  type StatusListBits,
  type StatusListRecord,
  type StatusPurpose,
  statusHeadItem,
  statusListBitsItem,
  statusListItem,
  statusListSignedItem,
  stripKeys,
} from '../tables/app-table.ts';
import { TableStore } from './table-store.ts';

/** What award asks for before it signs: an index of its own in the issuer's open list of that purpose. */
export interface AllocateStatusRequest {
  issuerSlug: string;
  purpose: StatusPurpose;
  credentialId: string;
  /** Recorded on revocation entries so an achievement's credentials can be revoked together. */
  achievementId?: string;
  at: string;
}

export interface StatusListState {
  list: StatusListRecord;
  bits: StatusListBits;
  signed?: SignedStatusList;
}

/** One credential's part of a status change: its audit record names the list, index, action, actor and reason. */
export type StatusChange = StatusChangeRecord;

export type CommitResult = { committed: true } | { committed: false; conflicts: string[] };

/** Items one transaction may hold (DynamoDB: 100): the bits, then a credential update and an audit record each. */
export const MAX_CHANGES_PER_COMMIT = 49;

export interface StatusStoreOptions {
  /** Bits per new list; tests shrink it to fill lists quickly. */
  listLength?: number;
  /** Allocations after which a list takes no more. */
  listCapacity?: number;
  /** Index draws; tests make them collide on purpose. */
  random?: (length: number) => number;
}

const BIT_FOR: Record<StatusAction, boolean> = { revoke: true, suspend: true, reinstate: false };

/** The credential update of each action, conditioned so a change applies once and never against the rules. */
const CREDENTIAL_UPDATE: Record<StatusAction, { update: string; condition: string }> = {
  revoke: {
    update: 'SET revokedAt = :at',
    condition: 'attribute_exists(pk) AND attribute_not_exists(revokedAt)',
  },
  suspend: {
    update: 'SET suspendedAt = :at',
    condition: 'attribute_exists(pk) AND attribute_not_exists(revokedAt) AND attribute_not_exists(suspendedAt)',
  },
  reinstate: {
    update: 'SET reinstatedAt = :at REMOVE suspendedAt',
    condition: 'attribute_exists(pk) AND attribute_not_exists(revokedAt) AND attribute_exists(suspendedAt)',
  },
};

const isCancelledBy = (error: unknown, code: string) =>
  error instanceof TransactionCanceledException && (error.CancellationReasons ?? []).some((r) => r.Code === code);

const pause = (attempt: number) => new Promise((r) => setTimeout(r, Math.random() * 20 * 2 ** attempt));

/**
 * The Bitstring Status Lists in the application table: allocation of random indexes with conditional writes, the
 * bits of each list with optimistic versioning, the cached signed list credential, and status changes written with
 * their audit records in one transaction per list.
 */
export class StatusStore extends TableStore {
  private readonly listLength: number;
  private readonly listCapacity: number;
  private readonly random: (length: number) => number;
  /**
   * The head last seen per issuer and purpose, so an allocation costs two writes and no read. Safe when stale: the
   * slot reservation is conditioned on the list and its capacity, so a stale head only costs a re-read.
   */
  private readonly heads = new Map<string, StatusHead>();

  constructor(client: DynamoDBClient, tableName: string, options: StatusStoreOptions = {}) {
    super(client, tableName);
    this.listLength = options.listLength ?? STATUS_LIST_LENGTH;
    this.listCapacity = options.listCapacity ?? STATUS_LIST_CAPACITY;
    this.random = options.random ?? randomStatusIndex;
  }

  // ---- allocation ----

  /**
   * A random, never-shared index in the issuer's current list of `purpose`.
   *
   * 1. Read the head (which list takes new entries; cached per process); the first call for an issuer and purpose
   *    opens a list.
   * 2. Reserve a slot on the head: one conditional update that holds only while the head still names that list and
   *    has room, so a list never takes more than its capacity however many allocators race. A full head moves to a
   *    fresh list (one writer wins the move); a moved one is read again.
   * 3. Draw an index in the reserved list and claim it with `attribute_not_exists`; a taken one is drawn again
   *    (`MAX_INDEX_DRAWS`).
   */
  async allocateStatusIndex(request: AllocateStatusRequest): Promise<StatusEntry> {
    const { issuerSlug, purpose, at } = request;
    const cacheKey = `${issuerSlug}#${purpose}`;
    for (let attempt = 0; attempt < 10; attempt++) {
      const head = this.heads.get(cacheKey) ?? (await this.currentHead(issuerSlug, purpose, at));
      if (!(await this.reserveSlot(head))) {
        this.heads.delete(cacheKey);
        const fresh = await this.currentHead(issuerSlug, purpose, at);
        if (fresh.listId === head.listId && fresh.allocated >= this.listCapacity) await this.rollOver(fresh, at);
        continue;
      }
      this.heads.set(cacheKey, head);
      const index = await this.claimIndex(head.listId, request);
      return { purpose, listId: head.listId, index };
    }
    throw new Error(`no open status list for ${issuerSlug}/${purpose}`);
  }

  private async currentHead(issuerSlug: string, purpose: StatusPurpose, at: string): Promise<StatusHead> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const out = await this.doc.send(
        new GetCommand({ TableName: this.tableName, Key: keys.statusHead(issuerSlug, purpose), ConsistentRead: true }),
      );
      const head = stripKeys(out.Item);
      if (head) return statusHeadItem.parse(head);
      const listId = randomUUID();
      try {
        await this.doc.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: this.tableName,
                  Item: { ...keys.statusHead(issuerSlug, purpose), issuerSlug, purpose, listId, allocated: 0 },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              ...(await this.newListItems(listId, issuerSlug, purpose, at)),
            ],
          }),
        );
      } catch (error) {
        // Another allocator opened the first list at the same moment: use theirs.
        if (!(error instanceof TransactionCanceledException)) throw error;
      }
    }
    throw new Error(`could not open a status list for ${issuerSlug}/${purpose}`);
  }

  private async newListItems(listId: string, issuerSlug: string, purpose: StatusPurpose, at: string) {
    const list: StatusListRecord = { listId, issuerSlug, purpose, length: this.listLength, createdAt: at };
    const bits: StatusListBits = {
      listId,
      encodedList: await emptyEncodedList(this.listLength),
      version: 0,
      updatedAt: at,
    };
    return [
      {
        Put: {
          TableName: this.tableName,
          Item: { ...keys.statusList(listId), ...list },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Put: {
          TableName: this.tableName,
          Item: { ...keys.statusListBits(listId), ...bits },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    ];
  }

  /** Moves the head from `head.listId` to a new list, unless someone already did. */
  private async rollOver(head: StatusHead, at: string): Promise<void> {
    const listId = randomUUID();
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: keys.statusHead(head.issuerSlug, head.purpose),
                UpdateExpression: 'SET listId = :new, allocated = :zero',
                ConditionExpression: 'listId = :old',
                ExpressionAttributeValues: { ':new': listId, ':old': head.listId, ':zero': 0 },
              },
            },
            ...(await this.newListItems(listId, head.issuerSlug, head.purpose, at)),
          ],
        }),
      );
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
    }
  }

  private async claimIndex(listId: string, request: AllocateStatusRequest): Promise<number> {
    for (let draw = 0; draw < MAX_INDEX_DRAWS; draw++) {
      const index = this.random(this.listLength);
      const claimed = await this.putIfAbsent({
        ...keys.statusIndex(listId, index),
        ...(request.purpose === 'revocation' && request.achievementId
          ? keys.achievementCredential(request.achievementId, request.credentialId)
          : {}),
        listId,
        index,
        credentialId: request.credentialId,
        purpose: request.purpose,
        achievementId: request.achievementId,
        allocatedAt: request.at,
      });
      if (claimed) return index;
    }
    throw new Error(`status list ${listId}: ${MAX_INDEX_DRAWS} index draws all collided`);
  }

  /** Takes one slot of the head's list; false when the head has moved on or the list is at capacity. */
  private async reserveSlot(head: StatusHead): Promise<boolean> {
    return this.writeIf(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.statusHead(head.issuerSlug, head.purpose),
        UpdateExpression: 'ADD allocated :one',
        ConditionExpression: 'listId = :list AND allocated < :capacity',
        ExpressionAttributeValues: { ':one': 1, ':list': head.listId, ':capacity': this.listCapacity },
      }),
    );
  }

  // ---- lists ----

  /** A list's facts, bits and cached signed credential in one strongly consistent query; undefined if unknown. */
  async getStatusList(listId: string): Promise<StatusListState | undefined> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.statusList(listId).pk },
        ConsistentRead: true,
      }),
    );
    const bySk = new Map((out.Items ?? []).map((i) => [String(i.sk), stripKeys(i)]));
    const list = bySk.get(keys.statusList(listId).sk);
    const bits = bySk.get(keys.statusListBits(listId).sk);
    if (!list || !bits) return undefined;
    const signed = bySk.get(keys.statusListSigned(listId).sk);
    return {
      list: statusListItem.parse(list),
      bits: statusListBitsItem.parse(bits),
      ...(signed ? { signed: statusListSignedItem.parse(signed) } : {}),
    };
  }

  /** Caches a signed list credential unless a newer one (higher version, or same version valid longer) is there. */
  async saveSignedStatusList(signed: SignedStatusList): Promise<void> {
    // Not written when a newer one is there: nothing to do then.
    await this.writeIf(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.statusListSigned(signed.listId), ...signed },
        ConditionExpression: 'attribute_not_exists(pk) OR version < :v OR (version = :v AND validUntil < :until)',
        ExpressionAttributeValues: { ':v': signed.version, ':until': signed.validUntil },
      }),
    );
  }

  // ---- status changes ----

  /**
   * Credentials by id, their state items only (BatchGetItem, 100 a call, unprocessed keys retried); missing ids are
   * simply absent.
   */
  async getCredentials(ids: readonly string[]): Promise<CredentialStateRecord[]> {
    const found: CredentialStateRecord[] = [];
    for (let i = 0; i < ids.length; i += 100) {
      let request: BatchGetCommandInput['RequestItems'] = {
        [this.tableName]: {
          Keys: [...new Set(ids.slice(i, i + 100))].map((id) => ({ ...keys.credential(id) })),
          ConsistentRead: true,
        },
      };
      for (let attempt = 0; request && Object.keys(request).length > 0; attempt++) {
        if (attempt > 8) throw new Error('BatchGetItem kept returning unprocessed keys');
        if (attempt > 0) await pause(attempt);
        const out: BatchGetCommandOutput = await this.doc.send(new BatchGetCommand({ RequestItems: request }));
        for (const item of out.Responses?.[this.tableName] ?? [])
          found.push(credentialStateItem.parse(stripKeys(item)));
        request = out.UnprocessedKeys;
      }
    }
    return found;
  }

  /** A page of the ids of an achievement's credentials (those with a revocation entry), oldest list first. */
  async credentialIdsOfAchievement(
    achievementId: string,
    page: { cursor?: string; limit?: number } = {},
  ): Promise<{ ids: string[]; cursor?: string }> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: appTable.indexes[0].name,
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.achievementCredentials(achievementId) },
        Limit: page.limit ?? 500,
        ...(page.cursor ? { ExclusiveStartKey: JSON.parse(Buffer.from(page.cursor, 'base64url').toString()) } : {}),
      }),
    );
    const ids = (out.Items ?? []).map((i) => String(i.credentialId));
    return {
      ids,
      ...(out.LastEvaluatedKey
        ? { cursor: Buffer.from(JSON.stringify(out.LastEvaluatedKey)).toString('base64url') }
        : {}),
    };
  }

  /**
   * Applies one action to up to `MAX_CHANGES_PER_COMMIT` credentials of one list, atomically: the list's bits (a
   * conditional write on its version), each credential (conditioned on its current status) and each audit record.
   * A concurrent change to the bits is retried here; a credential whose status changed meanwhile is reported in
   * `conflicts` and nothing is written.
   */
  async commitStatusChange(input: {
    listId: string;
    action: StatusAction;
    changes: readonly StatusChange[];
  }): Promise<CommitResult> {
    const { listId, action, changes } = input;
    if (changes.length === 0) return { committed: true };
    if (changes.length > MAX_CHANGES_PER_COMMIT) throw new Error(`at most ${MAX_CHANGES_PER_COMMIT} changes a commit`);
    if (changes.some((c) => c.listId !== listId || c.action !== action))
      throw new Error('one list and action a commit');
    const { update, condition } = CREDENTIAL_UPDATE[action];

    for (let attempt = 0; ; attempt++) {
      const out = await this.doc.send(
        new GetCommand({ TableName: this.tableName, Key: keys.statusListBits(listId), ConsistentRead: true }),
      );
      if (!out.Item) throw new Error(`status list ${listId} does not exist`);
      const bits = statusListBitsItem.parse(stripKeys(out.Item));
      const encodedList = await setStatusBits(
        bits.encodedList,
        changes.map((c) => c.index),
        BIT_FOR[action],
      );
      const at = changes[0]?.at as string;
      try {
        await this.doc.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: this.tableName,
                  Key: keys.statusListBits(listId),
                  UpdateExpression: 'SET encodedList = :list, version = :next, updatedAt = :at',
                  ConditionExpression: 'version = :current',
                  ExpressionAttributeValues: {
                    ':list': encodedList,
                    ':next': bits.version + 1,
                    ':current': bits.version,
                    ':at': at,
                  },
                },
              },
              ...changes.flatMap((change) => [
                {
                  Update: {
                    TableName: this.tableName,
                    Key: keys.credential(change.credentialId),
                    UpdateExpression: update,
                    ConditionExpression: condition,
                    ExpressionAttributeValues: { ':at': change.at },
                  },
                },
                {
                  Put: {
                    TableName: this.tableName,
                    Item: {
                      ...keys.statusChange(change.credentialId, change.at, change.action),
                      ...keys.statusChangeLog(change.at, change.credentialId),
                      ...change,
                    },
                    ConditionExpression: 'attribute_not_exists(pk)',
                  },
                },
              ]),
            ],
          }),
        );
        return { committed: true };
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const reasons = error.CancellationReasons ?? [];
        const conflicts = changes
          .filter((_, i) => reasons[1 + 2 * i]?.Code === 'ConditionalCheckFailed')
          .map((c) => c.credentialId);
        if (conflicts.length > 0) return { committed: false, conflicts };
        const retriable = reasons[0]?.Code === 'ConditionalCheckFailed' || isCancelledBy(error, 'TransactionConflict');
        if (!retriable || attempt >= 8) throw error;
        await pause(attempt);
      }
    }
  }

  /** A credential's status history, oldest first (for the admin console and audits). */
  async statusChangesOf(credentialId: string): Promise<StatusChangeRecord[]> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': keys.credential(credentialId).pk, ':prefix': 'STATUSCHANGE#' },
      }),
    );
    return (out.Items ?? []).map((i) => stripKeys(i) as StatusChangeRecord);
  }
}
