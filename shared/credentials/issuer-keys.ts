import { PermanentError } from '#shared/runtime/errors.ts';
import type { Issuer, IssuerKey } from '#shared/tables/app-table.ts';
import { didKeyFor, didWebFor, verificationMethodId } from './did-web.ts';

/**
 * An issuer's keys over time (pure). Each issuer holds a list of verification methods: an Ed25519 Multikey signs
 * the eddsa-rdfc-2022 proofs, an RSA JsonWebKey signs the VC-JWT form. Rotation adds a new active key and retires
 * the previous one for signing; retired keys stay in the DID document and the JWKS so every credential they signed
 * keeps verifying, until an operator revokes one on purpose.
 */

export type KeyType = IssuerKey['type'];

/** The fields of an issuer record that say which keys it has (legacy records have only the first three). */
export type KeyedIssuer = Pick<Issuer, 'keyFragment' | 'publicKeyMultibase' | 'keys'> &
  Partial<Pick<Issuer, 'keyRef' | 'slug' | 'didMethod'>>;

/** A public RSA key as a JWK: what `/issuers/{slug}/keys/{id}` serves and the JWKS lists. */
export type PublicRsaJwk = { kty: 'RSA'; n: string; e: string };

export class KeyChangeError extends PermanentError {
  constructor(message: string) {
    super('ISSUER.KEY_CHANGE', message, { status: 409 });
    this.name = 'KeyChangeError';
  }
}

/** Every key of the issuer, oldest first: `keys` when the record has it, else its one (legacy) Ed25519 key. */
export const issuerKeys = (issuer: KeyedIssuer): IssuerKey[] =>
  issuer.keys ?? [
    {
      id: issuer.keyFragment,
      type: 'Multikey',
      keyRef: issuer.keyRef ?? '',
      publicKeyMultibase: issuer.publicKeyMultibase,
      status: 'active',
    },
  ];

/** The key of this type that signs new credentials, if any. */
export const activeKey = (issuer: KeyedIssuer, type: KeyType): IssuerKey | undefined =>
  issuerKeys(issuer).find((k) => k.type === type && k.status === 'active');

/** Keys a verifier can find: active and retired ones, never revoked ones. */
export const publishedKeys = (issuer: KeyedIssuer): IssuerKey[] =>
  issuerKeys(issuer).filter((k) => k.status !== 'revoked');

const requireActiveMultikey = (issuer: KeyedIssuer): IssuerKey & { publicKeyMultibase: string } => {
  const key = activeKey(issuer, 'Multikey');
  if (!key?.publicKeyMultibase) {
    throw new PermanentError('ISSUER.NO_SIGNING_KEY', `issuer ${issuer.slug ?? ''} has no active Ed25519 key`, {
      expose: false,
    });
  }
  return key as IssuerKey & { publicKeyMultibase: string };
};

/**
 * The issuer's identifier: `did:web:<host>:issuers:<slug>`, or in did:key mode the did:key of its active Ed25519
 * key (so it changes when that key rotates).
 */
export const issuerDid = (issuer: KeyedIssuer & Pick<Issuer, 'slug'>, publicBaseUrl: string): string =>
  issuer.didMethod === 'key'
    ? didKeyFor(requireActiveMultikey(issuer).publicKeyMultibase).did
    : didWebFor(publicBaseUrl, issuer.slug);

/** The DID URL a proof names for `key`: `<did>#<id>`, or `did:key:z…#z…` in did:key mode. */
export const verificationMethodFor = (
  issuer: KeyedIssuer & Pick<Issuer, 'slug'>,
  key: IssuerKey,
  publicBaseUrl: string,
): string => {
  if (issuer.didMethod === 'key') {
    if (!key.publicKeyMultibase) throw new Error(`key ${key.id} has no did:key form`);
    return didKeyFor(key.publicKeyMultibase).verificationMethod;
  }
  return verificationMethodId(didWebFor(publicBaseUrl, issuer.slug), key.id);
};

/** What new eddsa-rdfc-2022 proofs are made with: the active Ed25519 key, the issuer DID and its method URL. */
export const signingMethod = (issuer: KeyedIssuer & Pick<Issuer, 'slug'>, publicBaseUrl: string) => {
  const key = requireActiveMultikey(issuer);
  return {
    key,
    keyRef: key.keyRef,
    issuerDid: issuerDid(issuer, publicBaseUrl),
    verificationMethod: verificationMethodFor(issuer, key, publicBaseUrl),
  };
};

/** Sets `keys` and mirrors the active Multikey into the legacy fields older readers sign with. */
const withKeys = <T extends Issuer>(issuer: T, keys: IssuerKey[]): T => {
  const active = keys.find((k) => k.type === 'Multikey' && k.status === 'active');
  if (!active?.publicKeyMultibase) throw new KeyChangeError('an issuer must keep an active Ed25519 key');
  return {
    ...issuer,
    keys,
    keyRef: active.keyRef,
    keyFragment: active.id,
    publicKeyMultibase: active.publicKeyMultibase,
  };
};

