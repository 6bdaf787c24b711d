import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  type Achievement,
  type AchievementVersion,
  type AnyRule,
  type AuditRecord,
  achievementItem,
  achievementVersionItem,
  anyRuleItem,
  appTable,
  auditItem,
  type CredentialRecord,
  type CredentialStateRecord,
  credentialStateItem,
  type DryRunRecord,
  dryRunItem,
  type EventRecord,
  eventRecordItem,
  type ImageRecord,
  type Issuer,
  imageItem,
  issuerItem,
  keys,
  learnerCredentialItem,
  stripKeys,
} from '../tables/app-table.ts';
import { TableStore } from './table-store.ts';

type Item = Record<string, unknown>;

export interface Page<T> {
  items: T[];
  /** Opaque; pass it back for the next page. Absent on the last page. */
  cursor?: string;
}

export type WriteOutcome = 'ok' | 'conflict';

/** A set of writes to one achievement (its catalog item, versions and audit entries), all or nothing. */
export interface AchievementChange {
  head?: { item: Achievement; expect: 'absent' | 'present' };
  versions: { item: AchievementVersion; expectRev: number | 'absent' }[];
  audit: AuditRecord[];
}

const encodeCursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const decodeCursor = <T>(cursor: string | undefined): T | undefined => {
  if (!cursor) return undefined;
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as T;
  } catch {
    return undefined;
  }
};

const DAY_MS = 86_400_000;

/**
 * Orders audit entries written within the same millisecond (a fixed test clock, or two quick writes): a monotonic
 * high-resolution counter of this process, then randomness so two processes never collide.
 */
const tiebreak = () =>
  `${process.hrtime.bigint().toString(36).padStart(13, '0')}${Math.random().toString(36).slice(2, 8)}`;
const isoDay = (d: Date) => d.toISOString().slice(0, 10);

/**
 * The console's reads and writes on the application table: catalog listings, achievement versions and their audit
 * trail, rules with their listing copies, and the day-partitioned logs (events, credentials). Key strings come from
 * `keys`; multi-item changes are transactions with conditions, so a lost race is a `conflict`, never a half write.
 */
export class AdminStore extends TableStore {
  private async queryAll(input: Omit<QueryCommandInput, 'TableName'>): Promise<Item[]> {
    const items: Item[] = [];
    let start: Item | undefined;
    do {
      const out = await this.doc.send(
        new QueryCommand({ TableName: this.tableName, ...input, ...(start && { ExclusiveStartKey: start }) }),
      );
      items.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
    } while (start);
    return items;
  }

  private listing(partition: string) {
    return this.queryAll({
      IndexName: appTable.indexes[0].name,
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': partition },
    });
  }

