import { createHash, createPublicKey } from 'node:crypto';
import { GetPublicKeyCommand, type KMSClient, SignCommand } from '@aws-sdk/client-kms';
import type { PublicRsaJwk } from '#shared/credentials/issuer-keys.ts';
import { type JwtSigner, rsaJwkOf } from './jwt-signer.ts';

const RSA_SPECS = new Set(['RSA_2048', 'RSA_3072', 'RSA_4096']);

/**
 * JwtSigner backed by KMS RSA keys (`RSA_2048`, `SIGN_VERIFY`): `RSASSA_PKCS1_V1_5_SHA_256` over the SHA-256 of
 * the signing input with `MessageType: DIGEST`. The digest is computed here because a JWT's signing input can pass
 * the 4,096 bytes KMS accepts as a RAW message (a credential with evidence easily does); the signature is the same.
 */
export const createKmsJwtSigner = (kms: KMSClient): JwtSigner => {
  const publicKeys = new Map<string, Promise<PublicRsaJwk>>();

  const fetchPublicKey = async (keyRef: string): Promise<PublicRsaJwk> => {
    const out = await kms.send(new GetPublicKeyCommand({ KeyId: keyRef }));
    if (!out.KeySpec || !RSA_SPECS.has(out.KeySpec) || !out.PublicKey) {
      throw new Error(`KMS key ${keyRef} is ${out.KeySpec ?? 'unknown'}, expected RSA_2048`);
    }
    if (out.KeyUsage !== undefined && out.KeyUsage !== 'SIGN_VERIFY') {
      throw new Error(`KMS key ${keyRef} is for ${out.KeyUsage}, expected SIGN_VERIFY`);
    }
    const key = createPublicKey({ key: Buffer.from(out.PublicKey), format: 'der', type: 'spki' });
    return rsaJwkOf(key.export({ format: 'jwk' }));
  };

  return {
    async signRs256(keyRef, signingInput) {
      const digest = createHash('sha256').update(signingInput).digest();
      const out = await kms.send(
        new SignCommand({
          KeyId: keyRef,
          Message: digest,
          MessageType: 'DIGEST',
          SigningAlgorithm: 'RSASSA_PKCS1_V1_5_SHA_256',
        }),
      );
      if (!out.Signature || out.Signature.length < 256) {
        throw new Error(`KMS returned a ${out.Signature?.length ?? 0}-byte signature, expected an RSA signature`);
      }
      return out.Signature;
    },

    publicJwk(keyRef) {
      let pending = publicKeys.get(keyRef);
      if (!pending) {
        // One call per key for concurrent callers; a failure is forgotten so the next call retries.
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
