import { beforeEach, describe, expect, it } from 'vitest';
import { readStatusBit } from '#shared/credentials/status-list.ts';
import type { CredentialIssuedV1 } from '#shared/events/credential-issued.v1.ts';
import type { CredentialStatusChangedV1 } from '#shared/events/credential-status.v1.ts';
import { achievementEarned, demoAchievement } from '#shared/testing/fixtures.ts';
import { makeIssuanceFixture, TEST_BASE_URL } from '#shared/testing/issuance.ts';
import { makeChangeStatus } from './change-status.ts';

const NOW = new Date('2026-06-01T09:00:00.000Z');
const who = { reason: 'awarded in error (wrong course roster)', actor: 'admin:registrar@example.edu' };

const setup = async () => {
  const fixture = await makeIssuanceFixture({ now: new Date('2026-05-14T16:20:05Z') });
  const announced: { type: string; detail: CredentialStatusChangedV1 | CredentialIssuedV1 }[] = [];
  const publisher = {
    fail: false,
    async publish(type: string, details: (CredentialStatusChangedV1 | CredentialIssuedV1)[]) {
      if (publisher.fail) throw new Error('bus unavailable');
      announced.push(...details.map((detail) => ({ type, detail })));
    },
    revoked: (d: CredentialStatusChangedV1[]) => publisher.publish('CredentialRevoked', d),
    suspended: (d: CredentialStatusChangedV1[]) => publisher.publish('CredentialSuspended', d),
    reinstated: (d: CredentialStatusChangedV1[]) => publisher.publish('CredentialReinstated', d),
    credentialIssued: (d: CredentialIssuedV1[]) => publisher.publish('CredentialIssued', d),
  };
  const status = makeChangeStatus({
    store: fixture.statusStore,
    lookups: fixture.store,
    publisher,
    clock: { now: () => NOW },
    publicBaseUrl: TEST_BASE_URL,
  });
  const issue = async (eventId = `evt-${Math.random().toString(36).slice(2)}`) => {
    const { credentialIds } = await fixture.award({ source: 'demo.lms', event: achievementEarned({ eventId }) });
    return credentialIds[0] as string;
  };
  const bit = async (id: string, purpose: 'revocation' | 'suspension') => {
    const entry = fixture.store.credentials.get(id)?.statusEntries?.find((e) => e.purpose === purpose);
    const bits = fixture.statusStore.bits.get(entry?.listId as string);
    return readStatusBit(bits?.encodedList as string, entry?.index as number);
  };
  return { ...fixture, status, announced, publisher, issue, bit };
};

