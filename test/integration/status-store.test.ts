import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AppStore } from '#shared/adapters/app-store.dynamodb.ts';
import { MAX_CHANGES_PER_COMMIT, StatusStore } from '#shared/adapters/status-store.dynamodb.ts';
import { MAX_INDEX_DRAWS, readStatusBit, STATUS_LIST_LENGTH } from '#shared/credentials/status-list.ts';
import type { CredentialRecord, StatusChangeRecord } from '#shared/tables/app-table.ts';
import { testTables } from '../support/dynamo.ts';

const db = await testTables();
const appStore = new AppStore(db.client, db.names.app);
const AT = '2026-05-14T16:20:05.000Z';

/** Runs `task` `total` times with `concurrency` in flight, as many award invocations would. */
const inParallel = async <T>(total: number, concurrency: number, task: (i: number) => Promise<T>): Promise<T[]> => {
  const results: T[] = new Array(total);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        results[i] = await task(i);
      }
    }),
  );
  return results;
};

const allocate = (store: StatusStore, issuerSlug: string, purpose: 'revocation' | 'suspension' = 'revocation') =>
  store.allocateStatusIndex({ issuerSlug, purpose, credentialId: randomUUID(), achievementId: 'intro-to-cs', at: AT });

const storeCredential = async (issuerSlug: string, store: StatusStore) => {
  const id = randomUUID();
  const entry = await store.allocateStatusIndex({
    issuerSlug,
    purpose: 'revocation',
    credentialId: id,
    achievementId: `ach-${issuerSlug}`,
    at: AT,
  });
  const record: CredentialRecord = {
    id,
    issuerSlug,
    achievementId: `ach-${issuerSlug}`,
    ruleId: 'r',
    sourceEventId: `evt-${id}`,
    recipientEmail: 'ada@example.edu',
    document: { id },
    issuedAt: AT,
    claimNonce: 'n',
    emailStatus: 'pending',
    statusEntries: [entry],
  };
  await appStore.saveIssuance(record, { tokenHash: `h-${id}`, credentialId: id, expiresAt: '2999-01-01T00:00:00Z' });
  return record;
};

const revocation = (record: CredentialRecord, at = AT): StatusChangeRecord => {
  const entry = record.statusEntries?.[0];
  return {
    credentialId: record.id,
    action: 'revoke',
    at,
    actor: 'cli:test',
    reason: 'test',
    purpose: 'revocation',
    listId: entry?.listId as string,
    index: entry?.index as number,
  };
};

describe('StatusStore on DynamoDB Local: allocation', () => {
  it('hands out 10,000 indexes in one list, 50 at a time, and never the same one twice', async () => {
    // Prepare
    const store = new StatusStore(db.client, db.names.app);
    // Act
    const entries = await inParallel(10_000, 50, () => allocate(store, 'ten-thousand'));
    // Assess
    const lists = new Set(entries.map((e) => e.listId));
    expect(lists.size).toBe(1);
    const indexes = new Set(entries.map((e) => e.index));
    expect(indexes.size).toBe(10_000);
    expect(Math.max(...indexes)).toBeLessThan(STATUS_LIST_LENGTH);
    // Random, not sequential: they span the list.
    expect(Math.max(...indexes) - Math.min(...indexes)).toBeGreaterThan(STATUS_LIST_LENGTH * 0.9);
    const state = await store.getStatusList([...lists][0] as string);
    expect(state?.list).toMatchObject({ issuerSlug: 'ten-thousand', purpose: 'revocation', length: 131_072 });
  }, 300_000);

  it('draws again when an index is taken, and gives up (transiently) only after every draw collided', async () => {
    // Prepare: draws cycle through 0, 1, 2, …, 7 on a list of 8 (capacity 8).
    let draw = 0;
    const store = new StatusStore(db.client, db.names.app, {
      listLength: 8,
      listCapacity: 8,
      random: () => draw++ % 8,
    });
    // Act
    const entries = await inParallel(6, 1, () => allocate(store, 'collide'));
    // Assess: each found the next free index after colliding with the taken ones
    expect(entries.map((e) => e.index)).toEqual([0, 1, 2, 3, 4, 5]);
    const stuck = new StatusStore(db.client, db.names.app, { listLength: 8, listCapacity: 8, random: () => 0 });
    await expect(allocate(stuck, 'collide')).rejects.toThrow(`${MAX_INDEX_DRAWS} index draws all collided`);
  });

  it('opens a new list when one reaches its capacity, also under concurrency, never sharing an index', async () => {
    const store = new StatusStore(db.client, db.names.app, { listLength: 256, listCapacity: 16 });
    const entries = await inParallel(100, 10, () => allocate(store, 'roll-over'));
    const byList = new Map<string, number[]>();
    for (const e of entries) byList.set(e.listId, [...(byList.get(e.listId) ?? []), e.index]);
    // A slot is reserved on the head before an index is drawn, so no list ever takes more than its 16.
    expect(byList.size).toBeGreaterThanOrEqual(7);
    for (const [listId, indexes] of byList) {
      expect(new Set(indexes).size, listId).toBe(indexes.length);
      expect(indexes.length, listId).toBeLessThanOrEqual(16);
      expect((await store.getStatusList(listId))?.list.length).toBe(256);
    }
  });

  it('keeps issuers and purposes in separate lists', async () => {
    const store = new StatusStore(db.client, db.names.app);
    const [a, b, c] = [
      await allocate(store, 'issuer-a'),
      await allocate(store, 'issuer-b'),
      await allocate(store, 'issuer-a', 'suspension'),
    ];
    expect(new Set([a.listId, b.listId, c.listId]).size).toBe(3);
    expect((await store.getStatusList(c.listId))?.list.purpose).toBe('suspension');
  });
});