  private partition(pk: string, skPrefix?: string) {
    return this.queryAll({
      KeyConditionExpression: skPrefix ? 'pk = :pk AND begins_with(sk, :sk)' : 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk, ...(skPrefix && { ':sk': skPrefix }) },
    });
  }

  private async transact(items: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>) {
    try {
      await this.doc.send(new TransactWriteCommand({ TransactItems: items }));
      return 'ok' as const;
    } catch (error) {
      if (error instanceof TransactionCanceledException) {
        if (error.CancellationReasons?.some((r) => r.Code === 'ConditionalCheckFailed')) return 'conflict' as const;
      }
      throw error;
    }
  }

  // ---- issuers and sources ----

  async listIssuers(): Promise<Issuer[]> {
    return (await this.listing(keys.issuerListing('').gsi1pk)).map((i) => issuerItem.parse(stripKeys(i)));
  }

  async getIssuer(slug: string): Promise<Issuer | undefined> {
    const item = await this.get(keys.issuer(slug), true);
    return item && issuerItem.parse(item);
  }

  /** False when the slug is taken. */
  async createIssuer(issuer: Issuer): Promise<boolean> {
    const parsed = issuerItem.parse(issuer);
    return this.putIfAbsent({ ...keys.issuer(parsed.slug), ...keys.issuerListing(parsed.slug), ...parsed });
  }

  /**
   * Updates the issuer's public profile fields only (never its keys, which rotation owns): given fields are set,
   * `undefined` ones removed. False when the issuer does not exist.
   */
  async updateIssuerProfile(
    slug: string,
    profile: Pick<Issuer, 'name' | 'url'> & Partial<Pick<Issuer, 'email' | 'description' | 'image'>>,
  ): Promise<boolean> {
    const fields = ['name', 'url', 'email', 'description', 'image'] as const;
    const names = Object.fromEntries(fields.map((f) => [`#${f}`, f]));
    const set = fields.filter((f) => profile[f] !== undefined);
    const remove = fields.filter((f) => profile[f] === undefined);
    return this.writeIf(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.issuer(slug),
        UpdateExpression: [
          `SET ${set.map((f) => `#${f} = :${f}`).join(', ')}`,
          remove.length ? `REMOVE ${remove.map((f) => `#${f}`).join(', ')}` : '',
        ].join(' '),
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: Object.fromEntries(set.map((f) => [`:${f}`, profile[f]])),
      }),
    );
  }

  async listSources(): Promise<string[]> {
    return (await this.listing(keys.sourceListing('').gsi1pk)).map((i) => String(i.name));
  }

  async addSource(name: string): Promise<boolean> {
    return this.putIfAbsent({ ...keys.source(name), ...keys.sourceListing(name), name });
  }

  // ---- images ----

  /** Content-addressed: storing the same bytes again changes nothing. */
  async putImage(image: ImageRecord): Promise<void> {
    await this.putIfAbsent({ ...keys.image(image.id), ...imageItem.parse(image) });
  }

  // ---- achievements ----

  async listAchievements(): Promise<Achievement[]> {
    return (await this.listing(keys.achievementListing('').gsi1pk)).map((i) => achievementItem.parse(stripKeys(i)));
  }

  async getAchievement(id: string): Promise<Achievement | undefined> {
    const item = await this.get(keys.achievement(id), true);
    return item && achievementItem.parse(item);
  }

  async listVersions(id: string): Promise<AchievementVersion[]> {
    const items = await this.partition(keys.achievement(id).pk, keys.achievementVersionPrefix);
    return items.map((i) => achievementVersionItem.parse(stripKeys(i)));
  }

  async getVersion(id: string, version: number): Promise<AchievementVersion | undefined> {
    const item = await this.get(keys.achievementVersion(id, version), true);
    return item && achievementVersionItem.parse(item);
  }

  async listAudit(id: string): Promise<AuditRecord[]> {
    const items = await this.partition(keys.achievement(id).pk, keys.achievementAuditPrefix);
    return items.map((i) => auditItem.parse(stripKeys(i)));
  }

  /** Writes a change to one achievement in one transaction; `conflict` when any expectation no longer holds. */
  async writeAchievement(change: AchievementChange): Promise<WriteOutcome> {
    const table = this.tableName;
    const items: Parameters<AdminStore['transact']>[0] = [];
    if (change.head) {
      const head = achievementItem.parse(change.head.item);
      items.push({
        Put: {
          TableName: table,
          Item: { ...keys.achievement(head.id), ...keys.achievementListing(head.id), ...head },
          ConditionExpression: change.head.expect === 'absent' ? 'attribute_not_exists(pk)' : 'attribute_exists(pk)',
        },
      });
    }
    for (const { item, expectRev } of change.versions) {
      const version = achievementVersionItem.parse(item);
      items.push({
        Put: {
          TableName: table,
          Item: { ...keys.achievementVersion(version.id, version.version), ...version },
          ...(expectRev === 'absent'
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : { ConditionExpression: 'rev = :rev', ExpressionAttributeValues: { ':rev': expectRev } }),
        },
      });
    }
    change.audit.forEach((entry, i) => {
      const audit = auditItem.parse(entry);
      items.push({
        Put: {
          TableName: table,
          Item: { ...keys.achievementAudit(audit.achievementId, audit.at, `${tiebreak()}${i}`), ...audit },
        },
      });
    });
    return this.transact(items);
  }

  /** A comment or other note that changes nothing else. */
  async appendAudit(entry: AuditRecord): Promise<void> {
    const audit = auditItem.parse(entry);
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...keys.achievementAudit(audit.achievementId, audit.at, tiebreak()),
          ...audit,
        },
      }),
    );
  }

  // ---- rules ----

  async listRules(): Promise<AnyRule[]> {
    return (await this.partition(keys.ruleDirectoryPartition)).map((i) => anyRuleItem.parse(stripKeys(i)));
  }

  async getRule(id: string): Promise<AnyRule | undefined> {
    const item = await this.get(keys.rule(id), true);
    return item && anyRuleItem.parse(item);
  }

  /**
   * Creates (`previous` undefined) or replaces a rule with its listing copy and, for a stacking rule, one requirement
   * item per required achievement (those no longer required are deleted). `conflict` when the rule exists (create)
   * or changed since `previous` was read (update).
   */
  async saveRule(rule: AnyRule, previous?: AnyRule): Promise<WriteOutcome> {
    const parsed = anyRuleItem.parse(rule);
    const table = this.tableName;
    const base = { ...keys.rule(parsed.id), ...parsed };
    const item =
      parsed.type === 'stack'
        ? base
        : {
            ...base,
            ...keys.ruleMatch(parsed.source, parsed.kind, parsed.externalId),
            ...keys.ruleMatchSort(parsed.id),
          };
    const items: Parameters<AdminStore['transact']>[0] = [
      {
        Put: {
          TableName: table,
          Item: item,
          ...(previous
            ? {
                ConditionExpression: 'attribute_exists(pk) AND updatedAt = :prev',
                ExpressionAttributeValues: { ':prev': previous.updatedAt ?? '' },
              }
            : { ConditionExpression: 'attribute_not_exists(pk)' }),
        },
      },
      { Put: { TableName: table, Item: { ...keys.ruleDirectory(parsed.id), ...parsed } } },
    ];
    const required = parsed.type === 'stack' ? parsed.requires : [];
    for (const achievementId of required) {
      items.push({
        Put: { TableName: table, Item: { ...keys.stackRequirement(achievementId, parsed.id), ...parsed } },
      });
    }
    const before = previous?.type === 'stack' ? previous.requires : [];
    for (const achievementId of before.filter((a) => !required.includes(a))) {
      items.push({ Delete: { TableName: table, Key: keys.stackRequirement(achievementId, parsed.id) } });
    }
    return this.transact(items);
  }

  /** A rule's dry-run records, newest first. */
  async listDryRuns(
    ruleId: string,
    opts: { limit: number; cursor?: string; status?: string },
  ): Promise<Page<DryRunRecord>> {
    const items: DryRunRecord[] = [];
    let start = decodeCursor<Item>(opts.cursor);
    do {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: appTable.indexes[0].name,
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.dryRunLogPartition(ruleId) },
          ScanIndexForward: false,
          Limit: opts.limit - items.length,
          ...(start && { ExclusiveStartKey: start }),
        }),
      );
      for (const raw of out.Items ?? []) {
        const record = dryRunItem.parse(stripKeys(raw));
        if (!opts.status || record.status === opts.status) items.push(record);
      }
      start = out.LastEvaluatedKey;
    } while (start && items.length < opts.limit);
    return { items, ...(start && { cursor: encodeCursor(start) }) };
  }

  // ---- day-partitioned logs: events and credentials ----

  /**
   * Newest first across the days from `to` back to `from` (UTC), up to `limit` items that pass `keep`. The cursor
   * holds the day and the position within it.
   */
  private async acrossDays<T>(
    partitionOf: (day: string) => string,
    parse: (item: Item) => T,
    opts: { from: Date; to: Date; limit: number; cursor?: string; keep?: (item: T) => boolean },
  ): Promise<Page<T>> {
    const items: T[] = [];
    const position = decodeCursor<{ day: string; key?: Item }>(opts.cursor);
    let day = position?.day ?? isoDay(opts.to);
    let start = position?.key;
    const first = isoDay(opts.from);
    while (day >= first) {
      do {
        const out = await this.doc.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: appTable.indexes[0].name,
            KeyConditionExpression: 'gsi1pk = :pk',
            ExpressionAttributeValues: { ':pk': partitionOf(day) },
            ScanIndexForward: false,
            Limit: opts.limit - items.length,
            ...(start && { ExclusiveStartKey: start }),
          }),
        );
        for (const raw of out.Items ?? []) {
          const parsed = parse(stripKeys(raw) ?? {});
          if (!opts.keep || opts.keep(parsed)) items.push(parsed);
        }
        start = out.LastEvaluatedKey;
        if (items.length >= opts.limit) {
          if (start) return { items, cursor: encodeCursor({ day, key: start }) };
          const next = isoDay(new Date(Date.parse(day) - DAY_MS));
          return { items, ...(next >= first && { cursor: encodeCursor({ day: next }) }) };
        }
      } while (start);
      day = isoDay(new Date(Date.parse(day) - DAY_MS));
    }
    return { items };
  }

  async eventLog(opts: {
    from: Date;
    to: Date;
    limit: number;
    cursor?: string;
    keep?: (record: EventRecord) => boolean;
  }): Promise<Page<EventRecord>> {
    return this.acrossDays(
      (day) => keys.eventLog(`${day}T00:00:00.000Z`, '').gsi1pk,
      (i) => eventRecordItem.parse(i),
      opts,
    );
  }

  async getEvent(eventId: string): Promise<EventRecord | undefined> {
    const item = await this.get(keys.event(eventId));
    return item && eventRecordItem.parse(item);
  }

  async credentialLog(opts: {
    from: Date;
    to: Date;
    limit: number;
    cursor?: string;
    keep?: (record: CredentialStateRecord) => boolean;
  }): Promise<Page<CredentialStateRecord>> {
    return this.acrossDays(
      (day) => keys.credentialLog(`${day}T00:00:00.000Z`, '').gsi1pk,
      (i) => credentialStateItem.parse(i),
      opts,
    );
  }

  /** One credential with its signed document. */
  async getCredential(id: string): Promise<CredentialRecord | undefined> {
    return this.readCredential(id, true);
  }

  /** Every credential of a learner (by learner key), newest first; states only, as listings show them. */
  async credentialsOfLearner(learnerKey: string): Promise<CredentialStateRecord[]> {
    const refs = (await this.partition(keys.learnerPartition(learnerKey))).map((i) =>
      learnerCredentialItem.parse(stripKeys(i)),
    );
    const found: CredentialStateRecord[] = [];
    for (let i = 0; i < refs.length; i += 100) {
      let request: Record<string, { Keys: Item[] }> | undefined = {
        [this.tableName]: { Keys: refs.slice(i, i + 100).map((r) => ({ ...keys.credential(r.credentialId) })) },
      };
      while (request && Object.keys(request).length > 0) {
        const out = await this.doc.send(new BatchGetCommand({ RequestItems: request }));
        for (const raw of out.Responses?.[this.tableName] ?? []) found.push(credentialStateItem.parse(stripKeys(raw)));
        request = out.UnprocessedKeys as typeof request;
      }
    }
    return found.sort((a, b) => b.issuedAt.localeCompare(a.issuedAt));
  }
}
