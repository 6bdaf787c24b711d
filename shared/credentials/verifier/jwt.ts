import { compactVerify, decodeProtectedHeader, errors as joseErrors, type ProtectedHeaderParameters } from 'jose';
import { CONTEXTS } from '../context-urls.ts';
import {
  DocumentUnavailableError,
  KeyResolutionError,
  publicKeyFromJwk,
  type ResolvedKey,
  resolveVerificationMethod,
} from './keys.ts';
import { fail, pass } from './structure.ts';
import type { Check, VerifierHooks } from './types.ts';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The signature algorithms a VC-JWT may use here: RS256 (1EdTech's minimum), ES256/ES384, EdDSA, and RSA kin. */
export const JWT_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'EdDSA',
  'Ed25519',
];
/** `typ` values of a credential JWT: VC 1.1 style (`JWT`), VC-JOSE-COSE (`vc+jwt`), and older drafts. */
const CREDENTIAL_TYPS = new Set(['JWT', 'vc+jwt', 'vc+ld+json+jwt', 'application/vc+jwt']);

export const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** JWT claims that are not credential properties: stripped from a VC-JOSE-COSE payload to get the credential. */
const REGISTERED = ['iss', 'sub', 'aud', 'nbf', 'exp', 'iat', 'jti', 'cnf', 'nonce'];

export interface DecodedJwt {
  header: ProtectedHeaderParameters;
  /** The JWT claims set, as signed. */
  payload: Json;
  /** The credential it carries: the payload itself (VC-JOSE-COSE), or its `vc` claim completed from the claims. */
  credential: Json;
  /** `vc-claim` (VC 1.1 JWT, `typ: JWT`) or `payload` (VC 2.0, `typ: vc+jwt`). */
  style: 'vc-claim' | 'payload';
}

const seconds = (iso: unknown) => (typeof iso === 'string' ? Math.floor(Date.parse(iso) / 1000) : Number.NaN);
const isoOf = (epoch: unknown) =>
  typeof epoch === 'number' ? new Date(epoch * 1000).toISOString().replace('.000Z', 'Z') : undefined;

/**
 * A VC 1.1 JWT moves some credential properties into claims; this puts them back (VC-JWT 1.1 §"JWT decoding"):
 * `iss` → issuer, `jti` → id, `sub` → credentialSubject.id, `nbf` → issuanceDate, `exp` → expirationDate.
 */
const fromVcClaim = (payload: Json, vc: Json): Json => {
  const credential: Json = structuredClone(vc);
  if (credential.issuer === undefined && typeof payload.iss === 'string') credential.issuer = payload.iss;
  if (credential.id === undefined && typeof payload.jti === 'string') credential.id = payload.jti;
  const subject = credential.credentialSubject;
  if (isObject(subject) && subject.id === undefined && typeof payload.sub === 'string') subject.id = payload.sub;
  const v2 = [credential['@context']].flat()[0] === CONTEXTS.credentialsV2;
  const from = v2 ? 'validFrom' : 'issuanceDate';
  const until = v2 ? 'validUntil' : 'expirationDate';
  if (credential[from] === undefined && isoOf(payload.nbf)) credential[from] = isoOf(payload.nbf);
  if (credential[until] === undefined && isoOf(payload.exp)) credential[until] = isoOf(payload.exp);
  return credential;
};

/** Decodes a compact VC-JWT without verifying it; throws on anything that is not one. */
export const decodeCredentialJwt = (jwt: string): DecodedJwt => {
  if (!COMPACT_JWS.test(jwt)) throw new Error('not a compact JWS');
  const header = decodeProtectedHeader(jwt);
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8'));
  } catch {
    throw new Error('the JWT payload is not JSON');
  }
  if (!isObject(payload)) throw new Error('the JWT payload is not a JSON object');
  if (isObject(payload.vc)) return { header, payload, credential: fromVcClaim(payload, payload.vc), style: 'vc-claim' };
  if (payload['@context'] !== undefined) {
    const credential = Object.fromEntries(Object.entries(payload).filter(([k]) => !REGISTERED.includes(k)));
    return { header, payload, credential, style: 'payload' };
  }
  throw new Error('the JWT carries no credential (neither a vc claim nor a credential payload)');
};

