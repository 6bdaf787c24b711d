import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { rsaJwkOf } from '#shared/adapters/jwt-signer.ts';
import { demoIssuer } from '#shared/testing/fixtures.ts';
import { canonize } from './data-integrity.ts';
import { didDocument, didKeyFor } from './did-web.ts';
import {
  activeKey,
  issuerDid,
  issuerKeys,
  KeyChangeError,
  publishedKeys,
  retireKey,
  revokeKey,
  rotateKey,
  signingMethod,
} from './issuer-keys.ts';
import { publicKeyMultibaseFromKeyObject } from './multikey.ts';

const BASE = 'https://badges.example.edu';
const DID = 'did:web:badges.example.edu:issuers:demo';
const T1 = new Date('2026-05-01T00:00:00Z');
const T2 = new Date('2026-06-01T00:00:00Z');
const ed25519 = () => publicKeyMultibaseFromKeyObject(generateKeyPairSync('ed25519').publicKey);
const rsa = () => rsaJwkOf(generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' }));
const legacy = demoIssuer();

describe('issuer keys', () => {
  it('reads a record written before rotation as one active Ed25519 key', () => {
    expect(issuerKeys(legacy)).toEqual([
      {
        id: 'key-1',
        type: 'Multikey',
        keyRef: 'local:demo',
        publicKeyMultibase: legacy.publicKeyMultibase,
        status: 'active',
      },
    ]);
    expect(signingMethod(legacy, BASE)).toMatchObject({
      keyRef: 'local:demo',
      issuerDid: DID,
      verificationMethod: `${DID}#key-1`,
    });
  });

  it('rotates: the new key signs, the old one is retired but stays published, and the legacy fields follow', () => {
    // Prepare
    const next = ed25519();

    // Act
    const rotated = rotateKey(legacy, { type: 'Multikey', keyRef: 'local:demo-2', publicKeyMultibase: next }, T1);

    // Assess
    expect(rotated.keys?.map((k) => [k.id, k.status])).toEqual([
      ['key-1', 'retired'],
      ['key-2', 'active'],
    ]);
    expect(rotated.keys?.[0]?.retiredAt).toBe(T1.toISOString());
    expect(rotated).toMatchObject({ keyRef: 'local:demo-2', keyFragment: 'key-2', publicKeyMultibase: next });
    expect(signingMethod(rotated, BASE).verificationMethod).toBe(`${DID}#key-2`);
    expect(publishedKeys(rotated).map((k) => k.id)).toEqual(['key-1', 'key-2']);
  });

  it('keeps one active key per type: adding an RSA key leaves the Ed25519 key active', () => {
    const withJwt = rotateKey(legacy, { type: 'JsonWebKey', keyRef: 'local:demo-jwt', publicKeyJwk: rsa() }, T1);
    const rotatedJwt = rotateKey(withJwt, { type: 'JsonWebKey', keyRef: 'local:demo-jwt-2', publicKeyJwk: rsa() }, T2);

    expect(activeKey(withJwt, 'Multikey')?.id).toBe('key-1');
    expect(activeKey(withJwt, 'JsonWebKey')?.id).toBe('jwt-1');
    expect(activeKey(rotatedJwt, 'JsonWebKey')?.id).toBe('jwt-2');
    expect(rotatedJwt.keys?.find((k) => k.id === 'jwt-1')?.status).toBe('retired');
    expect(activeKey(rotatedJwt, 'Multikey')?.id).toBe('key-1');
  });

  it('refuses a key it already has, a wrong kind of public key, or a taken id', () => {
    const jwk = rsa();
    const withJwt = rotateKey(legacy, { type: 'JsonWebKey', keyRef: 'local:a', publicKeyJwk: jwk }, T1);
    expect(() => rotateKey(withJwt, { type: 'JsonWebKey', keyRef: 'local:a', publicKeyJwk: rsa() }, T2)).toThrow(
      KeyChangeError,
    );
    expect(() => rotateKey(withJwt, { type: 'JsonWebKey', keyRef: 'local:b', publicKeyJwk: jwk }, T2)).toThrow(
      /already has this public key/,
    );
    expect(() => rotateKey(legacy, { type: 'Multikey', keyRef: 'local:c', publicKeyJwk: jwk }, T2)).toThrow(
      /Multikey needs/,
    );
    expect(() =>
      rotateKey(legacy, { type: 'Multikey', keyRef: 'local:d', publicKeyMultibase: ed25519(), id: 'key-1' }, T2),
    ).toThrow(/already has a key key-1/);
  });

  it('retires an RSA key for signing, but never the only active Ed25519 key', () => {
    const withJwt = rotateKey(legacy, { type: 'JsonWebKey', keyRef: 'local:j', publicKeyJwk: rsa() }, T1);
    const retired = retireKey(withJwt, 'jwt-1', T2);
    expect(activeKey(retired, 'JsonWebKey')).toBeUndefined();
    expect(publishedKeys(retired).map((k) => k.id)).toContain('jwt-1');
    expect(() => retireKey(withJwt, 'key-1', T2)).toThrow(/rotate to a new key instead/);
    expect(() => retireKey(retired, 'jwt-1', T2)).toThrow(/already retired/);
    expect(() => retireKey(retired, 'nope', T2)).toThrow(/has no key nope/);
  });

  it('revokes only retired keys, and a revoked key leaves the DID document', () => {
    const rotated = rotateKey(legacy, { type: 'Multikey', keyRef: 'local:n', publicKeyMultibase: ed25519() }, T1);
    expect(() => revokeKey(rotated, 'key-2', T2)).toThrow(/is active/);
    const revoked = revokeKey(rotated, 'key-1', T2);
    expect(revoked.keys?.find((k) => k.id === 'key-1')).toMatchObject({
      status: 'revoked',
      revokedAt: T2.toISOString(),
    });
    expect(publishedKeys(revoked).map((k) => k.id)).toEqual(['key-2']);
    expect(didDocument(revoked, DID).verificationMethod.map((m) => m.id)).toEqual([`${DID}#key-2`]);
    expect(() => revokeKey(revoked, 'key-1', T2)).toThrow(/already revoked/);
  });

  it('publishes RSA keys in the DID document as JsonWebKey assertion methods, in a document that is valid JSON-LD', async () => {
    const jwk = rsa();
    const issuer = rotateKey(legacy, { type: 'JsonWebKey', keyRef: 'local:j', publicKeyJwk: jwk }, T1);

    const doc = didDocument(issuer, DID);

    expect(doc.verificationMethod).toEqual([
      { id: `${DID}#key-1`, type: 'Multikey', controller: DID, publicKeyMultibase: legacy.publicKeyMultibase },
      { id: `${DID}#jwt-1`, type: 'JsonWebKey', controller: DID, publicKeyJwk: jwk },
    ]);
    expect(doc.assertionMethod).toEqual([`${DID}#key-1`, `${DID}#jwt-1`]);
    expect(doc.authentication).toEqual([`${DID}#key-1`]);
    expect(JSON.stringify(doc)).not.toContain('"d"');
    await expect(canonize(doc)).resolves.toContain('JsonWebKey');
  });

  it('in did:key mode names the issuer and its method by the active key', () => {
    const keyed = { ...legacy, didMethod: 'key' as const };
    const { did, verificationMethod } = didKeyFor(legacy.publicKeyMultibase);
    expect(issuerDid(keyed, BASE)).toBe(did);
    expect(signingMethod(keyed, BASE)).toMatchObject({ issuerDid: did, verificationMethod });
    const rotated = rotateKey(keyed, { type: 'Multikey', keyRef: 'local:k2', publicKeyMultibase: ed25519() }, T1);
    expect(issuerDid(rotated, BASE)).not.toBe(did);
  });
});
