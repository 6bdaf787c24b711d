import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AppStore } from '#shared/adapters/app-store.dynamodb.ts';
import type { ClaimRecord, CredentialRecord } from '#shared/tables/app-table.ts';
import { testTables } from '../support/dynamo.ts';

const db = await testTables();
const store = new AppStore(db.client, db.names.app);

const credential = (overrides: Partial<CredentialRecord> = {}): CredentialRecord => ({
  id: randomUUID(),
  issuerSlug: 'demo',
  achievementId: 'intro-to-cs',
  ruleId: 'cs101-completed',
  sourceEventId: `evt-${randomUUID()}`,
  recipientEmail: 'ada@example.edu',
  document: { id: 'x' },
  issuedAt: '2026-05-14T16:20:05Z',
  claimNonce: 'nonce',
  emailStatus: 'pending',
  learnerKey: 'learner-a',
  ...overrides,
});
const claimFor = (c: CredentialRecord, hash = `hash-${c.id}`): ClaimRecord => ({
  tokenHash: hash,
  credentialId: c.id,
  expiresAt: '2999-01-01T00:00:00Z',
});
const issue = async (overrides: Partial<CredentialRecord> = {}) => {
  const c = credential(overrides);
  await store.saveIssuance(c, claimFor(c));
  return c;
};

describe('reminders on DynamoDB Local', () => {
  it('schedules with the sent mark, finds due ones by day partition only, and moves each step once', async () => {
    const day = `2031-0${1 + Math.floor(Math.random() * 9)}-1${Math.floor(Math.random() * 9)}`;
    const c = await issue();
    await store.markEmailSent(c.id, `${day}T08:00:00.000Z`, {
      credentialId: c.id,
      step: 0,
      dueAt: `${day}T10:00:00.000Z`,
    });
    expect((await store.getCredential(c.id))?.emailStatus).toBe('sent');
    expect(await store.dueReminders(day, `${day}T09:59:59.000Z`)).toEqual([]);
    expect(await store.dueReminders(day, `${day}T10:00:00.000Z`)).toEqual([
      { credentialId: c.id, step: 0, dueAt: `${day}T10:00:00.000Z` },
    ]);
    const next = { credentialId: c.id, step: 1, dueAt: '2032-01-01T10:00:00.000Z' };
    expect(await store.advanceReminder(c.id, 0, next)).toBe(true);
    expect(await store.advanceReminder(c.id, 0, next)).toBe(false); // another run got there first
    expect(await store.dueReminders(day, `${day}T23:59:59.000Z`)).toEqual([]);
    expect(await store.advanceReminder(c.id, 1)).toBe(true); // the last one: removed
    expect(await store.dueReminders('2032-01-01', '2032-01-01T23:00:00.000Z')).not.toContainEqual(next);
  });

  it('stops reminders on unsubscribe and on a bounce, and records both on the credential', async () => {
    const c = await issue();
    await store.markEmailSent(c.id, '2033-01-01T00:00:00.000Z', {
      credentialId: c.id,
      step: 0,
      dueAt: '2033-01-04T00:00:00.000Z',
    });
    await store.stopReminders(c.id, '2033-01-02T00:00:00.000Z');
    expect(await store.dueReminders('2033-01-04', '2033-01-04T23:00:00.000Z')).toEqual([]);
    expect((await store.getCredential(c.id))?.remindersStoppedAt).toBe('2033-01-02T00:00:00.000Z');
    expect(await store.markEmailProblem(c.id, 'bounced', '2033-01-03T00:00:00.000Z')).toBe(true);
    expect(await store.getCredential(c.id)).toMatchObject({
      emailStatus: 'bounced',
      emailProblemAt: '2033-01-03T00:00:00.000Z',
    });
    expect(await store.markEmailProblem(randomUUID(), 'complained', '2033-01-03T00:00:00.000Z')).toBe(false);
  });
});

describe('resend on DynamoDB Local', () => {
  it('replaces the claim token atomically, moves the learner index, and refuses a claimed credential', async () => {
    const c = await issue();
    const newClaim = claimFor(c, `new-${c.id}`);
    expect(
      await store.replaceClaim(c, {
        oldTokenHash: `hash-${c.id}`,
        claim: newClaim,
        claimNonce: 'nonce-2',
        recipientEmail: 'grace@example.edu',
        learnerKey: 'learner-b',
      }),
    ).toBe('replaced');
    expect(await store.getClaim(`hash-${c.id}`)).toBeUndefined();
    expect(await store.getClaim(`new-${c.id}`)).toMatchObject({ credentialId: c.id });
    expect(await store.getCredential(c.id)).toMatchObject({
      claimNonce: 'nonce-2',
      recipientEmail: 'grace@example.edu',
      emailStatus: 'pending',
      learnerKey: 'learner-b',
    });
    // A stale view (the old nonce) loses: someone else resent meanwhile.
    expect(
      await store.replaceClaim(c, {
        oldTokenHash: `new-${c.id}`,
        claim: claimFor(c, `third-${c.id}`),
        claimNonce: 'n3',
        recipientEmail: 'x@example.edu',
      }),
    ).toBe('conflict');
    const current = (await store.getCredential(c.id)) as CredentialRecord;
    await store.redeemClaim(newClaim, '2026-05-15T00:00:00Z');
    expect(
      await store.replaceClaim(current, {
        oldTokenHash: `new-${c.id}`,
        claim: claimFor(c, `fourth-${c.id}`),
        claimNonce: 'n4',
        recipientEmail: 'x@example.edu',
      }),
    ).toBe('conflict');
  });
});

describe('wallet grants on DynamoDB Local', () => {
  it('are spent once, and not after they expire', async () => {
    const hash = randomUUID();
    await store.putWalletGrant({
      kind: 'code',
      secretHash: hash,
      credentialId: 'c',
      expiresAt: '2030-01-01T00:00:00.000Z',
    });
    expect(await store.useWalletGrant('code', hash, '2030-01-01T00:00:00.000Z')).toBeUndefined(); // expired
    expect(await store.useWalletGrant('code', hash, '2029-12-31T23:59:00.000Z')).toMatchObject({ credentialId: 'c' });
    expect(await store.useWalletGrant('code', hash, '2029-12-31T23:59:01.000Z')).toBeUndefined(); // used
    expect(await store.useWalletGrant('token', hash, '2029-12-31T23:59:01.000Z')).toBeUndefined(); // other kind
  });
});
