import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import { cryptosuite as eddsaRdfc2022 } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import { signPresentation } from '@digitalbazaar/vc';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { CONTEXTS } from '#shared/credentials/context-urls.ts';
import { didKeyDocument } from '#shared/credentials/did-web.ts';
import { createDocumentLoader } from '#shared/credentials/document-loader.ts';
import { revokeKey, rotateKey } from '#shared/credentials/issuer-keys.ts';
import { makeLogger } from '#shared/runtime/logger.ts';
import type { Issuer } from '#shared/tables/app-table.ts';
import { achievementEarned } from '#shared/testing/fixtures.ts';
import { httpEvent, lambdaContext } from '#shared/testing/http.ts';
import { makeIssuanceFixture, TEST_BASE_URL } from '#shared/testing/issuance.ts';
import { makeCredentialJwt } from '../app/credential-jwt.ts';
import { makePublicDocuments } from '../app/public-documents.ts';
import { buildHandler } from './http.ts';

vi.hoisted(() =>
  Object.assign(process.env, { APP_TABLE_NAME: 'unused', PUBLIC_BASE_URL: 'https://badges.example.edu' }),
);

const CHALLENGE = 'u4c1d3d5e-challenge';
const DOMAIN = 'verifier.example.org';

/** A holder with a did:key, signing presentations with the independent reference stack. */
const makeHolder = async () => {
  const keyPair = await Ed25519Multikey.generate();
  const did = `did:key:${keyPair.publicKeyMultibase}`;
  keyPair.id = `${did}#${keyPair.publicKeyMultibase}`;
  keyPair.controller = did;
  const documentLoader = createDocumentLoader(async (url) => {
    if (url.startsWith('did:key:')) {
      const doc = didKeyDocument(url.split('#')[0] as string);
      return url.includes('#')
        ? { '@context': CONTEXTS.multikeyV1, ...doc.verificationMethod[0] }
        : (doc as unknown as object);
    }
    return undefined;
  });
  const present = (
    credentials: Record<string, unknown>[],
    opts: { challenge?: string; domain?: string; holder?: string; purpose?: 'authentication' } = {},
  ) =>
    signPresentation({
      presentation: {
        '@context': [CONTEXTS.credentialsV2],
        type: ['VerifiablePresentation'],
        holder: opts.holder ?? did,
        verifiableCredential: credentials,
      },
      suite: new DataIntegrityProof({ signer: keyPair.signer(), cryptosuite: eddsaRdfc2022 }),
      challenge: opts.challenge ?? CHALLENGE,
      ...((opts.domain ?? DOMAIN) ? { domain: opts.domain ?? DOMAIN } : {}),
      documentLoader,
    }) as Promise<Record<string, unknown>>;
  return { did, present };
};

