import 'aws-sdk-client-mock-vitest/extend';
import { constants, createHash, createPublicKey, generateKeyPairSync, privateEncrypt } from 'node:crypto';
import { GetPublicKeyCommand, KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { compactVerify, importJWK } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { signVcJwt } from '#shared/credentials/vc-jwt.ts';
import { createKmsJwtSigner } from './jwt-signer.kms.ts';

const kms = mockClient(KMSClient);
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const keyId = 'arn:aws:kms:eu-west-1:111122223333:key/rsa-0000-1111';
const spki = publicKey.export({ format: 'der', type: 'spki' });
/** DER prefix of DigestInfo { sha256, OCTET STRING(32) } (RFC 8017 §9.2). */
const SHA256_DIGEST_INFO = Buffer.from('3031300d060960864801650304020105000420', 'hex');

/** What KMS does for RSASSA_PKCS1_V1_5_SHA_256 with MessageType DIGEST: PKCS#1 v1.5 over the given SHA-256. */
const kmsSignsDigest = () =>
  kms.on(SignCommand).callsFake(async (input: { Message: Uint8Array }) => ({
    KeyId: keyId,
    SigningAlgorithm: 'RSASSA_PKCS1_V1_5_SHA_256',
    // RSASSA-PKCS1-v1_5 of a given SHA-256: the RSA private operation over DigestInfo(SHA-256, digest), type-1 padded.
    Signature: new Uint8Array(
      privateEncrypt(
        { key: privateKey, padding: constants.RSA_PKCS1_PADDING },
        Buffer.concat([SHA256_DIGEST_INFO, input.Message]),
      ),
    ),
  }));

const credential = {
  '@context': ['https://www.w3.org/ns/credentials/v2'],
  id: 'https://badges.example.edu/credentials/1',
  type: ['VerifiableCredential'],
  issuer: 'did:web:badges.example.edu:issuers:demo',
  validFrom: '2026-05-14T16:20:00Z',
  credentialSubject: { name: 'x'.repeat(6000) },
};

describe('KMS JWT signer', () => {
  afterEach(() => {
    kms.reset();
  });

  it('signs the SHA-256 of the signing input (MessageType DIGEST, RSASSA_PKCS1_V1_5_SHA_256): a real RS256 JWS', async () => {
    // Prepare: a signing input larger than the 4 KB KMS takes as RAW
    kmsSignsDigest();
    const signer = createKmsJwtSigner(new KMSClient({}));

    // Act
    const jwt = await signVcJwt(credential, { kid: 'https://badges.example.edu/issuers/demo/keys/jwt-1' }, (input) =>
      signer.signRs256(keyId, input),
    );

    // Assess: jose verifies it against the public key; KMS got exactly the digest
    const [header = '', payload = ''] = jwt.split('.');
    const signingInput = `${header}.${payload}`;
    expect(signingInput.length).toBeGreaterThan(4096);
    const verified = await compactVerify(jwt, await importJWK(publicKey.export({ format: 'jwk' }), 'RS256'));
    expect(verified.protectedHeader).toEqual({
      alg: 'RS256',
      typ: 'JWT',
      kid: 'https://badges.example.edu/issuers/demo/keys/jwt-1',
    });
    expect(kms).toHaveReceivedCommandExactlyOnceWith(SignCommand, {
      KeyId: keyId,
      Message: createHash('sha256').update(signingInput, 'ascii').digest(),
      MessageType: 'DIGEST',
      SigningAlgorithm: 'RSASSA_PKCS1_V1_5_SHA_256',
    });
  });

  it('refuses an answer that is not an RSA signature', async () => {
    kms.on(SignCommand).resolves({ Signature: new Uint8Array(64) });
    await expect(createKmsJwtSigner(new KMSClient({})).signRs256(keyId, new Uint8Array(10))).rejects.toThrow(
      /expected an RSA signature/,
    );
  });

  it('reads the public key once per key, as a bare RSA JWK', async () => {
    kms
      .on(GetPublicKeyCommand)
      .resolves({ KeyId: keyId, KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY', PublicKey: spki });
    const signer = createKmsJwtSigner(new KMSClient({}));

    const [first, second] = await Promise.all([signer.publicJwk(keyId), signer.publicJwk(keyId)]);

    const { n, e } = publicKey.export({ format: 'jwk' });
    expect(first).toEqual({ kty: 'RSA', n, e });
    expect(second).toBe(first);
    expect(createPublicKey({ key: first, format: 'jwk' }).equals(publicKey)).toBe(true);
    expect(kms).toHaveReceivedCommandExactlyOnceWith(GetPublicKeyCommand, { KeyId: keyId });
  });

  it('refuses a key that is not RSA for signing, and retries after a failure', async () => {
    kms
      .on(GetPublicKeyCommand)
      .rejectsOnce(new Error('ThrottlingException'))
      .resolvesOnce({ KeySpec: 'ECC_NIST_EDWARDS25519', PublicKey: new Uint8Array(44) })
      .resolvesOnce({ KeySpec: 'RSA_2048', KeyUsage: 'ENCRYPT_DECRYPT', PublicKey: spki })
      .resolves({ KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY', PublicKey: spki });
    const signer = createKmsJwtSigner(new KMSClient({}));

    await expect(signer.publicJwk(keyId)).rejects.toThrow('ThrottlingException');
    await expect(signer.publicJwk(keyId)).rejects.toThrow(/expected RSA_2048/);
    await expect(signer.publicJwk(keyId)).rejects.toThrow(/expected SIGN_VERIFY/);
    await expect(signer.publicJwk(keyId)).resolves.toMatchObject({ kty: 'RSA' });
  });
});
