import { describe, expect, it } from 'vitest';
import { didDocument } from '#shared/credentials/did-web.ts';
import { verifyCredential } from '#shared/credentials/verify.ts';
import { learnerKey } from '#shared/learner-key.ts';
import { achievementEarned, demoAchievement, demoRule } from '#shared/testing/fixtures.ts';
import { makeIssuanceFixture } from '#shared/testing/issuance.ts';
import { makePromoteDryRun } from './promote-dry-run.ts';

const event = (externalId: string, email = 'ada@example.edu') =>
  achievementEarned({
    learner: { email, name: 'Ada Lovelace' },
    activity: { kind: 'course-completed', externalId, result: { score: 90 } },
  });

/** The demo institution with two courses, a pathway over them, and a pilot (dry-run) rule. */
const setup = async () => {
  const fixture = await makeIssuanceFixture();
  const { store } = fixture;
  store.achievements.set('intro-to-cs', demoAchievement({ version: 3 }));
  store.achievements.set('data-structures', demoAchievement({ id: 'data-structures', name: 'Data Structures' }));
  store.achievements.set(
    'cs-pathway',
    demoAchievement({ id: 'cs-pathway', name: 'CS Foundations', achievementType: 'MicroCredential' }),
  );
  store.rules.push(demoRule({ id: 'cs102-completed', achievementId: 'data-structures', externalId: 'CS102' }));
  store.rules.push(
    demoRule({ id: 'cs103-pilot', achievementId: 'data-structures', externalId: 'CS103', mode: 'dry-run' }),
  );
  store.stackRules.push({
    id: 'cs-foundations',
    type: 'stack',
    achievementId: 'cs-pathway',
    requires: ['intro-to-cs', 'data-structures'],
    mode: 'live',
  });
  return fixture;
};

