import type { Issuer } from '#shared/tables/app-table.ts';
import { CONTEXTS } from './context-urls.ts';
import { rawPublicKeyFromMultibase } from './multikey.ts';

/** A Multikey verification method as Laurel publishes it. */
export type MultikeyVerificationMethod = {
  id: string;
  type: 'Multikey';
  controller: string;
  publicKeyMultibase: string;
};

/**
 * The DID documents Laurel writes (did:web) and resolves locally (did:key). A type alias, not an interface, so it
 * stays assignable to `Record<string, unknown>` (JSON bodies, resolver results).
 */
export type DidDocument = {
  '@context': string[];
  id: string;
  verificationMethod: MultikeyVerificationMethod[];
  authentication: string[];
  assertionMethod: string[];
  capabilityInvocation?: string[];
  capabilityDelegation?: string[];
};

/**
 * The issuer's did:web: `did:web:<host>[%3A<port>][:<base path segments>]:issuers:<slug>`, so that resolving it
 * (`didWebToUrl`) lands on `<baseUrl>/issuers/<slug>/did.json`, the route that serves `didDocument`.
 */
export const didWebFor = (baseUrl: string, slug: string): string => {
  const url = new URL(baseUrl);
  if (url.protocol !== 'https:') throw new Error(`did:web needs an https base URL, got ${baseUrl}`);
  // did:web percent-encodes the port colon, because a bare colon separates path segments.
  const host = url.port ? `${url.hostname}%3A${url.port}` : url.hostname;
  const segments = [...url.pathname.split('/').filter(Boolean), 'issuers', slug].map((s) =>
    encodeURIComponent(decodeURIComponent(s)),
  );
  return ['did:web', host, ...segments].join(':');
};

/** The HTTPS URL of a did:web's DID document (did:web always resolves over HTTPS, local mode included). */
export const didWebToUrl = (did: string): string => {
  if (!did.startsWith('did:web:')) throw new Error(`not a did:web: ${did}`);
  if (/[/?#]/.test(did)) throw new Error(`a DID, not a DID URL, is needed: ${did}`);
  const [host = '', ...segments] = did.slice('did:web:'.length).split(':');
  const authority = decodeURIComponent(host);
  const url = URL.parse(`https://${authority}`);
  // Anything that parses into more than host[:port] (userinfo, a path) would send the resolver somewhere else.
  if (!url?.hostname || url.pathname !== '/' || url.username || authority.includes('@')) {
    throw new Error(`invalid did:web host: ${did}`);
  }
  const path = segments.length
    ? `/${segments.map((s) => encodeURIComponent(decodeURIComponent(s))).join('/')}`
    : '/.well-known';
  return `${url.origin}${path}/did.json`;
};

/** `<did>#<fragment>`: the id of a verification method, and what a proof names as its `verificationMethod`. */
export const verificationMethodId = (did: string, keyFragment: string): string => `${did}#${keyFragment}`;

/** An RSA key published as a `JsonWebKey` verification method (the VC-JWT form's key). */
export type JsonWebKeyVerificationMethod = {
  id: string;
  type: 'JsonWebKey';
  controller: string;
  publicKeyJwk: { kty: 'RSA'; n: string; e: string };
};

/** An issuer's did:web document: its Ed25519 Multikeys and RSA JsonWebKeys, current and retired. */
export type IssuerDidDocument = Omit<DidDocument, 'verificationMethod'> & {
  verificationMethod: (MultikeyVerificationMethod | JsonWebKeyVerificationMethod)[];
};

/**
 * The did:web document of an issuer: every published key (active or retired; revoked ones are left out, so what
 * they signed stops verifying), each usable for assertions. The Ed25519 keys also serve authentication.
 * A record written before key rotation has one Ed25519 key (`keyFragment`, `publicKeyMultibase`).
 */
export const didDocument = (
  issuer: Pick<Issuer, 'keyFragment' | 'publicKeyMultibase'> & Partial<Pick<Issuer, 'keys'>>,
  did: string,
): IssuerDidDocument => {
  const published = (
    issuer.keys ?? [
      {
        id: issuer.keyFragment,
        type: 'Multikey' as const,
        publicKeyMultibase: issuer.publicKeyMultibase,
        status: 'active',
      },
    ]
  ).filter((k) => k.status !== 'revoked');
  const methods = published.flatMap((k): IssuerDidDocument['verificationMethod'] => {
    const id = verificationMethodId(did, k.id);
    if (k.type === 'Multikey' && k.publicKeyMultibase) {
      return [{ id, type: 'Multikey', controller: did, publicKeyMultibase: k.publicKeyMultibase }];
    }
    if (k.type === 'JsonWebKey' && 'publicKeyJwk' in k && k.publicKeyJwk) {
      const { kty, n, e } = k.publicKeyJwk;
      return [{ id, type: 'JsonWebKey', controller: did, publicKeyJwk: { kty, n, e } }];
    }
    return [];
  });
  const jwk = methods.some((m) => m.type === 'JsonWebKey');
  return {
    '@context': [CONTEXTS.didV1, CONTEXTS.multikeyV1, ...(jwk ? [CONTEXTS.jwkV1] : [])],
    id: did,
    verificationMethod: methods,
    authentication: methods.filter((m) => m.type === 'Multikey').map((m) => m.id),
    assertionMethod: methods.map((m) => m.id),
  };
};

/** did:key for an Ed25519 Multikey: the DID and its one verification method (`did:key:z6Mk…#z6Mk…`). */
export const didKeyFor = (publicKeyMultibase: string): { did: string; verificationMethod: string } => {
  rawPublicKeyFromMultibase(publicKeyMultibase);
  const did = `did:key:${publicKeyMultibase}`;
  return { did, verificationMethod: verificationMethodId(did, publicKeyMultibase) };
};

/**
 * Resolves an Ed25519 did:key locally (the DID is the key, so there is nothing to fetch). Only the Multikey form is
 * produced; the optional X25519 key-agreement key is left out because credentials never need it.
 */
export const didKeyDocument = (did: string): DidDocument => {
  if (!did.startsWith('did:key:') || /[/?#]/.test(did)) throw new Error(`not a did:key: ${did}`);
  const publicKeyMultibase = did.slice('did:key:'.length);
  const { verificationMethod: id } = didKeyFor(publicKeyMultibase);
  return {
    '@context': [CONTEXTS.didV1, CONTEXTS.multikeyV1],
    id: did,
    verificationMethod: [{ id, type: 'Multikey', controller: did, publicKeyMultibase }],
    authentication: [id],
    assertionMethod: [id],
    capabilityInvocation: [id],
    capabilityDelegation: [id],
  };
};
