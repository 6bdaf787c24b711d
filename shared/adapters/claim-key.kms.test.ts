import 'aws-sdk-client-mock-vitest/extend';
import { GenerateMacCommand, KMSClient } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createKmsClaimKey } from './claim-key.kms.ts';

const kms = mockClient(KMSClient);
const keyId = 'arn:aws:kms:eu-west-1:111122223333:key/hmac-0000';

describe('KMS claim key', () => {
  afterEach(() => {
    kms.reset();
  });

  it('MACs the UTF-8 message with HMAC_SHA_256 under its key', async () => {
    // Prepare
    const mac = new Uint8Array(32).fill(9);
    kms.on(GenerateMacCommand).resolves({ KeyId: keyId, MacAlgorithm: 'HMAC_SHA_256', Mac: mac });
    const claimKey = createKmsClaimKey(new KMSClient({}), keyId);

    // Act
    const result = await claimKey.mac('cred-1.nonce-é');

    // Assess
    expect(result).toEqual(mac);
    expect(kms).toHaveReceivedCommandExactlyOnceWith(GenerateMacCommand, {
      KeyId: keyId,
      MacAlgorithm: 'HMAC_SHA_256',
      Message: new Uint8Array(Buffer.from('cred-1.nonce-é', 'utf8')),
    });
  });

  it('refuses a MAC of the wrong size', async () => {
    kms.on(GenerateMacCommand).resolves({ Mac: new Uint8Array(64) });

    await expect(createKmsClaimKey(new KMSClient({}), keyId).mac('x')).rejects.toThrow(/expected 32/);
  });
});