const fetchJwkAt = async (kid: string, hooks: VerifierHooks): Promise<ResolvedKey> => {
  if (!hooks.fetchJson) throw new DocumentUnavailableError(`no HTTPS fetcher is configured to dereference ${kid}`);
  const url = new URL(kid);
  const fragment = url.hash.slice(1);
  let doc: unknown;
  try {
    doc = await hooks.fetchJson(`${url.origin}${url.pathname}${url.search}`);
  } catch (e) {
    throw new DocumentUnavailableError(`${kid} could not be fetched: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (isObject(doc) && typeof doc.kty === 'string') {
    return { id: kid, controller: kid, publicKey: publicKeyFromJwk(doc), source: 'jwk-url' };
  }
  if (isObject(doc) && Array.isArray(doc.keys)) {
    const keys = doc.keys.filter(isObject);
    const jwk =
      keys.find((k) => k.kid === kid || (fragment !== '' && k.kid === fragment)) ??
      (keys.length === 1 ? keys[0] : undefined);
    if (!jwk) throw new KeyResolutionError(`the JWK Set at ${url.origin}${url.pathname} has no key ${kid}`);
    return { id: kid, controller: kid, publicKey: publicKeyFromJwk(jwk), source: 'jwk-url' };
  }
  // Otherwise it may be a verification method or controller document, as for a Data Integrity proof.
  return resolveVerificationMethod(kid, hooks);
};

/**
 * The key a JWT names: `kid` as a DID URL (through its DID document), as an HTTPS URL (a bare JWK, a JWK Set or a
 * controller document), or as a bare fragment of the issuer's DID; else its own `jwk` header (self-asserted).
 */
export const resolveJwtKey = async (
  header: ProtectedHeaderParameters,
  hooks: VerifierHooks,
  iss?: unknown,
): Promise<ResolvedKey> => {
  const kid = header.kid;
  if (typeof kid === 'string' && kid.length > 0) {
    if (kid.startsWith('did:')) return resolveVerificationMethod(kid, hooks);
    if (kid.startsWith('https://')) return fetchJwkAt(kid, hooks);
    if (typeof iss === 'string' && iss.startsWith('did:') && !/^[a-z][a-z0-9+.-]*:/i.test(kid)) {
      return resolveVerificationMethod(`${iss}#${kid.replace(/^#/, '')}`, hooks);
    }
    if (header.jwk === undefined)
      throw new KeyResolutionError(`the JWT kid ${kid} is neither a DID URL nor an HTTPS URL`);
  }
  if (header.jwk !== undefined) {
    return {
      id: 'jwk',
      controller: '',
      publicKey: publicKeyFromJwk(header.jwk),
      source: 'self-asserted',
      note: 'taken from the JWT’s own jwk header',
    };
  }
  throw new KeyResolutionError('the JWT names no key (neither kid nor jwk)');
};

/** Verifies the JWS signature with `key`; returns a reason on failure. */
export const verifyJwsSignature = async (jwt: string, key: ResolvedKey): Promise<string | undefined> => {
  try {
    await compactVerify(jwt, key.publicKey, { algorithms: JWT_ALGORITHMS });
    return undefined;
  } catch (e) {
    if (e instanceof joseErrors.JWSSignatureVerificationFailed) return 'signature does not match';
    if (e instanceof joseErrors.JOSEAlgNotAllowed)
      return `algorithm ${String(decodeProtectedHeader(jwt).alg)} is not allowed`;
    return e instanceof Error ? e.message : String(e);
  }
};

const issuerIdOf = (credential: Json): unknown =>
  isObject(credential.issuer) ? credential.issuer.id : credential.issuer;
const subjectIdOf = (credential: Json): unknown =>
  isObject(credential.credentialSubject) ? credential.credentialSubject.id : undefined;

/**
 * The JWT's claims agree with the credential it carries: `iss` = issuer id, `jti` = credential id, `sub` = subject
 * id, `nbf` = validFrom (issuanceDate), `exp` = validUntil (expirationDate), each when present; and `typ`, if set,
 * names a credential.
 */
export const checkJwtClaims = (decoded: DecodedJwt): Check => {
  const { header, payload, credential } = decoded;
  const v2 = [credential['@context']].flat()[0] === CONTEXTS.credentialsV2;
  const problems: string[] = [];
  if (header.typ !== undefined && !CREDENTIAL_TYPS.has(header.typ))
    problems.push(`typ ${header.typ} is not a credential's`);
  const same = (claim: string, value: unknown, what: string) => {
    if (payload[claim] !== undefined && payload[claim] !== value)
      problems.push(`${claim} ${JSON.stringify(payload[claim])} is not the ${what}`);
  };
  same('iss', issuerIdOf(credential), 'issuer id');
  same('jti', credential.id, 'credential id');
  same('sub', subjectIdOf(credential), 'subject id');
  const dates: [string, string][] = [
    ['nbf', v2 ? 'validFrom' : 'issuanceDate'],
    ['exp', v2 ? 'validUntil' : 'expirationDate'],
  ];
  for (const [claim, field] of dates) {
    const value = payload[claim];
    if (value === undefined) continue;
    if (typeof value !== 'number') problems.push(`${claim} is not a NumericDate`);
    else if (value !== seconds(credential[field])) problems.push(`${claim} is not the ${field}`);
  }
  return problems.length ? fail('claims', problems.join('; ')) : pass('claims');
};