describe('revoke', () => {
  let ctx: Awaited<ReturnType<typeof setup>>;
  beforeEach(async () => {
    ctx = await setup();
  });

  it('sets the bit, marks the credential, records who, when, why and what, and announces it without personal data', async () => {
    // Prepare
    const id = await ctx.issue('evt-r1');
    const neighbour = await ctx.issue('evt-r2');
    // Act
    const result = await ctx.status.revoke({ credentialId: id, ...who });
    // Assess
    expect(result).toEqual({ credentialId: id, action: 'revoke', outcome: 'changed', at: NOW.toISOString() });
    expect(await ctx.bit(id, 'revocation')).toBe(true);
    expect(await ctx.bit(neighbour, 'revocation')).toBe(false);
    expect(ctx.store.credentials.get(id)?.revokedAt).toBe(NOW.toISOString());
    const entry = ctx.store.credentials.get(id)?.statusEntries?.[0];
    expect(await ctx.status.history(id)).toEqual([
      {
        credentialId: id,
        action: 'revoke',
        at: NOW.toISOString(),
        actor: 'admin:registrar@example.edu',
        reason: 'awarded in error (wrong course roster)',
        purpose: 'revocation',
        listId: entry?.listId,
        index: entry?.index,
      },
    ]);
    expect(ctx.announced).toEqual([
      {
        type: 'CredentialRevoked',
        detail: {
          version: 1,
          credentialId: id,
          credentialUrl: `${TEST_BASE_URL}/credentials/${id}`,
          issuerSlug: 'demo',
          achievementId: 'intro-to-cs',
          sourceEventId: 'evt-r1',
          statusPurpose: 'revocation',
          changedAt: NOW.toISOString(),
        },
      },
    ]);
    const text = JSON.stringify(ctx.announced);
    for (const secret of ['ada@example.edu', 'Ada', 'registrar', 'roster']) expect(text).not.toContain(secret);
  });

  it('works before the credential is claimed, and is idempotent: a retry changes nothing and re-announces', async () => {
    const id = await ctx.issue();
    expect(ctx.store.credentials.get(id)?.claimedAt).toBeUndefined();
    await ctx.status.revoke({ credentialId: id, ...who });
    const version = ctx.statusStore.bits.get(
      ctx.store.credentials.get(id)?.statusEntries?.[0]?.listId as string,
    )?.version;
    const again = await ctx.status.revoke({ credentialId: id, reason: 'again', actor: 'cli:ops' });
    expect(again.outcome).toBe('unchanged');
    expect(again.at).toBe(NOW.toISOString());
    expect(ctx.statusStore.changes).toHaveLength(1);
    expect(ctx.statusStore.bits.get(ctx.store.credentials.get(id)?.statusEntries?.[0]?.listId as string)?.version).toBe(
      version,
    );
    expect(ctx.announced.map((a) => a.type)).toEqual(['CredentialRevoked', 'CredentialRevoked']);
  });

  it('recovers a lost announcement: the bus failed, the retry announces the change with its original time', async () => {
    const id = await ctx.issue();
    ctx.publisher.fail = true;
    await expect(ctx.status.revoke({ credentialId: id, ...who })).rejects.toThrow('bus unavailable');
    ctx.publisher.fail = false;
    const retry = await ctx.status.revoke({ credentialId: id, ...who });
    expect(retry).toMatchObject({ outcome: 'unchanged', at: NOW.toISOString() });
    expect(ctx.announced).toHaveLength(1);
    expect(ctx.announced[0]?.detail).toMatchObject({ changedAt: NOW.toISOString() });
  });

  it('rejects an unknown or malformed id, and a missing reason or actor, changing nothing', async () => {
    const id = await ctx.issue();
    await expect(ctx.status.revoke({ credentialId: 'no-such-credential', ...who })).rejects.toMatchObject({
      code: 'CREDENTIAL.NOT_FOUND',
      status: 404,
    });
    await expect(ctx.status.revoke({ credentialId: '../etc/passwd', ...who })).rejects.toMatchObject({
      code: 'CREDENTIAL.INVALID_ID',
      status: 400,
    });
    for (const bad of [
      { reason: '', actor: 'cli:ops' },
      { reason: '   ', actor: 'cli:ops' },
      { reason: 'x'.repeat(501), actor: 'cli:ops' },
      { reason: 'bad\u0000byte', actor: 'cli:ops' },
      { reason: 'ok', actor: '' },
      { reason: undefined as unknown as string, actor: 'cli:ops' },
    ])
      await expect(ctx.status.revoke({ credentialId: id, ...bad })).rejects.toMatchObject({
        code: 'STATUS.INVALID_INPUT',
        status: 400,
      });
    expect(ctx.store.credentials.get(id)?.revokedAt).toBeUndefined();
    expect(ctx.statusStore.changes).toEqual([]);
    expect(ctx.announced).toEqual([]);
  });

  it('refuses a credential issued before status lists (no entry) with 409', async () => {
    const id = await ctx.issue();
    const record = ctx.store.credentials.get(id);
    if (record) delete record.statusEntries;
    await expect(ctx.status.revoke({ credentialId: id, ...who })).rejects.toMatchObject({
      code: 'STATUS.NOT_REVOCABLE',
      status: 409,
    });
  });
});

