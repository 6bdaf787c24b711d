import { GetPublicKeyCommand, type KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { publicKeyMultibaseFromSpki } from '#shared/credentials/multikey.ts';
import type { Signer } from './signer.ts';

/**
 * Signer backed by KMS `ECC_NIST_EDWARDS25519` keys: `ED25519_SHA_512` over the RAW message, which is pure Ed25519
 * as eddsa-rdfc-2022 requires (the `_PH_` variant would sign a pre-hash and no verifier would accept it).
 * `keyRef` is the key id or ARN. Public keys are fetched once per key and kept for the life of the process.
 */
export const createKmsSigner = (kms: KMSClient): Signer => {
  const publicKeys = new Map<string, Promise<string>>();

  const fetchPublicKey = async (keyRef: string): Promise<string> => {
    const out = await kms.send(new GetPublicKeyCommand({ KeyId: keyRef }));
    if (out.KeySpec !== 'ECC_NIST_EDWARDS25519' || !out.PublicKey) {
      throw new Error(`KMS key ${keyRef} is ${out.KeySpec ?? 'unknown'}, expected ECC_NIST_EDWARDS25519`);
    }
    return publicKeyMultibaseFromSpki(out.PublicKey);
  };

  return {
    async sign(keyRef, data) {
      const out = await kms.send(
        new SignCommand({ KeyId: keyRef, Message: data, MessageType: 'RAW', SigningAlgorithm: 'ED25519_SHA_512' }),
      );
      if (out.Signature?.length !== 64) {
        throw new Error(`KMS returned a ${out.Signature?.length ?? 0}-byte signature, expected 64 (Ed25519)`);
      }
      return out.Signature;
    },

    publicKeyMultibase(keyRef) {
      let pending = publicKeys.get(keyRef);
      if (!pending) {
        // Cache the promise so concurrent callers share one call; forget a failure so the next call retries.
        pending = fetchPublicKey(keyRef).catch((e: unknown) => {
          publicKeys.delete(keyRef);
          throw e;
        });
        publicKeys.set(keyRef, pending);
      }
      return pending;
    },
  };
};
