import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLocalOAuth, LOCAL_OAUTH_CLIENT_ID } from '#shared/adapters/oauth.local.ts';
import { makeAccessTokenVerifier, VC_API_ISSUE_SCOPE } from '#shared/runtime/access-token.ts';
import { LOCAL_TOKEN_TTL_SECONDS, makeTokenEndpoint } from './oauth.ts';

const ISSUER = 'https://localhost:3443/oauth';
const form = (fields: Record<string, string>) => Buffer.from(new URLSearchParams(fields).toString());
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

const setup = async () => {
  const oauth = createLocalOAuth({ dataDir: mkdtempSync(join(tmpdir(), 'laurel-oauth-')) });
  const [client] = await oauth.clients();
  if (!client) throw new Error('no local client');
  const endpoint = makeTokenEndpoint({ oauth, issuer: ISSUER });
  const verify = makeAccessTokenVerifier({ issuer: ISSUER, jwks: await oauth.jwks() });
  return { oauth, client, endpoint, verify };
};

describe('local token endpoint (client credentials)', () => {
  it('issues a Cognito-shaped access token that the shared verifier accepts', async () => {
    const { client, endpoint, verify } = await setup();

    const res = await endpoint({
      headers: FORM,
      body: form({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret }),
    });

    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const body = JSON.parse(res.body);
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: LOCAL_TOKEN_TTL_SECONDS });
    expect(client.clientId).toBe(LOCAL_OAUTH_CLIENT_ID);
    await expect(verify(`Bearer ${body.access_token}`, VC_API_ISSUE_SCOPE)).resolves.toEqual({
      clientId: LOCAL_OAUTH_CLIENT_ID,
      scopes: [VC_API_ISSUE_SCOPE],
    });
  });

  it('takes HTTP Basic client authentication too', async () => {
    const { client, endpoint } = await setup();
    const basic = Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64');
    const res = await endpoint({
      headers: { ...FORM, authorization: `Basic ${basic}` },
      body: form({ grant_type: 'client_credentials', scope: VC_API_ISSUE_SCOPE }),
    });
    expect(res.statusCode).toBe(200);
  });

  it.each([
    [
      'a wrong secret',
      FORM,
      { grant_type: 'client_credentials', client_id: LOCAL_OAUTH_CLIENT_ID, client_secret: 'x'.repeat(32) },
      401,
      'invalid_client',
    ],
    [
      'an unknown client',
      FORM,
      { grant_type: 'client_credentials', client_id: 'who', client_secret: 'x'.repeat(32) },
      401,
      'invalid_client',
    ],
    ['no credentials', FORM, { grant_type: 'client_credentials' }, 401, 'invalid_client'],
    ['JSON instead of a form', { 'content-type': 'application/json' }, {}, 400, 'invalid_request'],
  ])('refuses %s', async (_, headers, fields, status, error) => {
    const { endpoint } = await setup();
    const res = await endpoint({ headers, body: form(fields) });
    expect(res.statusCode).toBe(status);
    expect(JSON.parse(res.body).error).toBe(error);
  });

  it('refuses other grants and other scopes from a valid client', async () => {
    const { client, endpoint } = await setup();
    const creds = { client_id: client.clientId, client_secret: client.clientSecret };
    const password = await endpoint({ headers: FORM, body: form({ grant_type: 'password', ...creds }) });
    expect(JSON.parse(password.body).error).toBe('unsupported_grant_type');
    const admin = await endpoint({
      headers: FORM,
      body: form({ grant_type: 'client_credentials', scope: 'laurel/admin', ...creds }),
    });
    expect(JSON.parse(admin.body).error).toBe('invalid_scope');
  });
});
