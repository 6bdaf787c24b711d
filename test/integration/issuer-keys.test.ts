import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AppStore } from '#shared/adapters/app-store.dynamodb.ts';
import { rsaJwkOf } from '#shared/adapters/jwt-signer.ts';
import { rotateKey } from '#shared/credentials/issuer-keys.ts';
import { publicKeyMultibaseFromKeyObject } from '#shared/credentials/multikey.ts';
import { demoIssuer } from '#shared/testing/fixtures.ts';
import { testTables } from '../support/dynamo.ts';

const db = await testTables();
const store = new AppStore(db.client, db.names.app);

describe('issuer keys and VC-API clients on DynamoDB Local', () => {
  it('reads a legacy issuer, saves its rotated keys, and refuses a write from a stale read', async () => {
    // Prepare: an issuer written before keys existed
    const legacy = demoIssuer({ slug: 'keys-demo' });
    await store.putIssuer(legacy);
    const read = await store.getIssuer('keys-demo');
    if (!read) throw new Error('not stored');
    expect(read.keys).toBeUndefined();

    // Act: rotate the Ed25519 key and add an RSA key
    const ed2 = publicKeyMultibaseFromKeyObject(generateKeyPairSync('ed25519').publicKey);
    const jwk = rsaJwkOf(generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' }));
    const rotated = rotateKey(
      rotateKey(read, { type: 'Multikey', keyRef: 'local:k2', publicKeyMultibase: ed2 }, new Date()),
      { type: 'JsonWebKey', keyRef: 'local:j1', publicKeyJwk: jwk },
      new Date(),
    );
    const saved = await store.saveIssuerKeys(read, rotated);

    // Assess
    expect(saved).toBe(true);
    const after = await store.getIssuer('keys-demo');
    expect(after).toMatchObject({ keyRef: 'local:k2', keyFragment: 'key-2', publicKeyMultibase: ed2 });
    expect(after?.keys?.map((k) => [k.id, k.type, k.status])).toEqual([
      ['key-1', 'Multikey', 'retired'],
      ['key-2', 'Multikey', 'active'],
      ['jwt-1', 'JsonWebKey', 'active'],
    ]);
    expect(after?.keys?.[2]?.publicKeyJwk).toEqual(jwk);
    // A second writer still holding the old read loses, and changes nothing
    expect(await store.saveIssuerKeys(read, read)).toBe(false);
    expect(await store.getIssuer('keys-demo')).toEqual(after);
  });

  it('keeps which issuers a VC-API client may use', async () => {
    expect(await store.getApiClient('lms-client')).toBeUndefined();
    await store.putApiClient({ clientId: 'lms-client', name: 'LMS', issuerSlugs: ['demo'] });
    await store.putApiClient({ clientId: 'lms-client', name: 'LMS', issuerSlugs: ['demo', 'keys-demo'] });
    expect(await store.getApiClient('lms-client')).toEqual({
      clientId: 'lms-client',
      name: 'LMS',
      issuerSlugs: ['demo', 'keys-demo'],
    });
  });
});