/** `key-<n>` for Multikeys, `jwt-<n>` for JsonWebKeys: the next number not taken. */
const nextId = (keys: IssuerKey[], type: KeyType): string => {
  const prefix = type === 'Multikey' ? 'key' : 'jwt';
  const taken = new Set(keys.map((k) => k.id));
  for (let n = keys.filter((k) => k.type === type).length + 1; ; n++) {
    if (!taken.has(`${prefix}-${n}`)) return `${prefix}-${n}`;
  }
};

export interface NewKey {
  type: KeyType;
  keyRef: string;
  publicKeyMultibase?: string;
  publicKeyJwk?: PublicRsaJwk;
  /** Defaults to the next `key-<n>` / `jwt-<n>`. */
  id?: string;
}

/**
 * Adds `key` as the active key of its type; the previously active key of that type is retired for signing (and
 * stays published). Refuses a key the issuer already has, or a public key of the wrong kind.
 */
export const rotateKey = <T extends Issuer>(issuer: T, key: NewKey, now: Date): T => {
  const keys = issuerKeys(issuer);
  if (key.type === 'Multikey' && (!key.publicKeyMultibase || key.publicKeyJwk)) {
    throw new KeyChangeError('a Multikey needs publicKeyMultibase (Ed25519) and no JWK');
  }
  if (key.type === 'JsonWebKey' && (!key.publicKeyJwk || key.publicKeyMultibase)) {
    throw new KeyChangeError('a JsonWebKey needs an RSA publicKeyJwk and no multibase');
  }
  if (keys.some((k) => k.keyRef === key.keyRef)) {
    throw new KeyChangeError(`issuer ${issuer.slug} already has key ${key.keyRef}`);
  }
  const same = (k: IssuerKey) =>
    (key.publicKeyMultibase !== undefined && k.publicKeyMultibase === key.publicKeyMultibase) ||
    (key.publicKeyJwk !== undefined && k.publicKeyJwk?.n === key.publicKeyJwk.n);
  if (keys.some(same)) throw new KeyChangeError(`issuer ${issuer.slug} already has this public key`);
  const id = key.id ?? nextId(keys, key.type);
  if (keys.some((k) => k.id === id)) throw new KeyChangeError(`issuer ${issuer.slug} already has a key ${id}`);

  const at = now.toISOString();
  const updated = keys.map((k) =>
    k.type === key.type && k.status === 'active' ? { ...k, status: 'retired' as const, retiredAt: at } : k,
  );
  updated.push({
    id,
    type: key.type,
    keyRef: key.keyRef,
    ...(key.publicKeyMultibase ? { publicKeyMultibase: key.publicKeyMultibase } : {}),
    ...(key.publicKeyJwk ? { publicKeyJwk: key.publicKeyJwk } : {}),
    status: 'active',
    createdAt: at,
  });
  return withKeys(issuer, updated);
};

const findKey = (issuer: Issuer, id: string): IssuerKey => {
  const key = issuerKeys(issuer).find((k) => k.id === id);
  if (!key) throw new PermanentError('ISSUER.KEY_NOT_FOUND', `issuer ${issuer.slug} has no key ${id}`, { status: 404 });
  return key;
};

/**
 * Stops a key signing anything new while keeping it published. The issuer's only active Ed25519 key cannot be
 * retired (nothing could be issued): rotate to a new one instead. An RSA key can be, which turns off the VC-JWT form.
 */
export const retireKey = <T extends Issuer>(issuer: T, id: string, now: Date): T => {
  const key = findKey(issuer, id);
  if (key.status !== 'active') throw new KeyChangeError(`key ${id} is already ${key.status}`);
  if (key.type === 'Multikey') {
    throw new KeyChangeError(`key ${id} is the active Ed25519 key: rotate to a new key instead (issuer rotate-key)`);
  }
  return withKeys(
    issuer,
    issuerKeys(issuer).map((k) =>
      k.id === id ? { ...k, status: 'retired' as const, retiredAt: now.toISOString() } : k,
    ),
  );
};

/**
 * Unpublishes a retired key: it leaves the DID document and the JWKS, and every credential it signed stops
 * verifying. For a compromised key. The record keeps it, marked revoked, for the audit trail.
 */
export const revokeKey = <T extends Issuer>(issuer: T, id: string, now: Date): T => {
  const key = findKey(issuer, id);
  if (key.status === 'active') throw new KeyChangeError(`key ${id} is active: rotate (or retire) it first`);
  if (key.status === 'revoked') throw new KeyChangeError(`key ${id} is already revoked`);
  return withKeys(
    issuer,
    issuerKeys(issuer).map((k) =>
      k.id === id ? { ...k, status: 'revoked' as const, revokedAt: now.toISOString() } : k,
    ),
  );
};
