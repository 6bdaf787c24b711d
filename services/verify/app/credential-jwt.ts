import { createHash } from 'node:crypto';
import type { JwtSigner } from '#shared/adapters/jwt-signer.ts';
import { activeKey, publishedKeys } from '#shared/credentials/issuer-keys.ts';
import { signVcJwt } from '#shared/credentials/vc-jwt.ts';
import { urls } from '#shared/routes/manifest.ts';
import { PermanentError } from '#shared/runtime/errors.ts';
import type { IssuerKey } from '#shared/tables/app-table.ts';
import type { VerifyStore } from './ports.ts';

export interface CredentialJwtDeps {
  store: Pick<VerifyStore, 'getCredential' | 'getIssuer'>;
  jwtSigner: JwtSigner;
  publicBaseUrl: string;
  /** How many signed JWTs one process keeps. @default 1000 */
  cacheSize?: number;
}

/** A published RSA key as a JWK, `kid` being the URL that serves it. */
export type PublishedJwk = { kty: 'RSA'; n: string; e: string; kid: string; alg: 'RS256'; use: 'sig' };

const notFound = (what: string) => new PermanentError('NOT_FOUND', `${what} not found`, { status: 404 });

/**
 * The VC-JWT form of stored credentials, signed on demand, and the keys that verify it.
 *
 * On demand rather than at issuance (DESIGN.md): most credentials are never fetched as a JWT, so award spends no
 * KMS call on a form nobody asks for; the JWT is always signed with the issuer's *current* RSA key, so retiring or
 * revoking an old one never strands a stored JWT; and RS256 plus a fixed payload is deterministic, so a per-process
 * cache (and any HTTP cache in front, via Cache-Control) serves repeats without signing again. The price is that
 * the verify function may `kms:Sign` with the RSA keys, and with nothing else.
 *
 * 1. Load the credential and its issuer; the issuer must have an active RSA key (else 406: no JWT form).
 * 2. Sign (or reuse) the JWT of the stored document, `kid` = `/issuers/{slug}/keys/{id}`.
 */
export const makeCredentialJwt = ({ store, jwtSigner, publicBaseUrl, cacheSize = 1000 }: CredentialJwtDeps) => {
  const links = urls(publicBaseUrl);
  const cache = new Map<string, Promise<string>>();

  const jwkOf = (slug: string, key: IssuerKey): PublishedJwk | undefined =>
    key.type === 'JsonWebKey' && key.publicKeyJwk
      ? { ...key.publicKeyJwk, kid: links.issuerKey(slug, key.id), alg: 'RS256', use: 'sig' }
      : undefined;

  const loadIssuer = async (slug: string) => {
    const issuer = await store.getIssuer(slug);
    if (!issuer) throw notFound('issuer');
    return issuer;
  };

  return {
    /** The credential as a compact JWS (RS256). */
    credentialJwt: async (id: string): Promise<string> => {
      const record = await store.getCredential(id);
      if (!record) throw notFound('credential');
      const issuer = await loadIssuer(record.issuerSlug);
      const key = activeKey(issuer, 'JsonWebKey');
      if (!key) {
        throw new PermanentError('CREDENTIAL.NO_JWT_FORM', 'this issuer publishes no VC-JWT key; ask for JSON', {
          status: 406,
        });
      }
      const digest = createHash('sha256').update(JSON.stringify(record.document)).digest('base64url');
      const cacheKey = `${id}|${key.keyRef}|${digest}`;
      let jwt = cache.get(cacheKey);
      if (!jwt) {
        jwt = signVcJwt(record.document, { kid: links.issuerKey(issuer.slug, key.id) }, (input) =>
          jwtSigner.signRs256(key.keyRef, input),
        ).catch((e: unknown) => {
          cache.delete(cacheKey);
          throw e;
        });
        // Oldest out first: a Map iterates in insertion order.
        if (cache.size >= cacheSize) cache.delete(cache.keys().next().value as string);
        cache.set(cacheKey, jwt);
      }
      return jwt;
    },

    /** Every published (active or retired) RSA key of the issuer, as a JWKS. */
    jwks: async (slug: string): Promise<{ keys: PublishedJwk[] }> => {
      const issuer = await loadIssuer(slug);
      return { keys: publishedKeys(issuer).flatMap((k) => jwkOf(slug, k) ?? []) };
    },

    /** One published RSA key as a bare JWK: what a VC-JWT's `kid` dereferences to. */
    jwk: async (slug: string, keyId: string): Promise<PublishedJwk> => {
      const issuer = await loadIssuer(slug);
      const key = publishedKeys(issuer).find((k) => k.id === keyId);
      const jwk = key && jwkOf(slug, key);
      if (!jwk) throw notFound('key');
      return jwk;
    },
  };
};
