import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AppStore } from '#shared/adapters/app-store.dynamodb.ts';
import type { ClaimRecord, CredentialRecord } from '#shared/tables/app-table.ts';
import { demoAchievement, demoIssuer, demoRule } from '#shared/testing/fixtures.ts';
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
  ...overrides,
});
const claimFor = (c: CredentialRecord, expiresAt = '2999-01-01T00:00:00Z'): ClaimRecord => ({
  tokenHash: `hash-${c.id}`,
  credentialId: c.id,
  expiresAt,
});

describe('AppStore on DynamoDB Local', () => {
  it('stores the catalog once and finds rules by their match key', async () => {
    expect(await store.putIssuer(demoIssuer())).toBe(true);
    expect(await store.putIssuer(demoIssuer({ name: 'Overwritten?' }))).toBe(false);
    expect((await store.getIssuer('demo'))?.name).toBe('Demo University');
    await store.putAchievement(demoAchievement());
    await store.putRule(demoRule());
    await store.putRule(demoRule({ id: 'other-course', externalId: 'CS102' }));
    await store.putSource('demo.lms');
    expect(await store.isSourceAllowed('demo.lms')).toBe(true);
    expect(await store.isSourceAllowed('demo.sis')).toBe(false);
    expect((await store.findRules('demo.lms', 'course-completed', 'CS101')).map((r) => r.id)).toEqual([
      'cs101-completed',
    ]);
    expect(await store.findRules('demo.lms', 'course-completed', 'CS999')).toEqual([]);
  });

  it('writes credential, claim and issuance marker together, and refuses a second issuance for the same event and rule', async () => {
    const first = credential();
    expect(await store.saveIssuance(first, claimFor(first))).toEqual({ created: true });
    const retry = credential({ sourceEventId: first.sourceEventId });
    expect(await store.saveIssuance(retry, claimFor(retry))).toEqual({
      created: false,
      existingCredentialId: first.id,
    });
    expect(await store.getCredential(retry.id)).toBeUndefined();
    expect(await store.getClaim(`hash-${retry.id}`)).toBeUndefined();
    expect(await store.getCredential(first.id, { consistent: true })).toMatchObject({
      id: first.id,
      emailStatus: 'pending',
    });
  });

  it('lets exactly one of five concurrent issuances for one event win', async () => {
    const eventId = `evt-${randomUUID()}`;
    const attempts = Array.from({ length: 5 }, () => credential({ sourceEventId: eventId }));
    const results = await Promise.allSettled(attempts.map((c) => store.saveIssuance(c, claimFor(c))));
    const created = results.filter((r) => r.status === 'fulfilled' && r.value.created);
    expect(created).toHaveLength(1);
    // The losers either saw the winner's id or hit a transaction conflict that the queue will retry.
    for (const r of results) if (r.status === 'rejected') expect(String(r.reason)).toMatch(/Transaction/);
  });

  it('redeems a claim exactly once, and never an expired one', async () => {
    const c = credential();
    await store.saveIssuance(c, claimFor(c));
    const now = '2026-05-15T00:00:00Z';
    const outcomes = await Promise.all([store.redeemClaim(claimFor(c), now), store.redeemClaim(claimFor(c), now)]);
    expect(outcomes.sort()).toEqual(['redeemed', 'used-or-expired']);
    expect((await store.getCredential(c.id))?.claimedAt).toBe(now);
    expect((await store.getClaim(`hash-${c.id}`))?.usedAt).toBe(now);

    const old = credential();
    await store.saveIssuance(old, claimFor(old, '2026-01-01T00:00:00Z'));
    expect(await store.redeemClaim(claimFor(old), now)).toBe('used-or-expired');
    expect((await store.getCredential(old.id))?.claimedAt).toBeUndefined();
  });

  it('marks the email sent', async () => {
    const c = credential();
    await store.saveIssuance(c, claimFor(c));
    await store.markEmailSent(c.id, '2026-05-14T16:20:06Z');
    expect(await store.getCredential(c.id)).toMatchObject({ emailStatus: 'sent', emailSentAt: '2026-05-14T16:20:06Z' });
  });

  it('keeps an accepted event record when a later, invalid event reuses its id', async () => {
    const base = { source: 'demo.lms', credentialIds: [], receivedAt: '2026-05-14T16:20:05Z' };
    await store.recordEvent({ ...base, eventId: 'evt-keep', outcome: 'issued', credentialIds: ['c-1'] });
    await store.recordRejection(
      { ...base, eventId: 'evt-keep', outcome: 'rejected', reasonCode: 'EVENT.INVALID', reason: 'x' },
      'd-1',
    );
    expect(await store.getEvent('evt-keep')).toMatchObject({ outcome: 'issued', credentialIds: ['c-1'] });
    expect(await store.getEvent('evt-keep/d-1')).toMatchObject({ outcome: 'rejected', reasonCode: 'EVENT.INVALID' });
    // A rejected event that is re-sent simply replaces its own rejection.
    await store.recordRejection({ ...base, eventId: 'evt-bad', outcome: 'rejected', reason: 'first' }, 'd-2');
    await store.recordRejection({ ...base, eventId: 'evt-bad', outcome: 'rejected', reason: 'second' }, 'd-3');
    expect(await store.getEvent('evt-bad')).toMatchObject({ reason: 'second' });
  });

  it('answers the health probe', async () => {
    await expect(store.ping()).resolves.toBeUndefined();
  });
});
