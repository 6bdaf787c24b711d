import { beforeEach, describe, expect, it } from 'vitest';
import { makeGetStatusList } from '#services/status/app/status-list-credential.ts';
import { makeCredentialSigner } from '#shared/adapters/credential-signer.ts';
import { deriveClaimToken, hashClaimToken } from '#shared/claim-tokens.ts';
import { didDocument } from '#shared/credentials/did-web.ts';
import { verifyCredential } from '#shared/credentials/verify.ts';
import { achievementEarned, demoAchievement, demoRule } from '#shared/testing/fixtures.ts';
import { makeIssuanceFixture, TEST_BASE_URL } from '#shared/testing/issuance.ts';

const BASE = TEST_BASE_URL;
const NOW = new Date('2026-05-14T16:20:05.123Z');
const setup = async () => {
  const fixture = await makeIssuanceFixture({ now: NOW });
  const getStatusList = makeGetStatusList({
    store: fixture.statusStore,
    issuers: fixture.store,
    signer: makeCredentialSigner({ LAUREL_MODE: 'local', LAUREL_DATA_DIR: fixture.dataDir }, fixture.signer),
    clock: { now: () => NOW },
    publicBaseUrl: BASE,
  });
  /** Serves `/status/{list}` from the in-memory lists, as the status function would. */
  const fetchStatusList = async (url: string) =>
    (await getStatusList(url.slice(`${BASE}/status/`.length))).credential as unknown;
  return { ...fixture, fetchStatusList };
};

