import 'aws-sdk-client-mock-vitest/extend';
import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { GetPublicKeyCommand, KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { publicKeyFromMultibase, publicKeyMultibaseFromKeyObject } from '#shared/credentials/multikey.ts';
import { createKmsSigner } from './signer.kms.ts';

const kms = mockClient(KMSClient);
const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const keyId = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const spki = publicKey.export({ format: 'der', type: 'spki' });

describe('KMS signer', () => {
  afterEach(() => {
    kms.reset();
  });

  it('signs the raw bytes with pure Ed25519 (ED25519_SHA_512, MessageType RAW)', async () => {
    // Prepare
    const data = new Uint8Array(64).fill(7);
    const signature = new Uint8Array(sign(null, data, privateKey));
    kms.on(SignCommand).resolves({ KeyId: keyId, SigningAlgorithm: 'ED25519_SHA_512', Signature: signature });
    const signer = createKmsSigner(new KMSClient({}));

    // Act
    const result = await signer.sign(keyId, data);

    // Assess
    expect(result).toEqual(signature);
    expect(verify(null, data, publicKey, result)).toBe(true);
    expect(kms).toHaveReceivedCommandExactlyOnceWith(SignCommand, {
      KeyId: keyId,
      Message: data,
      MessageType: 'RAW',
      SigningAlgorithm: 'ED25519_SHA_512',
    });
  });

  it('refuses a signature that is not 64 bytes', async () => {
    kms.on(SignCommand).resolves({ Signature: new Uint8Array(72) });

    await expect(createKmsSigner(new KMSClient({})).sign(keyId, new Uint8Array(64))).rejects.toThrow(/expected 64/);
  });

  it('turns GetPublicKey SPKI into a Multikey, once per key', async () => {
    kms.on(GetPublicKeyCommand).resolves({ KeyId: keyId, KeySpec: 'ECC_NIST_EDWARDS25519', PublicKey: spki });
    const signer = createKmsSigner(new KMSClient({}));

    const [first, second] = await Promise.all([signer.publicKeyMultibase(keyId), signer.publicKeyMultibase(keyId)]);
    const third = await signer.publicKeyMultibase(keyId);

    expect(first).toBe(publicKeyMultibaseFromKeyObject(publicKey));
    expect(second).toBe(first);
    expect(third).toBe(first);
    expect(publicKeyFromMultibase(first).equals(publicKey)).toBe(true);
    expect(kms).toHaveReceivedCommandExactlyOnceWith(GetPublicKeyCommand, { KeyId: keyId });
  });

  it('refuses a key that is not Ed25519, and retries after a failure', async () => {
    kms
      .on(GetPublicKeyCommand)
      .rejectsOnce(new Error('ThrottlingException'))
      .resolvesOnce({ KeySpec: 'ECC_NIST_P256', PublicKey: new Uint8Array(91) })
      .resolves({ KeySpec: 'ECC_NIST_EDWARDS25519', PublicKey: spki });
    const signer = createKmsSigner(new KMSClient({}));

    await expect(signer.publicKeyMultibase(keyId)).rejects.toThrow('ThrottlingException');
    await expect(signer.publicKeyMultibase(keyId)).rejects.toThrow(/ECC_NIST_P256, expected ECC_NIST_EDWARDS25519/);
    await expect(signer.publicKeyMultibase(keyId)).resolves.toMatch(/^z6Mk/);
    expect(kms).toHaveReceivedCommandTimes(GetPublicKeyCommand, 3);
  });
});
