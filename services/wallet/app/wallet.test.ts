import { sign as edSign, generateKeyPairSync } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { makeCredentialSigner } from '#shared/adapters/credential-signer.ts';
import { ownerToken } from '#shared/claim-tokens.ts';
import { hashData, verifyDocument } from '#shared/credentials/data-integrity.ts';
import {
  publicKeyFromMultibase,
  publicKeyMultibaseFromKeyObject,
  publicKeyMultibaseFromRaw,
} from '#shared/credentials/multikey.ts';
import { achievementEarned } from '#shared/testing/fixtures.ts';
import { makeIssuanceFixture, TEST_BASE_URL } from '#shared/testing/issuance.ts';
import { makeWallet } from './wallet.ts';

const T0 = new Date('2026-05-14T16:20:06.000Z');

/** A claimed credential, the wallet use cases over it, and the owner cookie its learner's browser holds. */
const setup = async () => {
  const fx = await makeIssuanceFixture({ now: T0 });
  const { credentialIds } = await fx.award({ source: 'demo.lms', event: achievementEarned({ eventId: 'w-1' }) });
  const id = credentialIds[0] as string;
  const credential = fx.store.credentials.get(id);
  if (!credential) throw new Error('no credential');
  credential.claimedAt = T0.toISOString();
  let now = T0;
  const wallet = makeWallet({
    store: fx.store,
    claimKey: fx.claimKey,
    signer: makeCredentialSigner({ LAUREL_MODE: 'local', LAUREL_DATA_DIR: fx.dataDir }, fx.signer),
    clock: { now: () => now },
    publicBaseUrl: TEST_BASE_URL,
  });
  const cookie = await ownerToken(fx.claimKey, id, new Date(T0.getTime() + 86_400_000));
  const later = (ms: number) => {
    now = new Date(T0.getTime() + ms);
  };
  return { ...fx, id, wallet, cookie, later };
};

/** A wallet key as did:key (Ed25519) or did:jwk (P-256), and proofs made with it. */
const walletKey = async (kind: 'did:key' | 'did:jwk') => {
  const alg = kind === 'did:key' ? 'EdDSA' : 'ES256';
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = await exportJWK(publicKey);
  let kid: string;
  let did: string;
  if (kind === 'did:key') {
    const mb = publicKeyMultibaseFromRaw(Buffer.from(jwk.x as string, 'base64url'));
    did = `did:key:${mb}`;
    kid = `${did}#${mb}`;
  } else {
    did = `did:jwk:${Buffer.from(JSON.stringify(jwk satisfies JWK)).toString('base64url')}`;
    kid = `${did}#0`;
  }
  const proof = (nonce: unknown, overrides: { aud?: string; typ?: string; iat?: Date } = {}) =>
    new SignJWT(nonce === undefined ? {} : { nonce: nonce as string })
      .setProtectedHeader({ alg, typ: overrides.typ ?? 'openid4vci-proof+jwt', kid })
      .setAudience(overrides.aud ?? TEST_BASE_URL)
      .setIssuedAt(overrides.iat ?? T0)
      .sign(privateKey);
  return { did, proof };
};

const codeOf = (offer: object) =>
  (offer as { grants: Record<string, { 'pre-authorized_code': string }> }).grants[
    'urn:ietf:params:oauth:grant-type:pre-authorized_code'
  ]?.['pre-authorized_code'] as string;

