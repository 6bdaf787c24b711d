import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite as eddsaRdfc2022 } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import { verifyCredential as referenceVerify } from '@digitalbazaar/vc';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { makeTokenEndpoint } from '#infra/local/oauth.ts';
import { makeCredentialSigner } from '#shared/adapters/credential-signer.ts';
import { createLocalOAuth, LOCAL_OAUTH_CLIENT_ID } from '#shared/adapters/oauth.local.ts';
import { createLocalSigner } from '#shared/adapters/signer.local.ts';
import { CONTEXTS } from '#shared/credentials/context-urls.ts';
import { didDocument, didKeyFor } from '#shared/credentials/did-web.ts';
import { createDocumentLoader } from '#shared/credentials/document-loader.ts';
import { makeAccessTokenVerifier } from '#shared/runtime/access-token.ts';
import { makeLogger } from '#shared/runtime/logger.ts';
import { demoIssuer } from '#shared/testing/fixtures.ts';
import { httpEvent, lambdaContext } from '#shared/testing/http.ts';
import { InMemoryStore } from '#shared/testing/in-memory-store.ts';
import { TEST_BASE_URL } from '#shared/testing/issuance.ts';
import { makeIssueCredential } from '../app/issue-credential.ts';
import { buildHandler } from './http.ts';

// The module also builds its production handler at import: give its wiring values it will never use.
vi.hoisted(() =>
  Object.assign(process.env, {
    APP_TABLE_NAME: 'unused',
    PUBLIC_BASE_URL: 'https://badges.example.edu',
    SIGNING_KEY_ID: 'unused',
    VC_API_TOKEN_ISSUER: 'https://badges.example.edu/oauth',
  }),
);

const DID = 'did:web:badges.example.edu:issuers:demo';
const TOKEN_ISSUER = `${TEST_BASE_URL}/oauth`;

/** A VC Data Model 2.0 credential as a conformance suite sends it. */
const credential = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  '@context': [CONTEXTS.credentialsV2, 'https://www.w3.org/ns/credentials/examples/v2'],
  id: 'urn:uuid:6a3c2b8e-8f55-4d1d-a3d8-4a4f0bd7a1f0',
  type: ['VerifiableCredential', 'ExampleDegreeCredential'],
  issuer: DID,
  validFrom: '2026-01-01T00:00:00Z',
  credentialSubject: { id: 'did:example:ebfeb1f712ebc6f1c276e12ec21', degree: { type: 'ExampleBachelorDegree' } },
  ...overrides,
});

