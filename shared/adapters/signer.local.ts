import { sign } from 'node:crypto';
import { publicKeyMultibaseFromKeyObject } from '#shared/credentials/multikey.ts';
import { localPrivateKeys } from './local-key-file.ts';
import type { Signer } from './signer.ts';
import { standInCall } from './stand-in-calls.ts';

export { localKeyRef } from './local-key-file.ts';

/**
 * Signer for local mode, with the same port as the KMS signer: Ed25519 keys as PKCS#8 PEM files in
 * `<dataDir>/keys/<name>.pem` (keyRef `local:<name>`), created on first use with mode 0600.
 */
export const createLocalSigner = (options: { dataDir: string }): Signer => {
  const privateKey = localPrivateKeys(options.dataDir, 'ed25519');
  return {
    async sign(keyRef, data) {
      standInCall('KMS', 'Sign');
      return new Uint8Array(sign(null, data, await privateKey(keyRef)));
    },
    async publicKeyMultibase(keyRef) {
      return publicKeyMultibaseFromKeyObject(await privateKey(keyRef));
    },
  };
};
