import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { AdminStore } from '#shared/adapters/admin-store.dynamodb.ts';
import { AppStore } from '#shared/adapters/app-store.dynamodb.ts';
import type { AchievementVersion } from '#shared/tables/app-table.ts';
import { demoAchievement } from '#shared/testing/fixtures.ts';
import { testTables } from '../support/dynamo.ts';

const db = await testTables();
const app = new AppStore(db.client, db.names.app);
const admin = new AdminStore(db.client, db.names.app);

const version = (overrides: Partial<AchievementVersion> = {}): AchievementVersion => ({
  ...demoAchievement(),
  version: 1,
  status: 'in-review',
  authors: [{ sub: 'author' }],
  approvals: [],
  rev: 0,
  createdAt: '2026-05-14T00:00:00Z',
  updatedAt: '2026-05-14T00:00:00Z',
  ...overrides,
});

describe('console store on DynamoDB Local', () => {
  it('lets only one of two concurrent writers of the same version revision win (no lost approval)', async () => {
    const head = demoAchievement({ id: 'race', status: 'draft', latestVersion: 1, latestStatus: 'in-review' });
    const v1 = version({ id: 'race' });
    expect(
      await admin.writeAchievement({
        head: { item: head, expect: 'absent' },
        versions: [{ item: v1, expectRev: 'absent' }],
        audit: [],
      }),
    ).toBe('ok');
    const approveAs = (sub: string) =>
      admin.writeAchievement({
        versions: [{ item: { ...v1, rev: 1, approvals: [{ sub, at: '2026-05-14T01:00:00Z' }] }, expectRev: 0 }],
        audit: [{ achievementId: 'race', version: 1, action: 'approved', actor: { sub }, at: '2026-05-14T01:00:00Z' }],
      });
    const outcomes = await Promise.all([approveAs('r1'), approveAs('r2')]);
    expect(outcomes.sort()).toEqual(['conflict', 'ok']);
    expect((await admin.getVersion('race', 1))?.approvals).toHaveLength(1);
    // The loser's audit entry went nowhere either: all or nothing.
    expect((await admin.listAudit('race')).filter((a) => a.action === 'approved')).toHaveLength(1);
    expect(await admin.writeAchievement({ head: { item: head, expect: 'absent' }, versions: [], audit: [] })).toBe(
      'conflict',
    );
  });

  it('keeps rule listing copies and stack requirements in step, and refuses a stale update', async () => {
    const rule = {
      id: 'path',
      type: 'stack' as const,
      achievementId: 'p',
      requires: ['a', 'b'],
      mode: 'live' as const,
      updatedAt: 't1',
    };
    expect(await admin.saveRule(rule)).toBe('ok');
    expect(await admin.saveRule(rule)).toBe('conflict');
    expect((await app.findStackRules('b')).map((r) => r.id)).toEqual(['path']);
    const updated = { ...rule, requires: ['a'], updatedAt: 't2' };
    expect(await admin.saveRule(updated, rule)).toBe('ok');
    expect(await app.findStackRules('b')).toEqual([]);
    expect(await admin.saveRule({ ...rule, updatedAt: 't3' }, rule)).toBe('conflict');
    expect((await admin.listRules()).find((r) => r.id === 'path')).toMatchObject({ requires: ['a'] });
  });

  it("counts an achievement once in a learner's progress however often it is earned", async () => {
    await app.addProgress('path', 'key-1', 'a', '2026-05-14T00:00:00Z');
    await app.addProgress('path', 'key-1', 'a', '2026-05-14T00:01:00Z');
    const progress = await app.addProgress('path', 'key-1', 'b', '2026-05-14T00:02:00Z');
    expect(progress).toMatchObject({ earned: ['a', 'b'], updatedAt: '2026-05-14T00:02:00Z' });
    await app.completeProgress('path', 'key-1', 'c-1');
    await app.completeProgress('path', 'key-1', 'c-2');
    expect((await app.getProgress('path', 'key-1'))?.credentialId).toBe('c-1');
  });

  it('records a dry run once, and moves it only from the states given', async () => {
    const record = {
      eventId: 'e-1',
      ruleId: 'pilot',
      achievementId: 'a',
      source: 'demo.lms',
      event: { eventId: 'e-1' },
      status: 'pending' as const,
      recordedAt: '2026-05-14T00:00:00Z',
    };
    expect(await app.recordDryRun(record)).toBe(true);
    expect(await app.recordDryRun({ ...record, status: 'promoted' })).toBe(false);
    expect(await app.moveDryRun('e-1', 'pilot', ['promoted'], 'failed')).toBe(false);
    expect(await app.moveDryRun('e-1', 'pilot', ['pending'], 'promoting', { promotedBy: { sub: 'u' } })).toBe(true);
    expect(await app.moveDryRun('e-1', 'pilot', ['pending'], 'promoting')).toBe(false);
    expect(await app.moveDryRun('ghost', 'pilot', ['pending'], 'promoting')).toBe(false);
    expect(await app.getDryRun('e-1', 'pilot')).toMatchObject({ status: 'promoting', promotedBy: { sub: 'u' } });
  });

  it('indexes a credential under its learner key, and no key anywhere holds an email', async () => {
    await app.saveIssuance(
      {
        id: 'c-learner',
        issuerSlug: 'demo',
        achievementId: 'a',
        ruleId: 'r',
        sourceEventId: 'e-learner',
        recipientEmail: 'ada@example.edu',
        document: {},
        issuedAt: '2026-05-14T00:00:00Z',
        claimNonce: 'n',
        emailStatus: 'pending',
        learnerKey: 'LK',
      },
      { tokenHash: 'th-learner', credentialId: 'c-learner', expiresAt: '2026-06-14T00:00:00Z' },
    );
    expect((await admin.credentialsOfLearner('LK')).map((c) => c.id)).toEqual(['c-learner']);
    const items = (await db.docClient.send(new ScanCommand({ TableName: db.names.app }))).Items ?? [];
    const keyText = items.map((i) => `${i.pk} ${i.sk} ${i.gsi1pk ?? ''} ${i.gsi1sk ?? ''}`).join('\n');
    expect(keyText).toContain('LEARNER#LK');
    expect(keyText).not.toContain('@');
  });
});
