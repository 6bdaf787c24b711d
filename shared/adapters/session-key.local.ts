import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { join } from 'node:path';
import { readOrCreateSecretFile } from './local-key-file.ts';

/**
 * Local mode's console sign-in: the admin function signs session tokens (EdDSA JWTs) with this Ed25519 key and the
 * local API verifies them with its public half, as API Gateway verifies Cognito's tokens in AWS. Kept apart from the
 * issuers' keys (`<dataDir>/auth/`, not `keys/`), so no issuer slug can ever name it.
 */
export const LOCAL_SESSION = {
  audience: 'laurel-console',
  algorithm: 'EdDSA',
  /** Session lifetime. */
  ttlSeconds: 3600,
} as const;

/** The issuer (`iss`) of local session tokens: the local API's own sign-in route. */
export const localSessionIssuer = (publicBaseUrl: string) => `${publicBaseUrl.replace(/\/+$/, '')}/admin/api/session`;

export interface SessionKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** Reads (or creates, mode 0600) `<dataDir>/auth/session-key.pem`. */
export const loadLocalSessionKey = async (dataDir: string): Promise<SessionKey> => {
  const pem = await readOrCreateSecretFile(join(dataDir, 'auth', 'session-key.pem'), () =>
    generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }),
  );
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error('the local session key is not an Ed25519 key');
  return { privateKey, publicKey: createPublicKey(privateKey) };
};
