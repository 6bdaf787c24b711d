import { createPublicKey, sign } from 'node:crypto';
import { type JwtSigner, rsaJwkOf } from './jwt-signer.ts';
import { localPrivateKeys } from './local-key-file.ts';

/**
 * JwtSigner for local mode, with the same port as the KMS one: RSA 2048 keys as PKCS#8 PEM files in
 * `<dataDir>/keys/<name>.pem` (keyRef `local:<name>`), created on first use with mode 0600.
 */
export const createLocalJwtSigner = (options: { dataDir: string }): JwtSigner => {
  const privateKey = localPrivateKeys(options.dataDir, 'rsa');
  return {
    async signRs256(keyRef, signingInput) {
      // node:crypto signs RSA keys with PKCS#1 v1.5 padding unless told otherwise: exactly RS256.
      return new Uint8Array(sign('sha256', signingInput, await privateKey(keyRef)));
    },
    async publicJwk(keyRef) {
      return rsaJwkOf(createPublicKey(await privateKey(keyRef)).export({ format: 'jwk' }));
    },
  };
};
