import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';
import { join } from 'node:path';
import { calculateJwkThumbprint, type JSONWebKeySet, type JWK } from 'jose';
import { readOrCreateSecretFile } from './local-key-file.ts';

/**
 * Local mode's stand-in for the Cognito user pool that issues VC-API access tokens in AWS: an RSA token-signing key
 * and the client credentials, both in `<dataDir>/oauth/` (mode 0600), made on first use. The token endpoint
 * (infra/local/oauth.ts) signs with the key; the issue service verifies with its public half through the same
 * verifier as in AWS (shared/runtime/access-token.ts).
 */

/** The client local mode creates, and seeds as allowed to issue for the demo issuer. */
export const LOCAL_OAUTH_CLIENT_ID = 'laurel-local';

/** `iss` of local access tokens; the token endpoint is `<this>/token`. */
export const localTokenIssuer = (publicBaseUrl: string) => `${publicBaseUrl.replace(/\/+$/, '')}/oauth`;

export interface LocalClient {
  clientId: string;
  clientSecret: string;
}

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest();

export const createLocalOAuth = (options: { dataDir: string }) => {
  const folder = join(options.dataDir, 'oauth');
  let key: Promise<{ privateKey: KeyObject; jwk: JWK }> | undefined;
  let clients: Promise<LocalClient[]> | undefined;

  const loadKey = async () => {
    const pem = await readOrCreateSecretFile(join(folder, 'token-key.pem'), () =>
      generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs8' }),
    );
    const privateKey = createPrivateKey(pem);
    const { kty, n, e } = createPublicKey(privateKey).export({ format: 'jwk' });
    const bare = { kty, n, e } as JWK;
    return { privateKey, jwk: { ...bare, kid: await calculateJwkThumbprint(bare), alg: 'RS256', use: 'sig' } };
  };

  const loadClients = async (): Promise<LocalClient[]> => {
    const text = await readOrCreateSecretFile(
      join(folder, 'clients.json'),
      () =>
        `${JSON.stringify(
          { clients: [{ clientId: LOCAL_OAUTH_CLIENT_ID, clientSecret: randomBytes(24).toString('base64url') }] },
          null,
          2,
        )}\n`,
    );
    const parsed = JSON.parse(text.toString('utf8')) as { clients?: unknown };
    if (!Array.isArray(parsed.clients)) throw new Error(`${join(folder, 'clients.json')} has no "clients" list`);
    return parsed.clients.filter(
      (c): c is LocalClient =>
        typeof c?.clientId === 'string' && typeof c?.clientSecret === 'string' && c.clientSecret.length >= 16,
    );
  };

  // One load per process; a failure is forgotten so the next call retries.
  const getKey = () => {
    if (!key) {
      key = loadKey().catch((e: unknown) => {
        key = undefined;
        throw e;
      });
    }
    return key;
  };
  const getClients = () => {
    if (!clients) {
      clients = loadClients().catch((e: unknown) => {
        clients = undefined;
        throw e;
      });
    }
    return clients;
  };

  return {
    /** The private key and public JWK (with its thumbprint as `kid`) local access tokens are signed with. */
    signingKey: getKey,
    /** The public JWKS a verifier needs. */
    jwks: async (): Promise<JSONWebKeySet> => ({ keys: [(await getKey()).jwk] }),
    clients: getClients,
    /** True when the id and secret match a client; compares hashes in constant time. */
    authenticate: async (clientId: string, clientSecret: string): Promise<boolean> => {
      const client = (await getClients()).find((c) => c.clientId === clientId);
      const expected = sha256(client?.clientSecret ?? randomBytes(24).toString('hex'));
      return timingSafeEqual(expected, sha256(clientSecret)) && client !== undefined;
    },
  };
};

export type LocalOAuth = ReturnType<typeof createLocalOAuth>;