const setup = async () => {
  const fixture = await makeIssuanceFixture({ jwt: true });
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
  const post = async (body: unknown) => {
    const res = await handler(
      httpEvent('POST /presentations/verify', {
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
      lambdaContext,
    );
    return { status: res.statusCode, body: JSON.parse(res.body ?? '{}') };
  };
  const credential = fixture.store.credentials.get(credentialIds[0] as string)?.document as Record<string, unknown>;
  return { ...fixture, post, credential, holder: await makeHolder() };
};

const failedChecks = (body: { errors: { check: string }[] }) => body.errors.map((e) => e.check);

describe('POST /presentations/verify (W3C VC-API)', () => {
  let ctx: Awaited<ReturnType<typeof setup>>;
  beforeAll(async () => {
    ctx = await setup();
  });

  it('checks the holder’s proof, its challenge and domain, and every credential inside', async () => {
    // Prepare
    const vp = await ctx.holder.present([ctx.credential]);

    // Act
    const { status, body } = await ctx.post({
      verifiablePresentation: vp,
      options: { challenge: CHALLENGE, domain: DOMAIN },
    });

    // Assess: the presentation's own checks pass; the credential is judged by the credential verifier
    expect(body.checks).toEqual(expect.arrayContaining(['presentation', 'proof', 'challenge', 'domain', 'holder']));
    expect(body.credentialResults).toHaveLength(1);
    const keyAndProof = body.credentialResults[0].checks.filter((c: { name: string }) =>
      ['key', 'proof'].includes(c.name),
    );
    expect(keyAndProof.every((c: { ok: boolean }) => c.ok)).toBe(true);
    expect(status).toBe(body.verified ? 200 : 422);
    expect(body.warnings).toEqual([]);
  });

  it('verifies a presentation with no credentials: 200', async () => {
    const vp = await ctx.holder.present([]);
    const { status, body } = await ctx.post({ verifiablePresentation: vp, options: { challenge: CHALLENGE } });
    expect(status).toBe(200);
    expect(body.verified).toBe(true);
  });

  it.each([
    ['another challenge', { challenge: 'replayed', domain: DOMAIN }, 'challenge'],
    ['another domain', { challenge: CHALLENGE, domain: 'evil.example' }, 'domain'],
  ])('rejects %s (422)', async (_, options, check) => {
    const vp = await ctx.holder.present([]);
    const { status, body } = await ctx.post({ verifiablePresentation: vp, options });
    expect(status).toBe(422);
    expect(failedChecks(body)).toEqual([check]);
  });

  it('rejects a tampered presentation, and one whose holder is not the signer', async () => {
    const vp = await ctx.holder.present([]);
    const tampered = await ctx.post({
      verifiablePresentation: { ...vp, id: 'urn:uuid:00000000-0000-4000-8000-000000000000' },
      options: { challenge: CHALLENGE },
    });
    expect(tampered.status).toBe(422);
    expect(failedChecks(tampered.body)).toContain('proof');

    const other = await makeHolder();
    const stranger = await ctx.holder.present([], { holder: other.did });
    const res = await ctx.post({ verifiablePresentation: stranger, options: { challenge: CHALLENGE } });
    expect(res.status).toBe(422);
    expect(failedChecks(res.body)).toEqual(['holder']);
  });

  it('rejects a presentation carrying a credential whose key the issuer revoked', async () => {
    const issuer = ctx.store.issuers.get('demo') as Issuer;
    const ed2 = await ctx.signer.publicKeyMultibase('local:demo-2');
    ctx.store.issuers.set(
      'demo',
      revokeKey(
        rotateKey(issuer, { type: 'Multikey', keyRef: 'local:demo-2', publicKeyMultibase: ed2 }, new Date()),
        'key-1',
        new Date(),
      ),
    );
    try {
      const vp = await ctx.holder.present([ctx.credential]);
      const { status, body } = await ctx.post({ verifiablePresentation: vp, options: { challenge: CHALLENGE } });
      expect(status).toBe(422);
      expect(failedChecks(body)).toEqual(['credentials']);
      expect(body.credentialResults[0].verified).toBe(false);
    } finally {
      ctx.store.issuers.set('demo', issuer);
    }
  });

  it('warns when no challenge was asked for', async () => {
    const vp = await ctx.holder.present([]);
    const { body } = await ctx.post({ verifiablePresentation: vp });
    expect(body.warnings[0]).toMatch(/no challenge/);
  });

  it('rejects a presentation without a proof, but verifies the credentials of a proofless request', async () => {
    const unsigned = { '@context': [CONTEXTS.credentialsV2], type: ['VerifiablePresentation'] };
    const signedless = await ctx.post({ verifiablePresentation: unsigned });
    expect(signedless.status).toBe(422);
    expect(failedChecks(signedless.body)).toContain('proof');
    const proofless = await ctx.post({ presentation: unsigned });
    expect(proofless.status).toBe(200);
  });

  it('refuses a request larger than a presentation can be (413)', async () => {
    const { status } = await ctx.post({ verifiablePresentation: { padding: 'x'.repeat(2 * 1024 * 1024) } });
    expect(status).toBe(413);
  });

  it.each([
    ['not JSON', '{oops'],
    ['no presentation', { options: {} }],
    ['a presentation that is not an object', { verifiablePresentation: 'x' }],
    ['a challenge that is not a string', { verifiablePresentation: {}, options: { challenge: 42 } }],
    ['options that are not an object', { verifiablePresentation: {}, options: 'x' }],
  ])('answers a malformed request (%s) with 400', async (_, request) => {
    const { status, body } = await ctx.post(request);
    expect(status).toBe(400);
    expect(body.message).toBeTruthy();
  });
});
