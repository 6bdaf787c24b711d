import { compactVerify, createLocalJWKSet, importJWK, type JSONWebKeySet, jwtVerify } from 'jose';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { makeLogger } from '#shared/runtime/logger.ts';
import { achievementEarned } from '#shared/testing/fixtures.ts';
import { httpEvent, lambdaContext } from '#shared/testing/http.ts';
import { makeIssuanceFixture, TEST_BASE_URL } from '#shared/testing/issuance.ts';
import { makeCredentialJwt } from '../app/credential-jwt.ts';
import { makePublicDocuments } from '../app/public-documents.ts';
import { buildHandler } from './http.ts';

vi.hoisted(() =>
  Object.assign(process.env, { APP_TABLE_NAME: 'unused', PUBLIC_BASE_URL: 'https://badges.example.edu' }),
);

const DID = 'did:web:badges.example.edu:issuers:demo';

const setup = async (opts: { jwt: boolean }) => {
  const fixture = await makeIssuanceFixture({ jwt: opts.jwt });
  const { credentialIds } = await fixture.award({ source: 'demo.lms', event: achievementEarned() });
  const handler = buildHandler({
    logger: makeLogger('verify-test'),
    publicBaseUrl: TEST_BASE_URL,
    jwt: makeCredentialJwt({ store: fixture.store, jwtSigner: fixture.jwtSigner, publicBaseUrl: TEST_BASE_URL }),
    documents: makePublicDocuments({
      store: fixture.store,
      remote: { resolve: async (did: string) => Promise.reject(new Error(`no network for ${did}`)) },
      clock: { now: () => new Date() },
      publicBaseUrl: TEST_BASE_URL,
    }),
  });
  const call = (routeKey: string, opts: Parameters<typeof httpEvent>[1] = {}) =>
    handler(httpEvent(routeKey, opts), lambdaContext);
  const id = credentialIds[0] as string;
  return { ...fixture, id, call };
};

/** What a verifier does with a `kid`: fetch it (here through the handler) and expect the bare JWK. */
const dereferenceKid = async (ctx: Awaited<ReturnType<typeof setup>>, kid: string) => {
  const match = /^https:\/\/badges\.example\.edu\/issuers\/([^/]+)\/keys\/([^/]+)$/.exec(kid);
  if (!match) throw new Error(`kid is not a key URL: ${kid}`);
  const res = await ctx.call('GET /issuers/{slug}/keys/{keyId}', {
    pathParameters: { slug: match[1] as string, keyId: match[2] as string },
  });
  return { res, jwk: JSON.parse(res.body ?? '{}') as Record<string, string> };
};

