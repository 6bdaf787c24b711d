import { beforeEach, describe, expect, it } from 'vitest';
import { makeCredentialSigner } from '#shared/adapters/credential-signer.ts';
import type { Signer } from '#shared/adapters/signer.ts';
import { verifyDocument } from '#shared/credentials/data-integrity.ts';
import { publicKeyFromMultibase } from '#shared/credentials/multikey.ts';
import { readStatusBit, STATUS_LIST_TTL_SECONDS } from '#shared/credentials/status-list.ts';
import { achievementEarned } from '#shared/testing/fixtures.ts';
import { makeIssuanceFixture, TEST_BASE_URL } from '#shared/testing/issuance.ts';
import { makeChangeStatus } from './change-status.ts';
import { makeGetStatusList } from './status-list-credential.ts';

const HOUR = 3_600_000;

const setup = async () => {
  const fixture = await makeIssuanceFixture({ now: new Date('2026-05-14T16:20:05Z') });
  let now = new Date('2026-05-14T17:00:00Z');
  const signs: Uint8Array[] = [];
  const countingSigner: Signer = {
    sign: async (keyRef, data) => {
      signs.push(data);
      return fixture.signer.sign(keyRef, data);
    },
    publicKeyMultibase: (keyRef) => fixture.signer.publicKeyMultibase(keyRef),
  };
  const clock = { now: () => now };
  const getStatusList = makeGetStatusList({
    store: fixture.statusStore,
    issuers: fixture.store,
    signer: makeCredentialSigner({ LAUREL_MODE: 'local', LAUREL_DATA_DIR: fixture.dataDir }, countingSigner),
    clock,
    publicBaseUrl: TEST_BASE_URL,
  });
  const status = makeChangeStatus({
    store: fixture.statusStore,
    lookups: fixture.store,
    publisher: {
      revoked: async () => {},
      suspended: async () => {},
      reinstated: async () => {},
      credentialIssued: async () => {},
    },
    clock,
    publicBaseUrl: TEST_BASE_URL,
  });
  const { credentialIds } = await fixture.award({ source: 'demo.lms', event: achievementEarned() });
  const credentialId = credentialIds[0] as string;
  const entry = fixture.store.credentials.get(credentialId)?.statusEntries?.[0];
  return {
    ...fixture,
    getStatusList,
    status,
    signs,
    credentialId,
    listId: entry?.listId as string,
    index: entry?.index as number,
    advance: (ms: number) => {
      now = new Date(now.getTime() + ms);
    },
  };
};

describe('the served status list credential', () => {
  let ctx: Awaited<ReturnType<typeof setup>>;
  beforeEach(async () => {
    ctx = await setup();
  });

  it("is signed by the issuer's key (eddsa-rdfc-2022), at its own URL, with a 48-hour validity and the cache ttl", async () => {
    // Act
    const { credential } = await ctx.getStatusList(ctx.listId);
    // Assess
    expect(credential).toMatchObject({
      id: `${TEST_BASE_URL}/status/${ctx.listId}`,
      type: ['VerifiableCredential', 'BitstringStatusListCredential'],
      issuer: 'did:web:badges.example.edu:issuers:demo',
      validFrom: '2026-05-14T17:00:00Z',
      validUntil: '2026-05-16T17:00:00Z',
      credentialSubject: {
        id: `${TEST_BASE_URL}/status/${ctx.listId}#list`,
        type: 'BitstringStatusList',
        statusPurpose: 'revocation',
        ttl: STATUS_LIST_TTL_SECONDS * 1000,
      },
      proof: [
        {
          type: 'DataIntegrityProof',
          cryptosuite: 'eddsa-rdfc-2022',
          verificationMethod: 'did:web:badges.example.edu:issuers:demo#key-1',
          proofPurpose: 'assertionMethod',
        },
      ],
    });
    const verified = await verifyDocument(credential, {
      resolvePublicKey: async () => publicKeyFromMultibase(ctx.issuer.publicKeyMultibase),
    });
    expect(verified.verified).toBe(true);
  });

  it('signs once per change, serving the cached credential in between, and shows the new bit after a revocation', async () => {
    const first = await ctx.getStatusList(ctx.listId);
    await ctx.getStatusList(ctx.listId);
    await ctx.getStatusList(ctx.listId);
    expect(ctx.signs).toHaveLength(1);
    const encodedBefore = (first.credential.credentialSubject as { encodedList: string }).encodedList;
    expect(await readStatusBit(encodedBefore, ctx.index)).toBe(false);

    await ctx.status.revoke({ credentialId: ctx.credentialId, reason: 'error', actor: 'cli:test' });
    const after = await ctx.getStatusList(ctx.listId);
    await ctx.getStatusList(ctx.listId);

    expect(ctx.signs).toHaveLength(2);
    expect(after.version).toBe(first.version + 1);
    const encodedAfter = (after.credential.credentialSubject as { encodedList: string }).encodedList;
    expect(await readStatusBit(encodedAfter, ctx.index)).toBe(true);
  });

  it('re-signs once less than a day of validity remains, never serving an expired list', async () => {
    await ctx.getStatusList(ctx.listId);
    ctx.advance(23 * HOUR);
    await ctx.getStatusList(ctx.listId);
    expect(ctx.signs).toHaveLength(1);
    ctx.advance(2 * HOUR);
    const renewed = await ctx.getStatusList(ctx.listId);
    expect(ctx.signs).toHaveLength(2);
    expect(renewed.credential.validUntil).toBe('2026-05-17T18:00:00Z');
  });

  it('answers 404 for an unknown list and for anything that is not a list id, without signing', async () => {
    for (const id of ['00000000-0000-4000-8000-000000000000', 'demo', '../credentials/x', ''])
      await expect(ctx.getStatusList(id), id).rejects.toMatchObject({ code: 'STATUS_LIST.NOT_FOUND', status: 404 });
    expect(ctx.signs).toEqual([]);
  });
});