describe('suspend and reinstate', () => {
  let ctx: Awaited<ReturnType<typeof setup>>;
  beforeEach(async () => {
    ctx = await setup();
    ctx.store.achievements.set('intro-to-cs', demoAchievement({ suspendable: true }));
  });

  it('suspends and reinstates through the suspension bit, leaving the revocation bit alone', async () => {
    const id = await ctx.issue();
    await ctx.status.suspend({ credentialId: id, ...who });
    expect(await ctx.bit(id, 'suspension')).toBe(true);
    expect(await ctx.bit(id, 'revocation')).toBe(false);
    expect(ctx.store.credentials.get(id)?.suspendedAt).toBe(NOW.toISOString());
    await ctx.status.reinstate({ credentialId: id, reason: 'appeal upheld', actor: 'admin:dean' });
    expect(await ctx.bit(id, 'suspension')).toBe(false);
    expect(ctx.store.credentials.get(id)).toMatchObject({ reinstatedAt: NOW.toISOString() });
    expect(ctx.store.credentials.get(id)?.suspendedAt).toBeUndefined();
    expect((await ctx.status.history(id)).map((c) => [c.action, c.actor, c.reason])).toEqual([
      ['suspend', 'admin:registrar@example.edu', 'awarded in error (wrong course roster)'],
      ['reinstate', 'admin:dean', 'appeal upheld'],
    ]);
    expect(ctx.announced.map((a) => a.type)).toEqual([
      'CredentialSuspended',
      'CredentialReinstated',
      'CredentialIssued',
    ]);
  });

  it('re-announces issuance on reinstatement only while the claim email has not gone out', async () => {
    const id = await ctx.issue();
    const record = ctx.store.credentials.get(id);
    if (record) record.emailStatus = 'sent';
    await ctx.status.suspend({ credentialId: id, ...who });
    await ctx.status.reinstate({ credentialId: id, ...who });
    expect(ctx.announced.map((a) => a.type)).toEqual(['CredentialSuspended', 'CredentialReinstated']);
  });

  it('treats revocation as final: no suspending or reinstating a revoked credential', async () => {
    const id = await ctx.issue();
    await ctx.status.suspend({ credentialId: id, ...who });
    await ctx.status.revoke({ credentialId: id, ...who });
    await expect(ctx.status.reinstate({ credentialId: id, ...who })).rejects.toMatchObject({
      code: 'STATUS.REVOCATION_FINAL',
      status: 409,
    });
    await expect(ctx.status.suspend({ credentialId: id, ...who })).rejects.toMatchObject({
      code: 'CREDENTIAL.REVOKED',
      status: 409,
    });
    expect(await ctx.bit(id, 'revocation')).toBe(true);
    expect(await ctx.bit(id, 'suspension')).toBe(true);
  });

  it('refuses to reinstate what is not suspended, and to suspend what is not suspendable', async () => {
    const id = await ctx.issue();
    await expect(ctx.status.reinstate({ credentialId: id, ...who })).rejects.toMatchObject({
      code: 'CREDENTIAL.NOT_SUSPENDED',
      status: 409,
    });
    ctx.store.achievements.set('intro-to-cs', demoAchievement({ suspendable: false }));
    const plain = await ctx.issue();
    await expect(ctx.status.suspend({ credentialId: plain, ...who })).rejects.toMatchObject({
      code: 'STATUS.NOT_SUSPENDABLE',
      status: 409,
    });
    expect(ctx.statusStore.changes).toEqual([]);
  });
});

