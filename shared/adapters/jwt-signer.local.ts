import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { join } from 'node:path';
import { type JwtSigner, rsaJwkOf } from './jwt-signer.ts';
import { readOrCreateSecretFile } from './local-key-file.ts';
import { LOCAL_KEY_PREFIX } from './signer.local.ts';

const KEY_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/**
 * JwtSigner for local mode, with the same port as the KMS one: RSA 2048 keys as PKCS#8 PEM files in
 * `<dataDir>/keys/<name>.pem` (keyRef `local:<name>`), created on first use with mode 0600.
 */
export const createLocalJwtSigner = (options: { dataDir: string }): JwtSigner => {
  const keys = new Map<string, Promise<KeyObject>>();

  const load = async (name: string): Promise<KeyObject> => {
    const pem = await readOrCreateSecretFile(join(options.dataDir, 'keys', `${name}.pem`), () =>
      generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs8' }),
    );
    const key = createPrivateKey(pem);
    if (key.asymmetricKeyType !== 'rsa') throw new Error(`local key ${name} is not an RSA key`);
    return key;
  };

  const privateKey = (keyRef: string): Promise<KeyObject> => {
    const name = keyRef.startsWith(LOCAL_KEY_PREFIX) ? keyRef.slice(LOCAL_KEY_PREFIX.length) : '';
    // The name becomes a file name: nothing that could climb out of the keys folder.
    if (!KEY_NAME.test(name)) throw new Error(`not a local keyRef (local:<name>): ${keyRef}`);
    let pending = keys.get(name);
    if (!pending) {
      pending = load(name).catch((e: unknown) => {
        keys.delete(name);
        throw e;
      });
      keys.set(name, pending);
    }
    return pending;
  };

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
