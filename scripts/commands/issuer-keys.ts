import type { AppStore } from '#shared/adapters/app-store.dynamodb.ts';
import type { JwtSigner } from '#shared/adapters/jwt-signer.ts';
import type { Signer } from '#shared/adapters/signer.ts';
import { issuerKeys, type NewKey, retireKey, revokeKey, rotateKey } from '#shared/credentials/issuer-keys.ts';
import type { ApiClient, Issuer } from '#shared/tables/app-table.ts';

/**
 * The operator's key commands (`laurel issuer rotate-key | retire-key | revoke-key | keys`, `laurel client set`),
 * over ports so they can be tested without AWS. Public keys are read from the key itself (KMS GetPublicKey with
 * the operator's credentials, or the local key file) and stored on the issuer, so the functions never need
 * `kms:GetPublicKey`.
 */

export type KeyStore = Pick<AppStore, 'getIssuer' | 'saveIssuerKeys' | 'putApiClient'>;

export interface KeyCommandDeps {
  store: KeyStore;
  /** Ed25519 keys (KMS ECC_NIST_EDWARDS25519, or local files). */
  signer: Pick<Signer, 'publicKeyMultibase'>;
  /** RSA keys (KMS RSA_2048, or local files). */
  jwtSigner: Pick<JwtSigner, 'publicJwk'>;
  now?: () => Date;
}

export type KeyKind = 'ed25519' | 'rsa';

/** The public half of `keyRef`, as the verification method type it becomes. Auto: Ed25519 first, then RSA. */
export const describeKey = async (
  deps: Pick<KeyCommandDeps, 'signer' | 'jwtSigner'>,
  keyRef: string,
  kind?: KeyKind,
): Promise<NewKey> => {
  const ed25519 = async (): Promise<NewKey> => ({
    type: 'Multikey',
    keyRef,
    publicKeyMultibase: await deps.signer.publicKeyMultibase(keyRef),
  });
  const rsa = async (): Promise<NewKey> => ({
    type: 'JsonWebKey',
    keyRef,
    publicKeyJwk: await deps.jwtSigner.publicJwk(keyRef),
  });
  if (kind === 'ed25519') return ed25519();
  if (kind === 'rsa') return rsa();
  try {
    return await ed25519();
  } catch (first) {
    try {
      return await rsa();
    } catch {
      throw first;
    }
  }
};

const load = async (store: KeyStore, slug: string): Promise<Issuer> => {
  const issuer = await store.getIssuer(slug);
  if (!issuer) throw new Error(`issuer ${slug} does not exist`);
  return issuer;
};

const save = async (store: KeyStore, before: Issuer, after: Issuer) => {
  if (!(await store.saveIssuerKeys(before, after))) {
    throw new Error(`issuer ${before.slug} changed while this ran; run the command again`);
  }
};

const describe = (issuer: Issuer) =>
  issuerKeys(issuer)
    .map(
      (k) =>
        `  ${k.id.padEnd(8)} ${k.type.padEnd(10)} ${k.status.padEnd(8)} ${k.keyRef}${k.createdAt ? `  (added ${k.createdAt})` : ''}`,
    )
    .join('\n');

export const makeKeyCommands = (deps: KeyCommandDeps) => {
  const now = deps.now ?? (() => new Date());
  return {
    keys: async (slug: string) => `issuer ${slug} keys:\n${describe(await load(deps.store, slug))}`,

    /** Adds `keyRef` as the active key of its kind; the previous one is retired for signing and stays published. */
    rotate: async (slug: string, keyRef: string, opts: { kind?: KeyKind; keyId?: string } = {}) => {
      const before = await load(deps.store, slug);
      const key = await describeKey(deps, keyRef, opts.kind);
      const after = rotateKey(before, { ...key, ...(opts.keyId ? { id: opts.keyId } : {}) }, now());
      await save(deps.store, before, after);
      const added = after.keys?.at(-1);
      return `issuer ${slug}: ${added?.id} (${added?.type}) now signs; earlier keys stay published\n${describe(after)}`;
    },

    /** Stops a key signing; it stays published so what it signed keeps verifying. */
    retire: async (slug: string, keyId: string) => {
      const before = await load(deps.store, slug);
      const after = retireKey(before, keyId, now());
      await save(deps.store, before, after);
      return `issuer ${slug}: ${keyId} retired for signing (still published)\n${describe(after)}`;
    },

    /** Unpublishes a retired key: credentials it signed stop verifying. Needs `confirm`. */
    revoke: async (slug: string, keyId: string, confirm: boolean) => {
      if (!confirm) {
        throw new Error(
          `revoking ${keyId} unpublishes it: every credential it signed stops verifying. Add --confirm to do it.`,
        );
      }
      const before = await load(deps.store, slug);
      const after = revokeKey(before, keyId, now());
      await save(deps.store, before, after);
      return `issuer ${slug}: ${keyId} revoked and unpublished\n${describe(after)}`;
    },

    /** Which issuers a VC-API client (its OAuth client id) may sign for. */
    setClient: async (client: ApiClient) => {
      for (const slug of client.issuerSlugs) await load(deps.store, slug);
      await deps.store.putApiClient(client);
      return `client ${client.clientId} may issue for ${client.issuerSlugs.join(', ')}`;
    },
  };
};
