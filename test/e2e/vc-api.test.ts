import { randomUUID } from 'node:crypto';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite as eddsaRdfc2022 } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import { verifyCredential as referenceVerify } from '@digitalbazaar/vc';
import { compactVerify, createLocalJWKSet, importJWK, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDynamoClient } from '#infra/local/dynamodb.ts';
import { AppStore } from '#shared/adapters/app-store.dynamodb.ts';
import { CONTEXTS } from '#shared/credentials/context-urls.ts';
import { didWebFor, didWebToUrl } from '#shared/credentials/did-web.ts';
import { staticContext } from '#shared/credentials/document-loader.ts';
import { AchievementEarnedV1 } from '#shared/events/achievement-earned.v1.ts';
import { achievementEarned } from '#shared/testing/fixtures.ts';
import { startTestStack, type TestStack } from '../support/local-stack.ts';

let stack: TestStack;
let store: AppStore;
let did: string;

const json = { 'content-type': 'application/json' };

const token = async () => {
  const res = await stack.request('/oauth/token', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: stack.oauth.clientId,
      client_secret: stack.oauth.clientSecret,
    }).toString(),
  });
  expect(res.status).toBe(200);
  return JSON.parse(res.text).access_token as string;
};

/** Resolves DID documents the way an outside verifier would: over HTTPS from the stack. */
const httpsLoader = async (url: string) => {
  const context = staticContext(url);
  if (context) return { contextUrl: null, documentUrl: url, document: context };
  if (url.startsWith('did:web:')) {
    const [base, fragment] = url.split('#');
    const doc = JSON.parse((await stack.request(didWebToUrl(base as string))).text);
    const document = fragment
      ? { '@context': CONTEXTS.multikeyV1, ...doc.verificationMethod.find((m: { id: string }) => m.id === url) }
      : doc;
    return { contextUrl: null, documentUrl: url, document };
  }
  throw new Error(`the verifier may not load ${url}`);
};

beforeAll(async () => {
  stack = await startTestStack();
  store = new AppStore(localDynamoClient(stack.urls.dynamo), 'laurel-app');
  did = didWebFor(stack.urls.api, 'demo');
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

describe('W3C VC-API and the VC-JWT form, on the local stack', () => {
  it('token endpoint → POST /credentials/issue → 201 with a credential an independent stack verifies', async () => {
    const accessToken = await token();
    const credential = {
      '@context': [CONTEXTS.credentialsV2, 'https://www.w3.org/ns/credentials/examples/v2'],
      id: `urn:uuid:${randomUUID()}`,
      type: ['VerifiableCredential', 'ExampleAchievementCredential'],
      issuer: did,
      validFrom: '2026-01-01T00:00:00Z',
      credentialSubject: { id: 'did:example:learner', achievement: 'Completed the tutorial' },
    };

    const res = await stack.request('/credentials/issue', {
      method: 'POST',
      headers: { ...json, authorization: `Bearer ${accessToken}` },
      body: JSON.stringify({ credential, options: {} }),
    });

    expect(res.status).toBe(201);
    const { verifiableCredential } = JSON.parse(res.text);
    const verdict = await referenceVerify({
      credential: verifiableCredential,
      suite: new DataIntegrityProof({ cryptosuite: eddsaRdfc2022 }),
      documentLoader: httpsLoader,
    });
    expect(verdict.error).toBeUndefined();
    expect(verdict.verified).toBe(true);
  });

  it('answers malformed or unauthenticated issue requests with a clear 4xx', async () => {
    const accessToken = await token();
    const noToken = await stack.request('/credentials/issue', { method: 'POST', headers: json, body: '{}' });
    expect(noToken.status).toBe(401);
    expect(noToken.headers['www-authenticate']).toMatch(/^Bearer/);
    const malformed = await stack.request('/credentials/issue', {
      method: 'POST',
      headers: { ...json, authorization: `Bearer ${accessToken}` },
      body: '{"credential": ',
    });
    expect(malformed.status).toBe(400);
    const badToken = await stack.request('/oauth/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&client_id=laurel-local&client_secret=wrong-wrong-wrong',
    });
    expect(badToken.status).toBe(401);
  });

  it('serves an awarded credential as a VC-JWT whose kid dereferences to the JWK over HTTPS', async () => {
    // Award one through the bus
    const bus = new EventBridgeClient({
      endpoint: stack.urls.bus,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const event = achievementEarned({ eventId: `e2e-jwt-${randomUUID()}` });
    await bus.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: 'laurel',
            Source: 'demo.lms',
            DetailType: AchievementEarnedV1.detailType,
            Detail: JSON.stringify(event),
          },
        ],
      }),
    );
    bus.destroy();
    await stack.bus.idle();
    const [id] = (await store.getEvent(event.eventId))?.credentialIds ?? [];
    expect(id).toBeDefined();

    // The JWT form, the key its kid names, and the JWKS
    const res = await stack.request(`/credentials/${id}`, { headers: { accept: 'application/vc+jwt' } });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/vc+jwt');
    const jwt = res.text;
    const kid = JSON.parse(Buffer.from(jwt.split('.')[0] ?? '', 'base64url').toString()).kid as string;
    expect(kid).toBe(`${stack.urls.api}/issuers/demo/keys/jwt-1`);
    const jwk = JSON.parse((await stack.request(kid)).text);
    await expect(compactVerify(jwt, await importJWK(jwk, 'RS256'))).resolves.toBeDefined();
    const jwks = JSON.parse((await stack.request('/issuers/demo/jwks.json')).text);
    const { payload } = await jwtVerify(jwt, createLocalJWKSet(jwks), { issuer: did });
    expect((payload.vc as { id: string }).id).toBe(`${stack.urls.api}/credentials/${id}`);
  });

  it('answers a malformed presentation with 400 and an unsigned one with 422', async () => {
    const malformed = await stack.request('/presentations/verify', { method: 'POST', headers: json, body: '[]' });
    expect(malformed.status).toBe(400);
    const unsigned = await stack.request('/presentations/verify', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({
        verifiablePresentation: { '@context': [CONTEXTS.credentialsV2], type: ['VerifiablePresentation'] },
        options: { challenge: 'abc' },
      }),
    });
    expect(unsigned.status).toBe(422);
    expect(JSON.parse(unsigned.text).errors.map((e: { check: string }) => e.check)).toContain('proof');
  });
});