describe('OpenID4VCI pre-authorized code flow', () => {
  for (const kind of ['did:key', 'did:jwk'] as const) {
    it(`issues a copy bound to the wallet's ${kind}, signed now by the issuer`, async () => {
      // Prepare
      const { wallet, id, cookie, issuer, later } = await setup();
      const offers = await wallet.offers(id, cookie);
      if (offers.state !== 'ready') throw new Error('not ready');
      expect(offers.oid4vci.deepLink).toMatch(/^openid-credential-offer:\/\/\?credential_offer=%7B/);
      const parsed = JSON.parse(decodeURIComponent(offers.oid4vci.deepLink.split('credential_offer=')[1] as string));
      expect(parsed).toEqual(offers.oid4vci.offer);
      expect(parsed).toMatchObject({
        credential_issuer: TEST_BASE_URL,
        credential_configuration_ids: ['OpenBadgeCredential'],
      });
      const key = await walletKey(kind);
      later(60_000);

      // Act
      const token = await wallet.token(
        new URLSearchParams({
          grant_type: 'urn:ietf:params:oauth:grant-type:pre-authorized_code',
          'pre-authorized_code': codeOf(parsed),
        }),
      );
      const { c_nonce } = await wallet.nonce();
      const out = await wallet.credential(token.access_token, {
        credential_configuration_id: 'OpenBadgeCredential',
        proofs: { jwt: [await key.proof(c_nonce, { iat: new Date(T0.getTime() + 60_000) })] },
      });

      // Assess
      expect(token).toMatchObject({ token_type: 'Bearer', expires_in: 300 });
      const bound = out.credentials[0]?.credential as Record<string, unknown> & { credentialSubject: { id: string } };
      expect(bound.credentialSubject.id).toBe(key.did);
      expect(bound.id).toBe(`${TEST_BASE_URL}/credentials/${id}`);
      const proof = (bound.proof as { created: string }[])[0];
      expect(proof?.created).toBe('2026-05-14T16:21:06Z');
      const verified = await verifyDocument(bound, {
        resolvePublicKey: async () => publicKeyFromMultibase(issuer.publicKeyMultibase),
      });
      expect(verified.verified).toBe(true);
    });
  }

  it('issues no new copies of a revoked or suspended credential', async () => {
    const { wallet, id, cookie, store } = await setup();
    const record = store.credentials.get(id);
    if (!record) throw new Error('no credential');
    record.suspendedAt = '2026-05-15T00:00:00Z';
    await expect(wallet.offers(id, cookie)).rejects.toMatchObject({ status: 409, code: 'CREDENTIAL.WITHDRAWN' });
    record.suspendedAt = undefined;
    record.revokedAt = '2026-05-16T00:00:00Z';
    await expect(wallet.offers(id, cookie)).rejects.toMatchObject({ status: 409 });
  });

  it('spends each code and token once, and refuses bad proofs with the OpenID4VCI error codes', async () => {
    const { wallet, id, cookie } = await setup();
    const offers = await wallet.offers(id, cookie);
    if (offers.state !== 'ready') throw new Error('not ready');
    const form = new URLSearchParams({
      grant_type: 'urn:ietf:params:oauth:grant-type:pre-authorized_code',
      'pre-authorized_code': codeOf(offers.oid4vci.offer),
    });
    const { access_token } = await wallet.token(form);
    await expect(wallet.token(form)).rejects.toMatchObject({ status: 400, error: 'invalid_grant' });
    await expect(wallet.token(new URLSearchParams({ grant_type: 'authorization_code' }))).rejects.toMatchObject({
      error: 'unsupported_grant_type',
    });
    const key = await walletKey('did:key');
    const { c_nonce } = await wallet.nonce();
    const request = async (jwt: string) =>
      wallet.credential(access_token, { credential_configuration_id: 'OpenBadgeCredential', proofs: { jwt: [jwt] } });
    await expect(request(await key.proof(c_nonce, { aud: 'https://elsewhere.example' }))).rejects.toMatchObject({
      error: 'invalid_proof',
    });
    await expect(request(await key.proof(c_nonce, { typ: 'JWT' }))).rejects.toMatchObject({ error: 'invalid_proof' });
    await expect(request(await key.proof(`${c_nonce}x`))).rejects.toMatchObject({ error: 'invalid_nonce' });
    await expect(request(await key.proof(undefined))).rejects.toMatchObject({ error: 'invalid_nonce' });
    await expect(
      wallet.credential(access_token, { credential_configuration_id: 'Other', proofs: { jwt: ['x'] } }),
    ).rejects.toMatchObject({ error: 'unknown_credential_configuration' });
    await request(await key.proof(c_nonce));
    await expect(request(await key.proof(c_nonce))).rejects.toMatchObject({ status: 401, error: 'invalid_token' });
    await expect(wallet.credential('made-up', {})).rejects.toMatchObject({ status: 401 });
  });

  it('makes offers only for the browser that claimed it, and codes expire', async () => {
    const { wallet, id, cookie, claimKey, later } = await setup();
    expect(await wallet.offers(id, undefined)).toEqual({ state: 'not-owner' });
    expect(await wallet.offers(id, `${cookie}0`)).toEqual({ state: 'not-owner' });
    const other = await ownerToken(claimKey, 'another-id', new Date(T0.getTime() + 86_400_000));
    expect(await wallet.offers(id, other)).toEqual({ state: 'not-owner' });
    const offers = await wallet.offers(id, cookie);
    if (offers.state !== 'ready') throw new Error('not ready');
    later(11 * 60_000);
    await expect(
      wallet.token(
        new URLSearchParams({
          grant_type: 'urn:ietf:params:oauth:grant-type:pre-authorized_code',
          'pre-authorized_code': codeOf(offers.oid4vci.offer),
        }),
      ),
    ).rejects.toMatchObject({ error: 'invalid_grant' });
  });
});