describe('bulk revoke', () => {
  let ctx: Awaited<ReturnType<typeof setup>>;
  beforeEach(async () => {
    ctx = await setup();
  });

  it('revokes a list of ids, reporting unknown ones, already revoked ones and unrevocable ones', async () => {
    const ids = await Promise.all([ctx.issue(), ctx.issue(), ctx.issue(), ctx.issue()]);
    await ctx.status.revoke({ credentialId: ids[0] as string, ...who });
    const legacy = ctx.store.credentials.get(ids[3] as string);
    if (legacy) delete legacy.statusEntries;
    const result = await ctx.status.revokeMany({ selector: { credentialIds: [...ids, 'missing-1'] }, ...who });
    expect(result).toEqual({
      matched: 5,
      revoked: 2,
      alreadyRevoked: 1,
      notFound: ['missing-1'],
      notRevocable: [ids[3]],
    });
    for (const id of ids.slice(0, 3)) expect(await ctx.bit(id, 'revocation')).toBe(true);
  });

  it('revokes every credential of a source event', async () => {
    const id = await ctx.issue('evt-bulk-event');
    const other = await ctx.issue('evt-other');
    const result = await ctx.status.revokeMany({ selector: { sourceEventId: 'evt-bulk-event' }, ...who });
    expect(result).toMatchObject({ matched: 1, revoked: 1 });
    expect(ctx.store.credentials.get(id)?.revokedAt).toBeDefined();
    expect(ctx.store.credentials.get(other)?.revokedAt).toBeUndefined();
    await expect(ctx.status.revokeMany({ selector: { sourceEventId: 'evt-none' }, ...who })).rejects.toMatchObject({
      code: 'EVENT.NOT_FOUND',
      status: 404,
    });
  });

  it('revokes an achievement page by page, in batches of at most 49 a list transaction, and resumes safely', async () => {
    // Prepare: 120 credentials of the achievement
    const ids = [];
    for (let i = 0; i < 120; i++) ids.push(await ctx.issue());
    const listId = ctx.store.credentials.get(ids[0] as string)?.statusEntries?.[0]?.listId as string;
    const before = ctx.statusStore.bits.get(listId)?.version ?? 0;
    // Act: pages of 100, the first run interrupted after its first page
    const first = await ctx.status.revokeMany({ selector: { achievementId: 'intro-to-cs' }, ...who, limit: 100 });
    const rerun = await ctx.status.revokeMany({ selector: { achievementId: 'intro-to-cs' }, ...who, limit: 100 });
    const last = await ctx.status.revokeMany({
      selector: { achievementId: 'intro-to-cs' },
      ...who,
      limit: 100,
      cursor: rerun.nextCursor as string,
    });
    // Assess
    expect(first).toMatchObject({ matched: 100, revoked: 100, alreadyRevoked: 0, nextCursor: expect.any(String) });
    expect(rerun).toMatchObject({ matched: 100, revoked: 0, alreadyRevoked: 100 });
    expect(last).toMatchObject({ matched: 20, revoked: 20 });
    expect(last.nextCursor).toBeUndefined();
    for (const id of ids) expect(await ctx.bit(id, 'revocation'), id).toBe(true);
    // 100 = 49 + 49 + 2, then 20: four list writes, not 120.
    expect((ctx.statusStore.bits.get(listId)?.version ?? 0) - before).toBe(4);
    expect(ctx.statusStore.changes).toHaveLength(120);
  });

  it('rejects malformed selectors and oversized id lists, changing nothing', async () => {
    const id = await ctx.issue();
    const bad = [
      { credentialIds: [] },
      { credentialIds: Array.from({ length: 1_001 }, (_, i) => `c-${i}`) },
      { credentialIds: [id, 'bad id with spaces'] },
      { nothing: true },
    ];
    for (const selector of bad)
      await expect(ctx.status.revokeMany({ selector: selector as never, ...who })).rejects.toMatchObject({
        status: 400,
      });
    await expect(
      ctx.status.revokeMany({ selector: { achievementId: 'intro-to-cs' }, ...who, limit: 0 }),
    ).rejects.toMatchObject({ status: 400 });
    expect(ctx.store.credentials.get(id)?.revokedAt).toBeUndefined();
  });
});