const setup = async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'laurel-issue-'));
  const signer = createLocalSigner({ dataDir });
  const store = new InMemoryStore();
  const issuer = demoIssuer({ publicKeyMultibase: await signer.publicKeyMultibase('local:demo') });
  store.issuers.set('demo', issuer);
  store.issuers.set('other', { ...issuer, slug: 'other' });
  store.issuers.set('keyed', { ...issuer, slug: 'keyed', didMethod: 'key' });
  await store.putApiClient({ clientId: LOCAL_OAUTH_CLIENT_ID, issuerSlugs: ['demo', 'keyed'] });

  const oauth = createLocalOAuth({ dataDir });
  const [client] = await oauth.clients();
  const tokenEndpoint = makeTokenEndpoint({ oauth, issuer: TOKEN_ISSUER });
  const accessToken = async () => {
    const res = await tokenEndpoint({
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: Buffer.from(
        new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: client?.clientId ?? '',
          client_secret: client?.clientSecret ?? '',
        }).toString(),
      ),
    });
    return JSON.parse(res.body).access_token as string;
  };

  const handler = buildHandler({
    logger: makeLogger('issue-test'),
    verifyToken: makeAccessTokenVerifier({ issuer: TOKEN_ISSUER, jwks: await oauth.jwks() }),
    issue: makeIssueCredential({
      store,
      signer: makeCredentialSigner({ LAUREL_MODE: 'local', LAUREL_DATA_DIR: dataDir }, signer),
      clock: { now: () => new Date('2026-05-14T16:20:00Z') },
      publicBaseUrl: TEST_BASE_URL,
    }),
  });
  const token = await accessToken();
  const post = (body: unknown, headers: Record<string, string> = { authorization: `Bearer ${token}` }) =>
    handler(
      httpEvent('POST /credentials/issue', {
        headers: { 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
      lambdaContext,
    );
  return { store, issuer, post, token };
};

const body = (res: { body?: string }) => JSON.parse(res.body ?? '{}');

describe('POST /credentials/issue (W3C VC-API)', () => {
  let ctx: Awaited<ReturnType<typeof setup>>;
  beforeAll(async () => {
    ctx = await setup();
  });

  it('signs a well-formed credential for an issuer the client may use: 201, verified by an independent stack', async () => {
    // Act
    const res = await ctx.post({ credential: credential(), options: {} });

    // Assess
    expect(res.statusCode).toBe(201);
    const { verifiableCredential: vc } = body(res);
    expect(vc).toMatchObject({
      ...credential(),
      proof: [{ type: 'DataIntegrityProof', cryptosuite: 'eddsa-rdfc-2022' }],
    });
    expect(vc.proof[0]).toMatchObject({
      verificationMethod: `${DID}#key-1`,
      proofPurpose: 'assertionMethod',
      created: '2026-05-14T16:20:00Z',
    });
    const doc = didDocument(ctx.issuer, DID);
    const result = await referenceVerify({
      credential: vc,
      suite: new DataIntegrityProof({ cryptosuite: eddsaRdfc2022 }),
      documentLoader: createDocumentLoader(async (url) => {
        if (url === DID) return doc;
        const vm = doc.verificationMethod.find((m) => m.id === url);
        return vm ? { '@context': CONTEXTS.multikeyV1, ...vm } : undefined;
      }),
    });
    expect(result.error).toBeUndefined();
    expect(result.verified).toBe(true);
  });

  it('signs as a did:key issuer when the credential names that did:key', async () => {
    const { did, verificationMethod } = didKeyFor(ctx.issuer.publicKeyMultibase);
    const res = await ctx.post({ credential: credential({ issuer: { id: did, name: 'Keyed' } }) });
    expect(res.statusCode).toBe(201);
    expect(body(res).verifiableCredential.proof[0].verificationMethod).toBe(verificationMethod);
  });

  it.each([
    ['no token', {}, 401, 'AUTH.MISSING_TOKEN'],
    ['a forged token', { authorization: 'Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2ln' }, 401, 'AUTH.INVALID_TOKEN'],
  ])('refuses %s with 401 and a Bearer challenge', async (_, headers, status, code) => {
    const res = await ctx.post({ credential: credential() }, headers);
    expect(res.statusCode).toBe(status);
    expect(body(res).code).toBe(code);
    expect(res.headers?.['www-authenticate']).toMatch(/^Bearer/);
  });

  it('refuses a client that is not registered for any issuer (403)', async () => {
    ctx.store.apiClients.delete(LOCAL_OAUTH_CLIENT_ID);
    try {
      const res = await ctx.post({ credential: credential() });
      expect(res.statusCode).toBe(403);
      expect(body(res).code).toBe('CLIENT.NOT_REGISTERED');
    } finally {
      await ctx.store.putApiClient({ clientId: LOCAL_OAUTH_CLIENT_ID, issuerSlugs: ['demo', 'keyed'] });
    }
  });

  it.each([
    ['not JSON', '{not json', 'REQUEST.INVALID_JSON'],
    ['no credential', { options: {} }, 'REQUEST.INVALID'],
    ['a credential that is not an object', { credential: 'x' }, 'REQUEST.INVALID'],
    ['options that are not an object', { credential: credential(), options: [] }, 'REQUEST.INVALID'],
  ])('answers a malformed request (%s) with 400', async (_, request, code) => {
    const res = await ctx.post(request);
    expect(res.statusCode).toBe(400);
    expect(body(res).code).toBe(code);
  });

  it.each([
    [
      'a VC 1.1 context',
      { '@context': ['https://www.w3.org/2018/credentials/v1'] },
      /@context must be a list starting/,
    ],
    ['no VerifiableCredential type', { type: ['ExampleDegreeCredential'] }, /type must include VerifiableCredential/],
    ['no type', { type: undefined }, /type must be/],
    ['no issuer', { issuer: undefined }, /issuer is required/],
    ['an issuer that is not a URL', { issuer: 'Demo University' }, /issuer must be a URL/],
    ['no credentialSubject', { credentialSubject: undefined }, /credentialSubject is required/],
    ['an empty credentialSubject', { credentialSubject: {} }, /credentialSubject must be a non-empty/],
    ['an id that is not a URL', { id: 'not a url' }, /id must be a single URL/],
    ['two ids', { id: ['urn:a', 'urn:b'] }, /id must be a single URL/],
    ['a malformed validFrom', { validFrom: '2026-01-01' }, /validFrom must be a dateTimeStamp/],
    ['validFrom after validUntil', { validUntil: '2025-01-01T00:00:00Z' }, /validFrom must not be later/],
    [
      'a status without a type',
      { credentialStatus: { id: 'https://example.edu/status/1#5' } },
      /credentialStatus.type/,
    ],
    ['a schema without an id', { credentialSchema: { type: 'JsonSchema' } }, /credentialSchema.id must be a URL/],
    ['a proof already', { proof: { type: 'DataIntegrityProof' } }, /already has a proof/],
    [
      'an issuer the client may not use',
      { issuer: 'did:web:badges.example.edu:issuers:other' },
      /not an issuer this client may issue for/,
    ],
  ])('answers %s with 400 and the reason', async (_, overrides, reason) => {
    const res = await ctx.post({ credential: credential(overrides) });
    expect(res.statusCode).toBe(400);
    expect(body(res).message).toMatch(reason);
  });

  it('answers 422 for terms no context defines, or a context Laurel does not hold, naming it', async () => {
    const undefinedTerm = await ctx.post({
      credential: credential({ '@context': [CONTEXTS.credentialsV2], credentialSubject: { shoeSize: 42 } }),
    });
    expect(undefinedTerm.statusCode).toBe(422);
    expect(body(undefinedTerm).message).toMatch(/"shoeSize" is not defined/);
    const unknownContext = await ctx.post({
      credential: credential({ '@context': [CONTEXTS.credentialsV2, 'https://example.com/my-context.json'] }),
    });
    expect(unknownContext.statusCode).toBe(422);
    expect(body(unknownContext).message).toMatch(/example\.com\/my-context\.json/);
  });

  it('stores nothing: the issuer records are as they were', async () => {
    const before = structuredClone([...ctx.store.issuers.entries()]);
    await ctx.post({ credential: credential() });
    await ctx.post({ credential: credential({ issuer: 'nope' }) });
    expect([...ctx.store.issuers.entries()]).toEqual(before);
    expect(ctx.store.credentials.size).toBe(0);
  });
});
