import { isDateTimeStamp } from './date-time.ts';

/**
 * The VC-JWT form of a credential, as Open Badges 3.0 (§ "JSON Web Token Proof Format") binds it: a compact JWS
 * signed RS256, header `{alg: "RS256", typ: "JWT", kid}` where `kid` is a URL that dereferences to the bare public
 * JWK, and a payload carrying the credential in the `vc` claim next to the registered claims that restate it:
 * `iss` (issuer id), `jti` (credential id), `nbf` (validFrom), `exp` (validUntil, when set) and `sub`
 * (credentialSubject.id, when the subject has one).
 *
 * Why the `vc` claim: it is what 1EdTech's validator reads first and what its `simple.jwt` fixture carries; the
 * newer OB text also lets the payload be the credential itself (the validator falls back to that), but the
 * credential inside `vc` stays byte-for-byte the signed document, so its embedded eddsa-rdfc-2022 proof verifies
 * too, whereas JWT claims mixed into the document would break that proof, and `jti` is no term of the published
 * OB 3.0.3 context.
 *
 * Why no `sub` without a subject id: OB says `sub` is `credentialSubject.id`; Laurel's subjects are identified by a
 * salted email hash until a wallet binds a DID, and inventing a value would assert an identifier the credential
 * does not hold (RFC 7519 makes `sub` optional).
 */

export type JsonObject = Record<string, unknown>;

/** Media types the credential URL answers with the VC-JWT form. */
export const VC_JWT_MEDIA_TYPES = ['application/vc+jwt', 'application/jwt'] as const;

export interface VcJwtClaims {
  iss: string;
  jti?: string;
  sub?: string;
  nbf: number;
  exp?: number;
  vc: JsonObject;
}

export interface VcJwtHeader {
  alg: 'RS256';
  typ: 'JWT';
  kid: string;
}

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const seconds = (dateTime: string) => Math.floor(Date.parse(dateTime) / 1000);

export class VcJwtError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VcJwtError';
  }
}

/** The JWT claims restating `credential`; throws when it lacks what they require (an issuer id and validFrom). */
export const vcJwtClaims = (credential: JsonObject): VcJwtClaims => {
  const issuer = isObject(credential.issuer) ? credential.issuer.id : credential.issuer;
  if (typeof issuer !== 'string' || !issuer) throw new VcJwtError('the credential has no issuer id (iss)');
  if (!isDateTimeStamp(credential.validFrom)) throw new VcJwtError('the credential has no validFrom (nbf)');
  if (credential.validUntil !== undefined && !isDateTimeStamp(credential.validUntil)) {
    throw new VcJwtError('validUntil is not a dateTime (exp)');
  }
  const subjects = Array.isArray(credential.credentialSubject)
    ? credential.credentialSubject
    : [credential.credentialSubject];
  const subjectIds = subjects.map((s) => (isObject(s) ? s.id : undefined)).filter((id) => typeof id === 'string');
  return {
    iss: issuer,
    ...(typeof credential.id === 'string' ? { jti: credential.id } : {}),
    // One subject with an id: `sub`. Several subjects cannot be one `sub`, so none is claimed.
    ...(subjectIds.length === 1 && subjects.length === 1 ? { sub: subjectIds[0] as string } : {}),
    nbf: seconds(credential.validFrom),
    ...(typeof credential.validUntil === 'string' ? { exp: seconds(credential.validUntil) } : {}),
    vc: credential,
  };
};

const b64url = (bytes: Uint8Array | string) => Buffer.from(bytes).toString('base64url');

/**
 * Encodes `credential` as a VC-JWT signed by `sign` (RS256 over the ASCII signing input; the JwtSigner port).
 * Deterministic for a given credential and key: RSASSA-PKCS1-v1_5 has no randomness and no `iat` is added, so the
 * same credential always yields the same JWT, which is what makes signing on demand cacheable.
 */
export const signVcJwt = async (
  credential: JsonObject,
  options: { kid: string },
  sign: (signingInput: Uint8Array) => Promise<Uint8Array>,
): Promise<string> => {
  const header: VcJwtHeader = { alg: 'RS256', typ: 'JWT', kid: options.kid };
  const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(vcJwtClaims(credential)))}`;
  const signature = await sign(Buffer.from(signingInput, 'ascii'));
  return `${signingInput}.${b64url(signature)}`;
};

/** The parts of a compact JWS, decoded but NOT verified (for display and routing only). */
export const decodeJwtUnverified = (jwt: string): { header: JsonObject; payload: JsonObject } => {
  const [header, payload, signature, ...rest] = jwt.split('.');
  if (!header || !payload || signature === undefined || rest.length) throw new VcJwtError('not a compact JWS');
  const parse = (part: string) => {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    if (!isObject(value)) throw new VcJwtError('a JWS part is not a JSON object');
    return value;
  };
  return { header: parse(header), payload: parse(payload) };
};
