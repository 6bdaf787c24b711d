import { GenerateMacCommand, type KMSClient } from '@aws-sdk/client-kms';
import type { ClaimKey } from './claim-key.ts';

const utf8 = new TextEncoder();

/** Claim key backed by a KMS `HMAC_256` key (`keyId`: id, ARN or alias); the secret never leaves KMS. */
export const createKmsClaimKey = (kms: KMSClient, keyId: string): ClaimKey => ({
  async mac(message) {
    const out = await kms.send(
      new GenerateMacCommand({ KeyId: keyId, MacAlgorithm: 'HMAC_SHA_256', Message: utf8.encode(message) }),
    );
    if (out.Mac?.length !== 32) throw new Error(`KMS returned a ${out.Mac?.length ?? 0}-byte MAC, expected 32`);
    return out.Mac;
  },
});
