import { beforeAll, describe, expect, it, vi } from 'vitest';
import { makeLogger } from '#shared/runtime/logger.ts';
import { achievementEarned } from '#shared/testing/fixtures.ts';
import { httpEvent, lambdaContext } from '#shared/testing/http.ts';
import { makeIssuanceFixture, TEST_BASE_URL } from '#shared/testing/issuance.ts';
import { statusListFetcher } from '../../../test/support/status-lists.ts';
import { makeCredentialJwt } from '../app/credential-jwt.ts';
import { makePublicDocuments } from '../app/public-documents.ts';
import { buildHandler } from './http.ts';

// The module also builds its production handler at import: give its wiring a table name it will never call.
vi.hoisted(() =>
  Object.assign(process.env, { APP_TABLE_NAME: 'unused', PUBLIC_BASE_URL: 'https://badges.example.edu' }),
);

const setup = async () => {
  const fixture = await makeIssuanceFixture();
  const { credentialIds } = await fixture.award({ source: 'demo.lms', event: achievementEarned() });
  const remote = { resolve: vi.fn(async (did: string) => Promise.reject(new Error(`no network for ${did}`))) };
  const handler = buildHandler({
    logger: makeLogger('verify-test'),
    publicBaseUrl: TEST_BASE_URL,
    jwt: makeCredentialJwt({ store: fixture.store, jwtSigner: fixture.jwtSigner, publicBaseUrl: TEST_BASE_URL }),
    documents: makePublicDocuments({
      store: fixture.store,
      remote,
      fetcher: statusListFetcher(fixture, TEST_BASE_URL),
      clock: { now: () => new Date() },
      publicBaseUrl: TEST_BASE_URL,
    }),
  });
  const call = (routeKey: string, opts: Parameters<typeof httpEvent>[1] = {}) =>
    handler(httpEvent(routeKey, opts), lambdaContext);
  return { ...fixture, id: credentialIds[0] as string, call, remote };
};

