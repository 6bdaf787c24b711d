import { generateKeyPairSync } from 'node:crypto';
import { exportJWK, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { AccessTokenError, makeAccessTokenVerifier, VC_API_ISSUE_SCOPE } from './access-token.ts';

const ISSUER = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_example';
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const other = generateKeyPairSync('rsa', { modulusLength: 2048 });

const verifier = async () =>
  makeAccessTokenVerifier({ issuer: ISSUER, jwks: { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1' }] } });

/** A token as Cognito's client-credentials flow makes it, with overrides. */
const token = async (
  claims: Record<string, unknown> = {},
  opts: { key?: typeof privateKey; exp?: number; issuer?: string } = {},
) => {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ client_id: 'client-1', scope: VC_API_ISSUE_SCOPE, token_use: 'access', ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .setIssuer(opts.issuer ?? ISSUER)
    .setIssuedAt(now)
    .setExpirationTime(opts.exp ?? now + 3600)
    .sign(opts.key ?? privateKey);
};

const rejection = async (authorization: string | undefined) => {
  const verify = await verifier();
  return verify(authorization, VC_API_ISSUE_SCOPE).then(
    () => undefined,
    (e: unknown) => e as AccessTokenError,
  );
};

describe('access token verification', () => {
  it('accepts a client-credentials access token with the scope', async () => {
    const verify = await verifier();
    await expect(verify(`Bearer ${await token()}`, VC_API_ISSUE_SCOPE)).resolves.toEqual({
      clientId: 'client-1',
      scopes: [VC_API_ISSUE_SCOPE],
    });
  });

  it.each([
    ['no header', async () => undefined, 401, 'AUTH.MISSING_TOKEN'],
    ['another scheme', async () => `Basic ${await token()}`, 401, 'AUTH.MISSING_TOKEN'],
    ['garbage', async () => 'Bearer not-a-jwt', 401, 'AUTH.INVALID_TOKEN'],
    ['another key', async () => `Bearer ${await token({}, { key: other.privateKey })}`, 401, 'AUTH.INVALID_TOKEN'],
    [
      'another issuer',
      async () => `Bearer ${await token({}, { issuer: 'https://evil.example' })}`,
      401,
      'AUTH.INVALID_TOKEN',
    ],
    [
      'an expired token',
      async () => `Bearer ${await token({}, { exp: Math.floor(Date.now() / 1000) - 600 })}`,
      401,
      'AUTH.INVALID_TOKEN',
    ],
    ['an ID token', async () => `Bearer ${await token({ token_use: 'id' })}`, 401, 'AUTH.INVALID_TOKEN'],
    ['no client id', async () => `Bearer ${await token({ client_id: undefined })}`, 401, 'AUTH.INVALID_TOKEN'],
    ['another scope', async () => `Bearer ${await token({ scope: 'laurel/other' })}`, 403, 'AUTH.INSUFFICIENT_SCOPE'],
  ])('refuses %s', async (_, header, status, code) => {
    const error = await rejection(await header());
    expect(error).toBeInstanceOf(AccessTokenError);
    expect(error).toMatchObject({ status, code });
    expect(error?.challenge).toMatch(/^Bearer/);
  });
});
