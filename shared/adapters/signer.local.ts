import { createPrivateKey, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { join } from 'node:path';
import { publicKeyMultibaseFromKeyObject } from '#shared/credentials/multikey.ts';
import { readOrCreateSecretFile } from './local-key-file.ts';
import type { Signer } from './signer.ts';
import { standInCall } from './stand-in-calls.ts';

export const LOCAL_KEY_PREFIX = 'local:';

/** `local:<name>` for a key file name: the keyRef an issuer record holds in local mode. */
export const localKeyRef = (name: string): string => `${LOCAL_KEY_PREFIX}${name}`;

const KEY_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/**
 * Signer for local mode, with the same port as the KMS signer: Ed25519 keys as PKCS#8 PEM files in
 * `<dataDir>/keys/<name>.pem` (keyRef `local:<name>`), created on first use with mode 0600.
 */
export const createLocalSigner = (options: { dataDir: string }): Signer => {
  const keys = new Map<string, Promise<KeyObject>>();

  const load = async (name: string): Promise<KeyObject> => {
    const pem = await readOrCreateSecretFile(join(options.dataDir, 'keys', `${name}.pem`), () =>
      generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }),
    );
    const key = createPrivateKey(pem);
    if (key.asymmetricKeyType !== 'ed25519') throw new Error(`local key ${name} is not an Ed25519 key`);
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
    async sign(keyRef, data) {
      standInCall('KMS', 'Sign');
      return new Uint8Array(sign(null, data, await privateKey(keyRef)));
    },
    async publicKeyMultibase(keyRef) {
      return publicKeyMultibaseFromKeyObject(await privateKey(keyRef));
    },
  };
};