describe('public routes', () => {
  let ctx: Awaited<ReturnType<typeof setup>>;
  beforeAll(async () => {
    ctx = await setup();
  });

  it('serves the signed credential as JSON-LD, cacheable, at its id', async () => {
    const res = await ctx.call('GET /credentials/{id}', {
      pathParameters: { id: ctx.id },
      headers: { accept: 'application/ld+json' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers?.['content-type']).toBe('application/ld+json');
    const doc = JSON.parse(res.body ?? '{}');
    expect(doc.id).toBe(`${TEST_BASE_URL}/credentials/${ctx.id}`);
    expect(doc.proof).toHaveLength(1);
  });

  it('shows a page with the badge and a live verdict to browsers', async () => {
    const res = await ctx.call('GET /credentials/{id}', {
      pathParameters: { id: ctx.id },
      headers: { accept: 'text/html' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Introduction to Computer Science');
    expect(res.body).toContain('<strong>✔ Valid</strong>');
    expect(res.body).not.toContain('ada@example.edu');
  });

  it('answers an unknown credential with 404', async () => {
    const res = await ctx.call('GET /credentials/{id}', {
      pathParameters: { id: 'nope' },
      headers: { accept: 'application/json' },
    });
    expect(res.statusCode).toBe(404);
    expect(JSON.parse(res.body ?? '{}')).toEqual({ code: 'NOT_FOUND', message: 'credential not found' });
  });

  it('publishes the issuer profile and its did:web document', async () => {
    const did = 'did:web:badges.example.edu:issuers:demo';
    const profile = await ctx.call('GET /issuers/{slug}', {
      pathParameters: { slug: 'demo' },
      headers: { accept: 'application/json' },
    });
    expect(JSON.parse(profile.body ?? '{}')).toMatchObject({ id: did, type: ['Profile'], name: 'Demo University' });
    const didDoc = await ctx.call('GET /issuers/{slug}/did.json', { pathParameters: { slug: 'demo' } });
    expect(JSON.parse(didDoc.body ?? '{}')).toMatchObject({
      id: did,
      assertionMethod: [`${did}#key-1`],
      verificationMethod: [
        { id: `${did}#key-1`, type: 'Multikey', controller: did, publicKeyMultibase: ctx.issuer.publicKeyMultibase },
      ],
    });
    expect((await ctx.call('GET /issuers/{slug}/did.json', { pathParameters: { slug: 'ghost' } })).statusCode).toBe(
      404,
    );
  });

  it('dereferences the achievement id the credential names', async () => {
    const doc = ctx.store.credentials.get(ctx.id)?.document as { credentialSubject: { achievement: { id: string } } };
    const achievementId = doc.credentialSubject.achievement.id;
    expect(achievementId).toBe(`${TEST_BASE_URL}/issuers/demo/achievements/intro-to-cs`);
    const res = await ctx.call('GET /issuers/{slug}/achievements/{id}', {
      pathParameters: { slug: 'demo', id: 'intro-to-cs' },
      headers: { accept: 'application/json' },
    });
    expect(JSON.parse(res.body ?? '{}')).toMatchObject({
      id: achievementId,
      type: ['Achievement'],
      name: 'Introduction to Computer Science',
      creator: { id: 'did:web:badges.example.edu:issuers:demo' },
    });
    const page = await ctx.call('GET /issuers/{slug}/achievements/{id}', {
      pathParameters: { slug: 'demo', id: 'intro-to-cs' },
      headers: { accept: 'text/html' },
    });
    expect(page.body).toContain('How it is earned');
    const wrongIssuer = await ctx.call('GET /issuers/{slug}/achievements/{id}', {
      pathParameters: { slug: 'other', id: 'intro-to-cs' },
    });
    expect(wrongIssuer.statusCode).toBe(404);
  });

  it('verifies a credential through the VC-API route, resolving our own did:web without the network', async () => {
    const doc = ctx.store.credentials.get(ctx.id)?.document;
    const res = await ctx.call('POST /credentials/verify', { body: JSON.stringify({ verifiableCredential: doc }) });
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body ?? '{}')).toMatchObject({ verified: true, errors: [] });
    expect(ctx.remote.resolve).not.toHaveBeenCalled();
  });

  it('reports a tampered credential as unverified, naming the failed check', async () => {
    const doc = structuredClone(ctx.store.credentials.get(ctx.id)?.document) as Record<string, unknown>;
    doc.name = 'Doctor of Everything';
    const res = await ctx.call('POST /credentials/verify', { body: JSON.stringify({ verifiableCredential: doc }) });
    expect(res.statusCode).toBe(422);
    const body = JSON.parse(res.body ?? '{}');
    expect(body.verified).toBe(false);
    expect(body.errors.map((e: { check: string }) => e.check)).toContain('proof');
  });

  it('answers malformed verify requests with 400 and a reason', async () => {
    for (const body of ['{not json', '[]', JSON.stringify({ verifiableCredential: 'x' }), undefined]) {
      const res = await ctx.call('POST /credentials/verify', { body });
      expect(res.statusCode).toBe(400);
      expect(JSON.parse(res.body ?? '{}').message).toBeTruthy();
    }
  });

  it('reports health', async () => {
    const res = await ctx.call('GET /health');
    expect(res).toMatchObject({ statusCode: 200 });
    expect(JSON.parse(res.body ?? '{}')).toEqual({ status: 'ok' });
  });
});

describe('badge images', () => {
  it('serves an uploaded image with its type, inert (CSP sandbox, nosniff) and cacheable forever; 404 otherwise', async () => {
    const ctx = await setup();
    const file = `${'a'.repeat(64)}.svg`;
    const bytes = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>');
    ctx.store.images.set(file, {
      id: file,
      contentType: 'image/svg+xml',
      data: new Uint8Array(bytes),
      bytes: bytes.length,
      createdAt: '2026-05-14T16:20:00Z',
    });
    const res = await ctx.call('GET /images/{file}', { pathParameters: { file } });
    expect(res.statusCode).toBe(200);
    expect(res.isBase64Encoded).toBe(true);
    expect(Buffer.from(res.body ?? '', 'base64')).toEqual(bytes);
    expect(res.headers).toMatchObject({
      'content-type': 'image/svg+xml',
      'x-content-type-options': 'nosniff',
      'cache-control': 'public, max-age=31536000, immutable',
    });
    expect(String(res.headers?.['content-security-policy'])).toContain('sandbox');
    expect(
      (await ctx.call('GET /images/{file}', { pathParameters: { file: `${'b'.repeat(64)}.png` } })).statusCode,
    ).toBe(404);
    expect((await ctx.call('GET /images/{file}', { pathParameters: { file: '../etc/passwd' } })).statusCode).toBe(404);
  });
});
