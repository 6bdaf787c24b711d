import { generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { decodeProtectedHeader, importJWK, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { decodeJwtUnverified, signVcJwt, VcJwtError, vcJwtClaims } from './vc-jwt.ts';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const rs256 = async (input: Uint8Array) => new Uint8Array(sign('sha256', input, privateKey));
const KID = 'https://badges.example.edu/issuers/demo/keys/jwt-1';

const credential = (overrides: Record<string, unknown> = {}) => ({
  '@context': ['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'],
  id: 'https://badges.example.edu/credentials/42',
  type: ['VerifiableCredential', 'OpenBadgeCredential'],
  issuer: { id: 'did:web:badges.example.edu:issuers:demo', type: ['Profile'], name: 'Demo University' },
  validFrom: '2026-05-14T16:20:00Z',
  credentialSubject: { type: ['AchievementSubject'] },
  ...overrides,
});

describe('VC-JWT', () => {
  it('restates the credential in the registered claims and carries it whole in `vc`', () => {
    expect(vcJwtClaims(credential({ validUntil: '2027-05-14T16:20:00Z' }))).toEqual({
      iss: 'did:web:badges.example.edu:issuers:demo',
      jti: 'https://badges.example.edu/credentials/42',
      nbf: Date.parse('2026-05-14T16:20:00Z') / 1000,
      exp: Date.parse('2027-05-14T16:20:00Z') / 1000,
      vc: credential({ validUntil: '2027-05-14T16:20:00Z' }),
    });
  });

  it('claims `sub` only when the one subject has an id', () => {
    expect(vcJwtClaims(credential()).sub).toBeUndefined();
    expect(vcJwtClaims(credential({ credentialSubject: { id: 'did:example:learner' } })).sub).toBe(
      'did:example:learner',
    );
    expect(
      vcJwtClaims(credential({ credentialSubject: [{ id: 'did:example:a' }, { id: 'did:example:b' }] })).sub,
    ).toBeUndefined();
  });

  it('refuses a credential without an issuer id or validFrom', () => {
    expect(() => vcJwtClaims(credential({ issuer: undefined }))).toThrow(VcJwtError);
    expect(() => vcJwtClaims(credential({ validFrom: undefined }))).toThrow(/validFrom/);
    expect(() => vcJwtClaims(credential({ validUntil: 'tomorrow' }))).toThrow(/validUntil/);
  });

  it('signs RS256 with typ JWT and the kid, verifiable by jose, and deterministic', async () => {
    const jwt = await signVcJwt(credential(), { kid: KID }, rs256);

    const { payload, protectedHeader } = await jwtVerify(
      jwt,
      await importJWK(publicKey.export({ format: 'jwk' }), 'RS256'),
      { issuer: 'did:web:badges.example.edu:issuers:demo', currentDate: new Date('2026-06-01T00:00:00Z') },
    );
    expect(protectedHeader).toEqual({ alg: 'RS256', typ: 'JWT', kid: KID });
    expect(payload.vc).toEqual(credential());
    expect(payload.jti).toBe('https://badges.example.edu/credentials/42');
    expect(await signVcJwt(credential(), { kid: KID }, rs256)).toBe(jwt);
    await expect(
      jwtVerify(jwt, await importJWK(publicKey.export({ format: 'jwk' }), 'RS256'), {
        currentDate: new Date('2026-01-01T00:00:00Z'),
      }),
    ).rejects.toThrow(/nbf/);
  });

  it("has the shape of 1EdTech's simple.jwt fixture: same header members, `vc` plus the same registered claims", async () => {
    const fixture = readFileSync(
      new URL('../../test/fixtures/vectors/ob30-validator/simple.jwt', import.meta.url),
      'utf8',
    ).trim();
    const theirs = decodeJwtUnverified(fixture);
    const ours = decodeJwtUnverified(
      await signVcJwt(credential({ credentialSubject: { id: 'did:example:learner' } }), { kid: KID }, rs256),
    );

    expect(decodeProtectedHeader(fixture)).toMatchObject({ alg: 'RS256', typ: 'JWT' });
    expect(
      Object.keys(ours.header)
        .filter((k) => k !== 'kid')
        .sort(),
    ).toEqual(Object.keys(theirs.header).sort());
    expect(Object.keys(ours.payload).sort()).toEqual(Object.keys(theirs.payload).sort());
    expect(typeof ours.payload.nbf).toBe(typeof theirs.payload.nbf);
  });

  it('decodes only compact JWS of JSON objects', () => {
    expect(() => decodeJwtUnverified('a.b')).toThrow(/compact JWS/);
    expect(() => decodeJwtUnverified(`${Buffer.from('[]').toString('base64url')}.e30.`)).toThrow(/JSON object/);
  });
});
