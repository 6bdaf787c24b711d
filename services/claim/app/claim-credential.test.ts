import { describe, expect, it } from 'vitest';
import { hashClaimToken } from '#shared/claim-tokens.ts';
import { InMemoryStore } from '#shared/testing/in-memory-store.ts';
import { makeAcceptClaim, makeViewClaim } from './claim-credential.ts';

const TOKEN = 'A'.repeat(43);
const NOW = new Date('2026-05-20T00:00:00Z');

const setup = (claim: { expiresAt?: string; usedAt?: string } = {}) => {
  const store = new InMemoryStore();
  store.credentials.set('c-1', {
    id: 'c-1',
    issuerSlug: 'demo',
    achievementId: 'intro-to-cs',
    ruleId: 'r',
    sourceEventId: 'e',
    recipientEmail: 'ada@example.edu',
    document: { name: 'Intro' },
    issuedAt: '2026-05-14T00:00:00Z',
    claimNonce: 'n',
    emailStatus: 'sent',
  });
  store.claims.set(hashClaimToken(TOKEN), {
    tokenHash: hashClaimToken(TOKEN),
    credentialId: 'c-1',
    expiresAt: claim.expiresAt ?? '2026-06-13T00:00:00Z',
    usedAt: claim.usedAt,
  });
  const clock = { now: () => NOW };
  return { store, view: makeViewClaim({ store, clock }), accept: makeAcceptClaim({ store, clock }) };
};

describe('claim', () => {
  it('shows an open claim with its credential', async () => {
    const { view } = setup();
    expect(await view(TOKEN)).toMatchObject({ state: 'open', credential: { id: 'c-1' } });
  });

  it('treats malformed and unknown tokens alike', async () => {
    const { view } = setup();
    expect(await view('short')).toEqual({ state: 'unknown' });
    expect(await view('B'.repeat(43))).toEqual({ state: 'unknown' });
  });

  it('says a credential revoked before it was claimed is revoked, and will not accept it', async () => {
    // Prepare
    const { store, view, accept } = setup();
    const record = store.credentials.get('c-1');
    if (record) record.revokedAt = '2026-05-19T10:00:00.000Z';
    // Act / Assess
    expect(await view(TOKEN)).toEqual({ state: 'revoked', revokedAt: '2026-05-19T10:00:00.000Z' });
    expect(await accept(TOKEN)).toEqual({ state: 'revoked', revokedAt: '2026-05-19T10:00:00.000Z' });
    expect(store.credentials.get('c-1')?.claimedAt).toBeUndefined();
    expect(store.claims.get(hashClaimToken(TOKEN))?.usedAt).toBeUndefined();
  });

  it('holds a suspended credential back until it is reinstated', async () => {
    const { store, view, accept } = setup();
    const record = store.credentials.get('c-1');
    if (record) record.suspendedAt = '2026-05-19T10:00:00.000Z';
    expect(await accept(TOKEN)).toEqual({ state: 'suspended', expiresAt: '2026-06-13T00:00:00Z' });
    if (record) delete record.suspendedAt;
    expect(await view(TOKEN)).toMatchObject({ state: 'open' });
    expect(await accept(TOKEN)).toEqual({ accepted: true, credentialId: 'c-1' });
  });

  it('reports an expired link', async () => {
    const { view, accept } = setup({ expiresAt: '2026-05-19T23:59:59Z' });
    expect(await view(TOKEN)).toEqual({ state: 'expired', expiresAt: '2026-05-19T23:59:59Z' });
    expect(await accept(TOKEN)).toMatchObject({ state: 'expired' });
  });

  it('accepts once: the credential is claimed and the token spent', async () => {
    const { store, accept } = setup();
    expect(await accept(TOKEN)).toEqual({ accepted: true, credentialId: 'c-1' });
    expect(store.credentials.get('c-1')?.claimedAt).toBe(NOW.toISOString());
    expect(await accept(TOKEN)).toEqual({ state: 'used', credentialId: 'c-1' });
  });

  it('lets exactly one of two concurrent accepts win', async () => {
    const { accept } = setup();
    const results = await Promise.all([accept(TOKEN), accept(TOKEN)]);
    expect(results.filter((r) => 'accepted' in r)).toHaveLength(1);
  });
});