describe('award path: versions, learner keys, pathways, dry runs', () => {
  it('records the achievement version and the learner key on the credential, and its version in the document', async () => {
    const { award, store, claimKey } = await setup();
    const { credentialIds } = await award({ source: 'demo.lms', event: event('CS101', 'Ada@Example.edu') });
    const credential = store.credentials.get(credentialIds[0] as string);
    expect(credential?.achievementVersion).toBe(3);
    expect(credential?.learnerKey).toBe(await learnerKey(claimKey, 'ada@example.edu'));
    expect(credential?.learnerKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const doc = credential?.document as { credentialSubject: { achievement: { version: string } } };
    expect(doc.credentialSubject.achievement.version).toBe('3');
  });

  it('awards the pathway once all its achievements are earned, once, and verifiably', async () => {
    const { award, store, published, claimKey, issuer } = await setup();
    await award({ source: 'demo.lms', event: event('CS101') });
    expect([...store.credentials.values()].map((c) => c.achievementId)).toEqual(['intro-to-cs']);
    const key = await learnerKey(claimKey, 'ada@example.edu');
    expect(store.progress.get(`cs-foundations#${key}`)?.earned).toEqual(['intro-to-cs']);
    // Nobody else's progress moves.
    await award({ source: 'demo.lms', event: event('CS102', 'grace@example.edu') });
    expect([...store.credentials.values()].filter((c) => c.achievementId === 'cs-pathway')).toHaveLength(0);

    await award({ source: 'demo.lms', event: event('CS102') });
    const pathway = [...store.credentials.values()].filter((c) => c.achievementId === 'cs-pathway');
    expect(pathway).toHaveLength(1);
    expect(pathway[0]).toMatchObject({ ruleId: 'cs-foundations', sourceEventId: `pathway:cs-foundations:${key}` });
    expect(published.map((p) => p.achievementId)).toEqual([
      'intro-to-cs',
      'data-structures',
      'data-structures',
      'cs-pathway',
    ]);
    expect(store.progress.get(`cs-foundations#${key}`)?.credentialId).toBe(pathway[0]?.id);
    const did = 'did:web:badges.example.edu:issuers:demo';
    const result = await verifyCredential(pathway[0]?.document as Record<string, unknown>, {
      resolveDid: async () => didDocument(issuer, did) as Record<string, unknown>,
    });
    expect(result.checks.find((c) => c.name === 'proof')?.ok).toBe(true);

    // Earning a requirement again issues it again (a new event) but never a second pathway.
    await award({ source: 'demo.lms', event: event('CS101') });
    expect([...store.credentials.values()].filter((c) => c.achievementId === 'cs-pathway')).toHaveLength(1);
  });

  it('awards N of a set, and records a dry-run pathway instead of issuing it', async () => {
    const { award, store, claimKey } = await setup();
    store.stackRules.push({
      id: 'any-one',
      type: 'stack',
      achievementId: 'cs-pathway',
      requires: ['intro-to-cs', 'data-structures'],
      threshold: 1,
      mode: 'dry-run',
    });
    await award({ source: 'demo.lms', event: event('CS101') });
    const key = await learnerKey(claimKey, 'ada@example.edu');
    expect(store.dryRuns.get(`pathway:any-one:${key}#any-one`)).toMatchObject({
      achievementId: 'cs-pathway',
      status: 'pending',
      source: 'laurel.pathway',
    });
    expect([...store.credentials.values()].map((c) => c.achievementId)).toEqual(['intro-to-cs']);
  });

  it('keeps a dry-run rule’s would-be award, issuing and emailing nothing; a promotion issues it once through the award path', async () => {
    const { award, store, published } = await setup();
    const pilot = event('CS103');
    const result = await award({ source: 'demo.lms', event: pilot });
    expect(result).toMatchObject({ outcome: 'dry-run', credentialIds: [] });
    expect(store.credentials.size).toBe(0);
    expect(published).toEqual([]);
    const record = store.dryRuns.get(`${pilot.eventId}#cs103-pilot`);
    expect(record).toMatchObject({ status: 'pending', achievementId: 'data-structures', event: pilot });
    // A redelivery does not record it twice.
    await award({ source: 'demo.lms', event: pilot });
    expect(store.dryRuns.size).toBe(1);

    const promote = makePromoteDryRun({ store, issue: award.issue, clock: { now: () => new Date() } });
    const detail = {
      version: 1 as const,
      eventId: pilot.eventId,
      ruleId: 'cs103-pilot',
      promotedAt: new Date().toISOString(),
      promotedBy: 'admin-1',
    };
    expect(await promote(detail)).toEqual({ outcome: 'skipped', reason: 'the record is pending' });
    await store.moveDryRun(pilot.eventId, 'cs103-pilot', ['pending'], 'promoting');
    const done = await promote(detail);
    expect(done).toMatchObject({ outcome: 'promoted' });
    const credential = store.credentials.get((done as { credentialId: string }).credentialId);
    expect(credential).toMatchObject({
      achievementId: 'data-structures',
      ruleId: 'cs103-pilot',
      sourceEventId: pilot.eventId,
    });
    expect(published.map((p) => p.credentialId)).toEqual([credential?.id]);
    expect(store.dryRuns.get(`${pilot.eventId}#cs103-pilot`)).toMatchObject({
      status: 'promoted',
      credentialId: credential?.id,
    });

    // Promoted twice (a redelivery, or a second click): the issuance marker gives back the same credential.
    await store.moveDryRun(pilot.eventId, 'cs103-pilot', ['promoted'], 'promoting');
    expect(await promote(detail)).toEqual({ outcome: 'promoted', credentialId: credential?.id });
    expect(store.credentials.size).toBe(1);
  });

  it('marks a promotion failed, with why, when its achievement is no longer published', async () => {
    const { award, store } = await setup();
    const pilot = event('CS103');
    await award({ source: 'demo.lms', event: pilot });
    store.achievements.set('data-structures', demoAchievement({ id: 'data-structures', status: 'retired' }));
    await store.moveDryRun(pilot.eventId, 'cs103-pilot', ['pending'], 'promoting');
    const promote = makePromoteDryRun({ store, issue: award.issue, clock: { now: () => new Date() } });
    const result = await promote({
      version: 1,
      eventId: pilot.eventId,
      ruleId: 'cs103-pilot',
      promotedAt: new Date().toISOString(),
      promotedBy: 'a',
    });
    expect(result).toMatchObject({ outcome: 'failed', code: 'ACHIEVEMENT.NOT_PUBLISHED' });
    expect(store.dryRuns.get(`${pilot.eventId}#cs103-pilot`)).toMatchObject({
      status: 'failed',
      reason: expect.stringContaining('retired'),
    });
  });
});
