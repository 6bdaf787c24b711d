import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { AdminStore } from '#shared/adapters/admin-store.dynamodb.ts';
import { AppStore } from '#shared/adapters/app-store.dynamodb.ts';
import { StatusStore } from '#shared/adapters/status-store.dynamodb.ts';
import { appTable, type CredentialRecord, keys } from '#shared/tables/app-table.ts';
import { unpackDocument } from '#shared/tables/credential-items.ts';
import { testTables } from '../support/dynamo.ts';

const db = await testTables();
const store = new AppStore(db.client, db.names.app);
const admin = new AdminStore(db.client, db.names.app);
const status = new StatusStore(db.client, db.names.app);

/** A signed-looking document, big enough to matter, keys in a deliberate (non-alphabetical) order. */
const documentFor = (id: string) => ({
  '@context': ['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'],
  id: `https://badges.example/credentials/${id}`,
  type: ['VerifiableCredential', 'OpenBadgeCredential'],
  name: 'Introduction to Computer Science',
  credentialSubject: {
    type: ['AchievementSubject'],
    achievement: { name: 'Introduction to Computer Science', description: 'x'.repeat(1500) },
    score: 91.5,
    passed: true,
  },
  proof: { type: 'DataIntegrityProof', cryptosuite: 'eddsa-rdfc-2022', proofValue: `z${'A'.repeat(86)}` },
});

const issue = async (day: string) => {
  const id = randomUUID();
  const entry = await status.allocateStatusIndex({
    issuerSlug: 'items',
    purpose: 'revocation',
    credentialId: id,
    achievementId: 'intro-to-cs',
    at: `${day}T10:00:00.000Z`,
  });
  const record: CredentialRecord = {
    id,
    issuerSlug: 'items',
    achievementId: 'intro-to-cs',
    ruleId: 'cs101-completed',
    sourceEventId: `evt-${id}`,
    recipientEmail: 'ada@example.edu',
    document: documentFor(id),
    issuedAt: `${day}T10:00:00Z`,
    claimNonce: 'nonce',
    emailStatus: 'pending',
    learnerKey: `learner-${id}`,
    statusEntries: [entry],
  };
  const claim = { tokenHash: `hash-${id}`, credentialId: id, expiresAt: '2999-01-01T00:00:00Z' };
  expect(await store.saveIssuance(record, claim)).toEqual({ created: true });
  return { record, claim };
};

const rawItem = async (key: { pk: string; sk: string }) =>
  (await db.docClient.send(new GetCommand({ TableName: db.names.app, Key: key, ConsistentRead: true }))).Item;

const randomDay = () => `2034-0${1 + Math.floor(Math.random() * 9)}-1${Math.floor(Math.random() * 9)}`;