describe('StatusStore on DynamoDB Local: status changes', () => {
  it('commits bits, credentials and audit records together, and concurrent commits on one list all land', async () => {
    // Prepare
    const store = new StatusStore(db.client, db.names.app);
    const records = await inParallel(60, 10, () => storeCredential('commits', store));
    const listId = records[0]?.statusEntries?.[0]?.listId as string;
    // Act: a full transaction (49 credentials: 99 items) and five more commits, all at once, on the same list
    const groups = [
      records.slice(0, 49),
      ...Array.from({ length: 5 }, (_, g) => records.slice(49 + g * 2, 51 + g * 2)),
    ];
    expect(groups.flat()).toHaveLength(59);
    const results = await Promise.all(
      groups.map((group) =>
        store.commitStatusChange({ listId, action: 'revoke', changes: group.map((r) => revocation(r)) }),
      ),
    );
    // Assess
    expect(results).toEqual(Array(6).fill({ committed: true }));
    const state = await store.getStatusList(listId);
    expect(state?.bits.version).toBe(6);
    for (const r of records)
      expect(await readStatusBit(state?.bits.encodedList as string, r.statusEntries?.[0]?.index as number)).toBe(
        r !== records[59],
      );
    const stored = await store.getCredentials(records.map((r) => r.id));
    expect(stored.filter((c) => c.revokedAt === AT)).toHaveLength(59);
    expect(await store.statusChangesOf(records[0]?.id as string)).toEqual([revocation(records[0] as CredentialRecord)]);
  });

  it('writes nothing and names the conflicting credential when one of a batch changed meanwhile', async () => {
    const store = new StatusStore(db.client, db.names.app);
    const [done, fresh] = [await storeCredential('conflict', store), await storeCredential('conflict', store)];
    const listId = done.statusEntries?.[0]?.listId as string;
    await store.commitStatusChange({ listId, action: 'revoke', changes: [revocation(done)] });
    const before = await store.getStatusList(listId);
    // Act
    const result = await store.commitStatusChange({
      listId,
      action: 'revoke',
      changes: [revocation(fresh, '2026-05-15T00:00:00.000Z'), revocation(done, '2026-05-15T00:00:00.000Z')],
    });
    // Assess
    expect(result).toEqual({ committed: false, conflicts: [done.id] });
    const after = await store.getStatusList(listId);
    expect(after?.bits).toEqual(before?.bits);
    expect((await store.getCredentials([fresh.id]))[0]?.revokedAt).toBeUndefined();
    expect(await store.statusChangesOf(fresh.id)).toEqual([]);
  });

  it('refuses batches over the transaction limit and unknown lists', async () => {
    const store = new StatusStore(db.client, db.names.app);
    const record = await storeCredential('limits', store);
    const change = revocation(record);
    await expect(
      store.commitStatusChange({
        listId: change.listId,
        action: 'revoke',
        changes: Array(MAX_CHANGES_PER_COMMIT + 1).fill(change),
      }),
    ).rejects.toThrow('at most 49');
    await expect(
      store.commitStatusChange({ listId: 'no-list', action: 'revoke', changes: [{ ...change, listId: 'no-list' }] }),
    ).rejects.toThrow('does not exist');
    expect(await store.getStatusList('no-list')).toBeUndefined();
  });

  it('pages through the credentials of an achievement', async () => {
    const store = new StatusStore(db.client, db.names.app);
    const records = await inParallel(7, 7, () => storeCredential('paging', store));
    const first = await store.credentialIdsOfAchievement('ach-paging', { limit: 5 });
    const second = await store.credentialIdsOfAchievement('ach-paging', { limit: 5, cursor: first.cursor as string });
    expect(first.ids).toHaveLength(5);
    expect([...first.ids, ...second.ids].sort()).toEqual(records.map((r) => r.id).sort());
    expect((await store.credentialIdsOfAchievement('ach-paging', { cursor: second.cursor ?? '' })).ids.length).toBe(
      second.cursor ? 0 : 7,
    );
  });

  it('keeps the newest signed list: an older version never replaces a newer one', async () => {
    const store = new StatusStore(db.client, db.names.app);
    const { listId } = await allocate(store, 'signed');
    const signed = (version: number, validUntil: string) => ({
      listId,
      version,
      credential: { version },
      validUntil,
      signedAt: AT,
    });
    await store.saveSignedStatusList(signed(2, '2026-05-16T00:00:00Z'));
    await store.saveSignedStatusList(signed(1, '2026-05-20T00:00:00Z'));
    expect((await store.getStatusList(listId))?.signed?.version).toBe(2);
    await store.saveSignedStatusList(signed(2, '2026-05-17T00:00:00Z'));
    expect((await store.getStatusList(listId))?.signed?.validUntil).toBe('2026-05-17T00:00:00Z');
  });
});
