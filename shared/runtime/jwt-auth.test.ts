import { generateKeyPairSync } from 'node:crypto';
import { SignJWT, UnsecuredJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { bearerToken, gatewayClaims, makeJwtAuthorizer } from './jwt-auth.ts';

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const other = generateKeyPairSync('ed25519');
const settings = { issuer: 'https://id.example', audience: ['console'], key: publicKey, algorithms: ['EdDSA'] };
const authorize = makeJwtAuthorizer(settings);
const now = () => Math.floor(Date.now() / 1000);

const token = (
  overrides: { iss?: string; aud?: string; exp?: number; key?: typeof privateKey; claims?: object } = {},
) =>
  new SignJWT({ email: 'a@example.edu', 'cognito:groups': ['admin', 'reviewer'], n: 3, ...overrides.claims })
    .setProtectedHeader({ alg: 'EdDSA' })
    .setSubject('u1')
    .setIssuer(overrides.iss ?? settings.issuer)
    .setAudience(overrides.aud ?? 'console')
    .setExpirationTime(overrides.exp ?? now() + 60)
    .sign(overrides.key ?? privateKey);

describe('makeJwtAuthorizer (what API Gateway does, for local mode)', () => {
  it('accepts a valid bearer token and hands over claims as API Gateway does', async () => {
    const result = await authorize({ authorization: `Bearer ${await token()}` });
    expect(result?.claims).toMatchObject({
      sub: 'u1',
      email: 'a@example.edu',
      'cognito:groups': '[admin reviewer]',
      n: '3',
    });
    expect(result?.scopes).toBeNull();
  });

  it('accepts an access token whose client_id is the audience, with its scopes', async () => {
    const access = await new SignJWT({ client_id: 'console', scope: 'a b' })
      .setProtectedHeader({ alg: 'EdDSA' })
      .setSubject('u1')
      .setIssuer(settings.issuer)
      .setExpirationTime(now() + 60)
      .sign(privateKey);
    expect((await authorize({ authorization: `Bearer ${access}` }))?.scopes).toEqual(['a', 'b']);
  });

  it('refuses no token, a malformed header, another key, issuer or audience, an expired or unsigned token', async () => {
    const unsigned = new UnsecuredJWT({ sub: 'u1', aud: 'console', iss: settings.issuer, exp: now() + 60 }).encode();
    const refused = await Promise.all([
      authorize({}),
      authorize({ authorization: await token() }),
      authorize({ authorization: `Basic ${await token()}` }),
      authorize({ authorization: `Bearer ${await token({ key: other.privateKey })}` }),
      authorize({ authorization: `Bearer ${await token({ iss: 'https://evil.example' })}` }),
      authorize({ authorization: `Bearer ${await token({ aud: 'someone-else' })}` }),
      authorize({ authorization: `Bearer ${await token({ exp: now() - 120 })}` }),
      authorize({ authorization: `Bearer ${unsigned}` }),
    ]);
    expect(refused).toEqual(Array(8).fill(undefined));
  });

  it('with tokenUse set, accepts only tokens whose Cognito token_use is that one (an access token is no session)', async () => {
    const idOnly = makeJwtAuthorizer({ ...settings, tokenUse: 'id' });
    const id = await token({ claims: { token_use: 'id' } });
    const access = await token({ claims: { token_use: 'access' } });
    expect((await idOnly({ authorization: `Bearer ${id}` }))?.claims.token_use).toBe('id');
    expect(await idOnly({ authorization: `Bearer ${access}` })).toBeUndefined();
    expect(await idOnly({ authorization: `Bearer ${await token()}` })).toBeUndefined();
  });

  it('reads bearer tokens and flattens claims', () => {
    expect(bearerToken({ authorization: 'bearer abc.def.ghi' })).toBe('abc.def.ghi');
    expect(bearerToken({ authorization: 'Bearer two words' })).toBeUndefined();
    expect(gatewayClaims({ a: [1, 'x'], b: { c: true }, d: false })).toEqual({
      a: '[1 x]',
      b: '{"c":true}',
      d: 'false',
    });
  });
});