describe('credential items on DynamoDB Local', () => {
  it('keeps the state small and on the day listing, and the document, gzipped, in an item of its own', async () => {
    // Prepare
    const day = randomDay();
    const { record } = await issue(day);
    // Act
    const state = await rawItem(keys.credential(record.id));
    const document = await rawItem(keys.credentialDocument(record.id));
    // Assess
    expect(state).toMatchObject({
      ...keys.credentialLog(record.issuedAt, record.id),
      recipientEmail: 'ada@example.edu',
    });
    expect(state).not.toHaveProperty('document');
    expect(document).not.toHaveProperty('gsi1pk');
    const gzipped = document?.documentGzip as Uint8Array;
    expect(unpackDocument(gzipped)).toEqual(record.document);
    expect(gzipped.byteLength).toBeLessThan(JSON.stringify(record.document).length / 2);
    // The index holds states only: a listing never reads a document.
    const listed = await db.docClient.send(
      new QueryCommand({
        TableName: db.names.app,
        IndexName: appTable.indexes[0].name,
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.credentialLog(record.issuedAt, record.id).gsi1pk },
      }),
    );
    expect(listed.Items?.map((i) => i.sk)).toEqual(['CREDENTIAL']);
    const page = await admin.credentialLog({
      from: new Date(`${day}T00:00:00Z`),
      to: new Date(`${day}T00:00:00Z`),
      limit: 10,
    });
    expect(page.items.map((c) => c.id)).toEqual([record.id]);
    expect(page.items[0]).not.toHaveProperty('document');
  });

  it('reads the document back exactly as issued, key order included, beside a reminder and status changes', async () => {
    // Prepare: the partition also holds the reminder and a status change
    const { record } = await issue(randomDay());
    await store.markEmailSent(record.id, '2034-01-01T00:00:00.000Z', {
      credentialId: record.id,
      step: 0,
      dueAt: '2034-01-08T00:00:00.000Z',
    });
    const entry = record.statusEntries?.[0] as { listId: string; index: number; purpose: 'revocation' };
    await status.commitStatusChange({
      listId: entry.listId,
      action: 'revoke',
      changes: [
        {
          credentialId: record.id,
          action: 'revoke',
          at: '2034-01-02T00:00:00.000Z',
          actor: 'test',
          reason: 'r',
          ...entry,
        },
      ],
    });
    // Act
    const read = await store.getCredential(record.id, { consistent: true });
    // Assess
    expect(JSON.stringify(read?.document)).toBe(JSON.stringify(record.document));
    expect(read).toMatchObject({ emailStatus: 'sent', revokedAt: '2034-01-02T00:00:00.000Z' });
    expect((await admin.getCredential(record.id))?.document).toEqual(record.document);
  });

  it('never rewrites the document item after issuance: sending, claiming, unsubscribing, bouncing, resending, revoking', async () => {
    // Prepare: a sentinel on the document item that any rewrite (a Put of the item) would lose
    const { record, claim } = await issue(randomDay());
    const key = keys.credentialDocument(record.id);
    await db.docClient.send(
      new UpdateCommand({
        TableName: db.names.app,
        Key: key,
        UpdateExpression: 'SET sentinel = :s',
        ExpressionAttributeValues: { ':s': 'untouched' },
      }),
    );
    const before = await rawItem(key);
    // Act: every change a credential's state goes through
    await store.markEmailSent(record.id, '2034-01-01T00:00:00.000Z', {
      credentialId: record.id,
      step: 0,
      dueAt: '2034-01-08T00:00:00.000Z',
    });
    await store.stopReminders(record.id, '2034-01-02T00:00:00.000Z');
    await store.markEmailProblem(record.id, 'bounced', '2034-01-03T00:00:00.000Z');
    const newClaim = { ...claim, tokenHash: `new-${record.id}` };
    expect(
      await store.replaceClaim(record, {
        oldTokenHash: claim.tokenHash,
        claim: newClaim,
        claimNonce: 'nonce-2',
        recipientEmail: 'grace@example.edu',
        learnerKey: 'learner-moved',
      }),
    ).toBe('replaced');
    expect(await store.redeemClaim(newClaim, '2034-01-04T00:00:00.000Z')).toBe('redeemed');
    const entry = record.statusEntries?.[0] as { listId: string; index: number; purpose: 'revocation' };
    expect(
      await status.commitStatusChange({
        listId: entry.listId,
        action: 'revoke',
        changes: [
          {
            credentialId: record.id,
            action: 'revoke',
            at: '2034-01-05T00:00:00.000Z',
            actor: 'test',
            reason: 'r',
            ...entry,
          },
        ],
      }),
    ).toEqual({ committed: true });
    // Assess
    const after = await rawItem(key);
    expect(after).toEqual(before);
    expect(after?.sentinel).toBe('untouched');
    expect(await store.getCredential(record.id)).toMatchObject({
      claimedAt: '2034-01-04T00:00:00.000Z',
      revokedAt: '2034-01-05T00:00:00.000Z',
      recipientEmail: 'grace@example.edu',
      document: record.document,
    });
  });

  it('leaves no document behind for an issuance that lost to an earlier one, and keeps the winner’s', async () => {
    // Prepare
    const { record } = await issue(randomDay());
    const winner = await rawItem(keys.credentialDocument(record.id));
    const loser = { ...record, id: randomUUID(), document: documentFor('loser') };
    // Act
    const result = await store.saveIssuance(loser, {
      tokenHash: `hash-${loser.id}`,
      credentialId: loser.id,
      expiresAt: '2999-01-01T00:00:00Z',
    });
    // Assess
    expect(result).toEqual({ created: false, existingCredentialId: record.id });
    expect(await rawItem(keys.credentialDocument(loser.id))).toBeUndefined();
    expect(await store.getCredential(loser.id)).toBeUndefined();
    expect(await rawItem(keys.credentialDocument(record.id))).toEqual(winner);
  });

  it('reads a document without a state item (an issuance that never happened) as no credential', async () => {
    // Prepare: a document put whose transaction never ran
    const id = randomUUID();
    const { record } = await issue(randomDay());
    const orphan = await rawItem(keys.credentialDocument(record.id));
    await db.docClient.send(
      new PutCommand({
        TableName: db.names.app,
        Item: { ...orphan, ...keys.credentialDocument(id), credentialId: id },
      }),
    );
    // Act / Assess
    expect(await store.getCredential(id)).toBeUndefined();
    expect(await admin.getCredential(id)).toBeUndefined();
    expect(await status.getCredentials([id])).toEqual([]);
  });
});