describe('the VC-JWT form', () => {
  let ctx: Awaited<ReturnType<typeof setup>>;
  beforeAll(async () => {
    ctx = await setup({ jwt: true });
  });

  it('is served for Accept: application/vc+jwt and verifies with jose against the published JWKS', async () => {
    // Act
    const res = await ctx.call('GET /credentials/{id}', {
      pathParameters: { id: ctx.id },
      headers: { accept: 'application/vc+jwt' },
    });
    const jwks = await ctx.call('GET /issuers/{slug}/jwks.json', { pathParameters: { slug: 'demo' } });

    // Assess
    expect(res.statusCode).toBe(200);
    expect(res.headers?.['content-type']).toBe('application/vc+jwt');
    expect(jwks.headers?.['content-type']).toBe('application/jwk-set+json');
    const keySet = JSON.parse(jwks.body ?? '{}') as JSONWebKeySet;
    const { payload, protectedHeader } = await jwtVerify(res.body ?? '', createLocalJWKSet(keySet), {
      issuer: DID,
      typ: 'JWT',
      algorithms: ['RS256'],
    });
    const stored = ctx.store.credentials.get(ctx.id)?.document;
    expect(payload.vc).toEqual(stored);
    expect(payload).toMatchObject({ iss: DID, jti: `${TEST_BASE_URL}/credentials/${ctx.id}` });
    expect(payload.nbf).toBe(Date.parse(String(stored?.validFrom)) / 1000);
    expect(payload.sub).toBeUndefined();
    expect(protectedHeader.kid).toBe(`${TEST_BASE_URL}/issuers/demo/keys/jwt-1`);
  });

  it('has a kid that dereferences to the bare public JWK, as 1EdTech’s validator fetches it', async () => {
    const res = await ctx.call('GET /credentials/{id}', {
      pathParameters: { id: ctx.id },
      headers: { accept: 'application/jwt' },
    });
    expect(res.headers?.['content-type']).toBe('application/jwt');
    const jwt = res.body ?? '';
    const kid = JSON.parse(Buffer.from(jwt.split('.')[0] ?? '', 'base64url').toString()).kid as string;

    const { res: keyRes, jwk } = await dereferenceKid(ctx, kid);

    expect(keyRes.statusCode).toBe(200);
    expect(keyRes.headers?.['content-type']).toBe('application/jwk+json');
    expect(jwk).toMatchObject({ kty: 'RSA', kid, alg: 'RS256', use: 'sig' });
    expect(jwk.d).toBeUndefined();
    await expect(compactVerify(jwt, await importJWK(jwk, 'RS256'))).resolves.toBeDefined();
  });

  it('publishes the same key in the DID document as a JsonWebKey assertion method', async () => {
    const res = await ctx.call('GET /issuers/{slug}/did.json', { pathParameters: { slug: 'demo' } });
    const doc = JSON.parse(res.body ?? '{}');
    const jwks = JSON.parse(
      (await ctx.call('GET /issuers/{slug}/jwks.json', { pathParameters: { slug: 'demo' } })).body ?? '{}',
    );
    const method = doc.verificationMethod.find((m: { id: string }) => m.id === `${DID}#jwt-1`);
    expect(method).toMatchObject({ type: 'JsonWebKey', controller: DID });
    expect(method.publicKeyJwk.n).toBe(jwks.keys[0].n);
    expect(doc.assertionMethod).toContain(`${DID}#jwt-1`);
  });

  it('is downloadable as a file at ?format=jwt, linked from the credential page', async () => {
    const res = await ctx.call('GET /credentials/{id}', {
      pathParameters: { id: ctx.id },
      headers: { accept: 'text/html' },
    });
    const href = `${TEST_BASE_URL}/credentials/${ctx.id}?format=jwt`;
    expect(res.body).toContain(`href="${href}" download`);
    const download = await ctx.call('GET /credentials/{id}', {
      pathParameters: { id: ctx.id },
      headers: { accept: 'text/html' },
      query: { format: 'jwt' },
    });
    expect(download.statusCode).toBe(200);
    expect(download.headers?.['content-type']).toBe('application/vc+jwt');
    expect(download.headers?.['content-disposition']).toBe(`attachment; filename="credential-${ctx.id}.jwt"`);
    const jwks = JSON.parse(
      (await ctx.call('GET /issuers/{slug}/jwks.json', { pathParameters: { slug: 'demo' } })).body ?? '{}',
    ) as JSONWebKeySet;
    const { payload } = await jwtVerify(download.body ?? '', createLocalJWKSet(jwks), { issuer: DID });
    expect(payload.jti).toBe(`${TEST_BASE_URL}/credentials/${ctx.id}`);
  });

  it('keeps JSON and the page for other Accept headers', async () => {
    const json = await ctx.call('GET /credentials/{id}', {
      pathParameters: { id: ctx.id },
      headers: { accept: '*/*' },
    });
    expect(json.headers?.['content-type']).toMatch(/json/);
    const page = await ctx.call('GET /credentials/{id}', {
      pathParameters: { id: ctx.id },
      headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' },
    });
    expect(page.body).toContain('<html');
  });

  it('answers unknown credentials, issuers and keys with 404', async () => {
    const unknown = await ctx.call('GET /credentials/{id}', {
      pathParameters: { id: 'nope' },
      headers: { accept: 'application/vc+jwt' },
    });
    expect(unknown.statusCode).toBe(404);
    expect((await ctx.call('GET /issuers/{slug}/jwks.json', { pathParameters: { slug: 'ghost' } })).statusCode).toBe(
      404,
    );
    for (const keyId of ['jwt-9', 'key-1']) {
      const res = await ctx.call('GET /issuers/{slug}/keys/{keyId}', { pathParameters: { slug: 'demo', keyId } });
      expect(res.statusCode, keyId).toBe(404);
    }
  });
});

describe('an issuer without an RSA key', () => {
  it('answers 406 for the JWT form and publishes an empty JWKS', async () => {
    const ctx = await setup({ jwt: false });
    const res = await ctx.call('GET /credentials/{id}', {
      pathParameters: { id: ctx.id },
      headers: { accept: 'application/vc+jwt' },
    });
    expect(res.statusCode).toBe(406);
    expect(JSON.parse(res.body ?? '{}').code).toBe('CREDENTIAL.NO_JWT_FORM');
    const jwks = await ctx.call('GET /issuers/{slug}/jwks.json', { pathParameters: { slug: 'demo' } });
    expect(JSON.parse(jwks.body ?? '{}')).toEqual({ keys: [] });
  });
});