describe('award credential', () => {
  let ctx: Awaited<ReturnType<typeof setup>>;
  beforeEach(async () => {
    ctx = await setup();
  });

  it('issues a signed, verifiable Open Badge for a matching live rule and announces it', async () => {
    // Act
    const event = achievementEarned({ eventId: 'evt-1' });
    const result = await ctx.award({ source: 'demo.lms', event });
    // Assess
    expect(result).toMatchObject({ outcome: 'issued', credentialIds: [expect.any(String)] });
    const id = result.credentialIds[0] as string;
    const record = ctx.store.credentials.get(id);
    expect(record).toMatchObject({
      recipientEmail: 'ada@example.edu',
      ruleId: 'cs101-completed',
      sourceEventId: 'evt-1',
    });
    const doc = record?.document as Record<string, unknown>;
    expect(doc.id).toBe(`${BASE}/credentials/${id}`);
    expect(JSON.stringify(doc)).not.toContain('ada@example.edu');
    const verdict = await verifyCredential(doc, {
      resolveDid: async (did) => didDocument(ctx.issuer, did),
      fetchJson: ctx.fetchStatusList,
      now: new Date('2026-05-15T00:00:00Z'),
    });
    expect(verdict.checks.filter((c) => !c.ok)).toEqual([]);
    expect(verdict.verified).toBe(true);
    expect(ctx.published).toEqual([
      {
        version: 1,
        credentialId: id,
        credentialUrl: `${BASE}/credentials/${id}`,
        issuerSlug: 'demo',
        achievementId: 'intro-to-cs',
        ruleId: 'cs101-completed',
        sourceEventId: 'evt-1',
        issuedAt: '2026-05-14T16:20:05Z',
      },
    ]);
    expect(ctx.store.events.get('evt-1')).toMatchObject({ outcome: 'issued', credentialIds: [id], source: 'demo.lms' });
  });

  it('stores only the hash of a claim token that the claim key can re-derive, expiring after the TTL', async () => {
    const { credentialIds } = await ctx.award({ source: 'demo.lms', event: achievementEarned() });
    const record = ctx.store.credentials.get(credentialIds[0] as string);
    const token = await deriveClaimToken(ctx.claimKey, record?.id as string, record?.claimNonce as string);
    expect(token).toHaveLength(43);
    const claim = ctx.store.claims.get(hashClaimToken(token));
    expect(claim).toEqual({
      tokenHash: hashClaimToken(token),
      credentialId: record?.id,
      expiresAt: '2026-06-13T16:20:05.123Z',
    });
    expect(JSON.stringify([...ctx.store.claims.values(), ...ctx.store.credentials.values()])).not.toContain(token);
  });

  it('never issues twice for the same event, and republishes so a lost announcement is recovered', async () => {
    const event = achievementEarned({ eventId: 'evt-dup' });
    const first = await ctx.award({ source: 'demo.lms', event });
    const second = await ctx.award({ source: 'demo.lms', event });
    expect(ctx.store.credentials.size).toBe(1);
    expect(second.credentialIds).toEqual(first.credentialIds);
    expect(ctx.published.map((p) => p.credentialId)).toEqual([first.credentialIds[0], first.credentialIds[0]]);
  });

  it('fails (to be retried) when the announcement cannot be published, and the retry issues nothing new', async () => {
    const event = achievementEarned({ eventId: 'evt-bus' });
    ctx.publisher.fail = true;
    await expect(ctx.award({ source: 'demo.lms', event })).rejects.toThrow('bus unavailable');
    ctx.publisher.fail = false;
    const retry = await ctx.award({ source: 'demo.lms', event });
    expect(ctx.store.credentials.size).toBe(1);
    expect(ctx.published).toHaveLength(1);
    expect(retry.outcome).toBe('issued');
  });

  it('rejects an unknown source with a reason and issues nothing', async () => {
    const result = await ctx.award({ source: 'rogue.lms', event: achievementEarned({ eventId: 'evt-rogue' }) });
    expect(result.outcome).toBe('rejected');
    expect(ctx.store.events.get('evt-rogue')).toMatchObject({
      reasonCode: 'SOURCE.UNKNOWN',
      reason: 'source rogue.lms is not an allowed source',
    });
    expect(ctx.store.credentials.size).toBe(0);
    expect(ctx.published).toEqual([]);
  });

  it('records events no rule matches, and rules whose conditions fail, with why', async () => {
    await ctx.award({
      source: 'demo.lms',
      event: achievementEarned({ eventId: 'evt-none', activity: { kind: 'course-completed', externalId: 'CS999' } }),
    });
    await ctx.award({
      source: 'demo.lms',
      event: achievementEarned({
        eventId: 'evt-low',
        activity: { kind: 'course-completed', externalId: 'CS101', result: { score: 50 } },
      }),
    });
    expect(ctx.store.events.get('evt-none')).toMatchObject({ outcome: 'no-match', reasonCode: 'RULE.NO_MATCH' });
    expect(ctx.store.events.get('evt-low')).toMatchObject({
      outcome: 'no-match',
      reasonCode: 'RULE.CONDITIONS_UNMET',
      reason: 'rule cs101-completed needs a score of at least 70; got 50',
    });
    expect(ctx.store.credentials.size).toBe(0);
  });

  it('records a dry-run rule as a would-be award without issuing', async () => {
    ctx.store.rules.splice(0, 1, demoRule({ mode: 'dry-run' }));
    const result = await ctx.award({ source: 'demo.lms', event: achievementEarned({ eventId: 'evt-dry' }) });
    expect(result.outcome).toBe('dry-run');
    expect(ctx.store.credentials.size).toBe(0);
    expect(ctx.published).toEqual([]);
  });

  it('refuses to award an achievement that is not published', async () => {
    ctx.store.achievements.set('intro-to-cs', demoAchievement({ status: 'draft' }));
    const result = await ctx.award({ source: 'demo.lms', event: achievementEarned({ eventId: 'evt-draft' }) });
    expect(result.outcome).toBe('rejected');
    expect(ctx.store.events.get('evt-draft')).toMatchObject({ reasonCode: 'ACHIEVEMENT.NOT_PUBLISHED' });
    expect(ctx.store.credentials.size).toBe(0);
  });

  it('gives every credential a revocation entry at a random index of the issuer list, allocated before signing', async () => {
    // Act
    const first = await ctx.award({ source: 'demo.lms', event: achievementEarned({ eventId: 'evt-s1' }) });
    const second = await ctx.award({ source: 'demo.lms', event: achievementEarned({ eventId: 'evt-s2' }) });
    // Assess
    const [a, b] = [first, second].map((r) => ctx.store.credentials.get(r.credentialIds[0] as string));
    const status = a?.document.credentialStatus as Record<string, string>;
    const entry = a?.statusEntries?.[0];
    expect(a?.statusEntries).toEqual([
      { purpose: 'revocation', listId: expect.any(String), index: expect.any(Number) },
    ]);
    expect(status).toEqual({
      id: `${BASE}/status/${entry?.listId}#${entry?.index}`,
      type: 'BitstringStatusListEntry',
      statusPurpose: 'revocation',
      statusListIndex: String(entry?.index),
      statusListCredential: `${BASE}/status/${entry?.listId}`,
    });
    // Inside the proof: changing the entry breaks the signature.
    const tampered = { ...a?.document, credentialStatus: { ...status, statusListIndex: '1' } };
    const verdict = await verifyCredential(tampered, {
      resolveDid: async (did) => didDocument(ctx.issuer, did),
      fetchJson: ctx.fetchStatusList,
      now: new Date('2026-05-15T00:00:00Z'),
    });
    expect(verdict.verified).toBe(false);
    // Same list, different indexes; the index item names its credential and achievement.
    expect(b?.statusEntries?.[0]?.listId).toBe(entry?.listId);
    expect(b?.statusEntries?.[0]?.index).not.toBe(entry?.index);
    expect(ctx.statusStore.indexes.get(`${entry?.listId}#${entry?.index}`)).toMatchObject({
      credentialId: a?.id,
      achievementId: 'intro-to-cs',
      purpose: 'revocation',
    });
  });

  it('adds a suspension entry, in a list of its own, when the achievement is suspendable', async () => {
    ctx.store.achievements.set('intro-to-cs', demoAchievement({ suspendable: true }));
    const { credentialIds } = await ctx.award({ source: 'demo.lms', event: achievementEarned() });
    const record = ctx.store.credentials.get(credentialIds[0] as string);
    const status = record?.document.credentialStatus as Record<string, string>[];
    expect(status.map((s) => s.statusPurpose)).toEqual(['revocation', 'suspension']);
    expect(status[0]?.statusListCredential).not.toBe(status[1]?.statusListCredential);
    expect(record?.statusEntries?.map((e) => e.purpose)).toEqual(['revocation', 'suspension']);
  });

  it('gives an expiring achievement a validUntil', async () => {
    ctx.store.achievements.set('intro-to-cs', demoAchievement({ validForDays: 365 }));
    const { credentialIds } = await ctx.award({ source: 'demo.lms', event: achievementEarned() });
    expect(ctx.store.credentials.get(credentialIds[0] as string)?.document.validUntil).toBe('2027-05-14T16:20:05Z');
  });
});
