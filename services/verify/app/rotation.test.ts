import { createLocalJWKSet, type JSONWebKeySet, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { revokeKey, rotateKey } from '#shared/credentials/issuer-keys.ts';
import type { Issuer } from '#shared/tables/app-table.ts';
import { achievementEarned } from '#shared/testing/fixtures.ts';
import { makeIssuanceFixture, TEST_BASE_URL } from '#shared/testing/issuance.ts';
import { makeCredentialJwt } from './credential-jwt.ts';
import { makePublicDocuments } from './public-documents.ts';

const DID = 'did:web:badges.example.edu:issuers:demo';

/** The demo institution, its verifier and JWT form, and helpers to issue and to change the issuer's keys. */
const setup = async () => {
  const fixture = await makeIssuanceFixture({ jwt: true });
  const documents = makePublicDocuments({
    store: fixture.store,
    remote: { resolve: async (did: string) => Promise.reject(new Error(`no network for ${did}`)) },
    clock: { now: () => new Date() },
    publicBaseUrl: TEST_BASE_URL,
  });
  const jwt = makeCredentialJwt({ store: fixture.store, jwtSigner: fixture.jwtSigner, publicBaseUrl: TEST_BASE_URL });
  const issue = async () => {
    const { credentialIds } = await fixture.award({ source: 'demo.lms', event: achievementEarned() });
    const id = credentialIds[0] as string;
    return { id, document: fixture.store.credentials.get(id)?.document as Record<string, unknown> };
  };
  const change = (f: (issuer: Issuer) => Issuer) => {
    fixture.store.issuers.set('demo', f(fixture.store.issuers.get('demo') as Issuer));
  };
  const verifyJwt = async (token: string) =>
    jwtVerify(token, createLocalJWKSet((await jwt.jwks('demo')) as JSONWebKeySet), { issuer: DID });
  return { ...fixture, documents, jwt, issue, change, verifyJwt };
};

/**
 * The signature holds: the key dereferences through the issuer's DID document and the proof verifies with it. (The
 * other checks, status lists among them, are the verifier's own tests' business.)
 */
const signatureHolds = (result: { checks: { name: string; ok: boolean }[] }) =>
  ['key', 'proof'].every((name) => result.checks.find((c) => c.name === name)?.ok === true);

const proofMethod = (doc: Record<string, unknown>) =>
  (doc.proof as { verificationMethod: string }[])[0]?.verificationMethod;

describe('keys over time', () => {
  it('rotation keeps old credentials valid; revoking the old key is what breaks them', async () => {
    const ctx = await setup();

    // Issue with key 1
    const first = await ctx.issue();
    const firstJwt = await ctx.jwt.credentialJwt(first.id);
    expect(proofMethod(first.document)).toBe(`${DID}#key-1`);

    // Rotate both keys (the old ones are retired for signing, still published), and issue with key 2
    const ed2 = await ctx.signer.publicKeyMultibase('local:demo-2');
    const rsa2 = await ctx.jwtSigner.publicJwk('local:demo-jwt-2');
    ctx.change((i) => rotateKey(i, { type: 'Multikey', keyRef: 'local:demo-2', publicKeyMultibase: ed2 }, new Date()));
    ctx.change((i) => rotateKey(i, { type: 'JsonWebKey', keyRef: 'local:demo-jwt-2', publicKeyJwk: rsa2 }, new Date()));
    const second = await ctx.issue();
    expect(proofMethod(second.document)).toBe(`${DID}#key-2`);

    // Both verify: the old proof through the retired key, still in the DID document
    expect(signatureHolds(await ctx.documents.verify(first.document))).toBe(true);
    expect(signatureHolds(await ctx.documents.verify(second.document))).toBe(true);
    // The JWT signed before the rotation still verifies; a fresh one uses the new key
    await expect(ctx.verifyJwt(firstJwt)).resolves.toBeDefined();
    const freshJwt = await ctx.jwt.credentialJwt(first.id);
    expect(freshJwt).not.toBe(firstJwt);
    expect((await ctx.verifyJwt(freshJwt)).protectedHeader.kid).toBe(`${TEST_BASE_URL}/issuers/demo/keys/jwt-2`);

    // Revoke key 1 (unpublish it): only what it signed stops verifying, on the key check
    ctx.change((i) => revokeKey(revokeKey(i, 'key-1', new Date()), 'jwt-1', new Date()));
    const broken = await ctx.documents.verify(first.document);
    expect(broken.verified).toBe(false);
    expect(broken.checks.find((c) => c.name === 'key')).toMatchObject({ ok: false });
    expect(signatureHolds(await ctx.documents.verify(second.document))).toBe(true);
    await expect(ctx.verifyJwt(firstJwt)).rejects.toThrow();
    await expect(ctx.jwt.jwk('demo', 'jwt-1')).rejects.toThrow(/not found/);
    await expect(ctx.verifyJwt(freshJwt)).resolves.toBeDefined();
  });

  it('in did:key mode, issues as the did:key of the active key, verifiable with no DID document fetched', async () => {
    const ctx = await setup();
    ctx.change((i) => ({ ...i, didMethod: 'key' }));

    const { document } = await ctx.issue();

    const issuer = (document.issuer as { id: string }).id;
    expect(issuer).toBe(`did:key:${ctx.issuer.publicKeyMultibase}`);
    expect(proofMethod(document)).toBe(`${issuer}#${ctx.issuer.publicKeyMultibase}`);
    expect(signatureHolds(await ctx.documents.verify(document))).toBe(true);
    await expect(ctx.documents.didDocument('demo')).rejects.toThrow(/did:key/);
    expect((await ctx.documents.issuerProfile('demo')).profile.id).toBe(issuer);
  });
});