describe('VC-API exchange (Learner Credential Wallet)', () => {
  it('asks for DID Authentication, then returns the credential bound to the presenting did:key, once', async () => {
    const { wallet, id, cookie, issuer } = await setup();
    const offers = await wallet.offers(id, cookie);
    if (offers.state !== 'ready') throw new Error('not ready');
    const request = JSON.parse(decodeURIComponent(offers.lcw.deepLink.split('request=')[1] as string));
    expect(offers.lcw.deepLink).toMatch(/^dccrequest:\/\/request\?request=/);
    expect(request).toEqual({ credentialRequestOrigin: TEST_BASE_URL, protocols: { vcapi: offers.lcw.exchangeUrl } });
    const exchangeId = offers.lcw.exchangeUrl.split('/').pop() as string;

    const asked = (await wallet.exchange(exchangeId, {})) as {
      verifiablePresentationRequest: { challenge: string; domain: string; query: { type: string }[] };
    };
    expect(asked.verifiablePresentationRequest.query[0]?.type).toBe('DIDAuthentication');

    // The wallet signs a DID Authentication presentation over our challenge and domain.
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const mb = publicKeyMultibaseFromKeyObject(publicKey);
    const did = `did:key:${mb}`;
    const vp = { '@context': ['https://www.w3.org/ns/credentials/v2'], type: ['VerifiablePresentation'], holder: did };
    const proofConfig = {
      type: 'DataIntegrityProof',
      cryptosuite: 'eddsa-rdfc-2022',
      created: '2026-05-14T16:20:06Z',
      verificationMethod: `${did}#${mb}`,
      proofPurpose: 'authentication',
      challenge: asked.verifiablePresentationRequest.challenge,
      domain: asked.verifiablePresentationRequest.domain,
    };
    const data = await hashData(vp, { ...proofConfig, '@context': vp['@context'] });
    const { base58 } = await import('@scure/base');
    const signed = {
      ...vp,
      proof: { ...proofConfig, proofValue: `z${base58.encode(edSign(null, data, privateKey))}` },
    };

    const out = (await wallet.exchange(exchangeId, { verifiablePresentation: signed })) as unknown as {
      verifiablePresentation: {
        verifiableCredential: (Record<string, unknown> & { credentialSubject: { id: string } })[];
      };
    };
    const bound = out.verifiablePresentation.verifiableCredential[0];
    expect(bound?.credentialSubject.id).toBe(did);
    const verified = await verifyDocument(bound as Record<string, unknown>, {
      resolvePublicKey: async () => publicKeyFromMultibase(issuer.publicKeyMultibase),
    });
    expect(verified.verified).toBe(true);
    await expect(wallet.exchange(exchangeId, { verifiablePresentation: signed })).rejects.toMatchObject({
      status: 404,
    });
  });

  it('refuses a presentation over another challenge', async () => {
    const { wallet, id, cookie } = await setup();
    const offers = await wallet.offers(id, cookie);
    if (offers.state !== 'ready') throw new Error('not ready');
    const exchangeId = offers.lcw.exchangeUrl.split('/').pop() as string;
    const { publicKey } = generateKeyPairSync('ed25519');
    const did = `did:key:${publicKeyMultibaseFromKeyObject(publicKey)}`;
    await expect(
      wallet.exchange(exchangeId, {
        verifiablePresentation: { holder: did, proof: { challenge: 'other', proofValue: 'z1' } },
      }),
    ).rejects.toMatchObject({ status: 400, code: 'PRESENTATION.INVALID' });
  });
});
