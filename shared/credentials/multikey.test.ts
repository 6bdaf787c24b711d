import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  publicKeyFromMultibase,
  publicKeyMultibaseFromKeyObject,
  publicKeyMultibaseFromRaw,
  publicKeyMultibaseFromSpki,
  rawPublicKeyFromMultibase,
  rawPublicKeyFromSpki,
} from './multikey.ts';

// The OB 3.0 test-vector key (TEST KEY): its hex and its published Multikey must agree.
const vectorHex = '4bdeafde2ea8beefadd8c699b5c7e0704cf51154d52e17b20b71337ca04cc5a5';
const vectorMultibase = 'z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi';

describe('multikey', () => {
  it('encodes a raw Ed25519 key as the published Multikey, and back', () => {
    expect(publicKeyMultibaseFromRaw(Buffer.from(vectorHex, 'hex'))).toBe(vectorMultibase);
    expect(Buffer.from(rawPublicKeyFromMultibase(vectorMultibase)).toString('hex')).toBe(vectorHex);
  });

  it('reads SPKI DER, the form KMS GetPublicKey returns', () => {
    const { publicKey } = generateKeyPairSync('ed25519');
    const der = publicKey.export({ format: 'der', type: 'spki' });
    const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url');

    expect(Buffer.from(rawPublicKeyFromSpki(der))).toEqual(raw);
    expect(publicKeyMultibaseFromSpki(der)).toBe(publicKeyMultibaseFromRaw(raw));
    expect(publicKeyMultibaseFromSpki(der)).toMatch(/^z6Mk/);
  });

  it('gives a KeyObject that verifies what the private key signed', () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const multibase = publicKeyMultibaseFromKeyObject(privateKey);
    const message = Buffer.from('laurel');

    expect(verify(null, message, publicKeyFromMultibase(multibase), sign(null, message, privateKey))).toBe(true);
    expect(publicKeyMultibaseFromKeyObject(publicKeyFromMultibase(multibase))).toBe(multibase);
  });

  it('refuses other key types and encodings', () => {
    const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;

    expect(() => publicKeyMultibaseFromRaw(new Uint8Array(33))).toThrow(/32 bytes/);
    expect(() => publicKeyMultibaseFromSpki(p256.export({ format: 'der', type: 'spki' }))).toThrow(/Ed25519/);
    expect(() => publicKeyMultibaseFromKeyObject(p256)).toThrow(/not an Ed25519 key/);
    expect(() => rawPublicKeyFromMultibase(vectorMultibase.slice(1))).toThrow(/base58btc/);
    // A P-256 Multikey (zDn…) is well-formed multibase but not an Ed25519 key.
    expect(() => rawPublicKeyFromMultibase('zDnaegE6RR3atJtHKwTRTWHsJ3kNHqFwv7n9YjTgmU7TyfU76')).toThrow(/Ed25519/);
  });
});
