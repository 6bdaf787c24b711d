import type { PublicRsaJwk } from '#shared/credentials/issuer-keys.ts';

/**
 * Signs the VC-JWT form of credentials with an issuer's RSA key, wherever it lives (KMS in AWS, a PEM file in local
 * mode). The private key never leaves the adapter.
 */
export interface JwtSigner {
  /**
   * RS256 (RSASSA-PKCS1-v1_5 with SHA-256) signature of a JWS signing input (`<header>.<payload>`, ASCII) with the
   * key `keyRef` (a KMS key id/ARN, or `local:<name>`).
   */
  signRs256(keyRef: string, signingInput: Uint8Array): Promise<Uint8Array>;
  /** The key's public half as an RSA JWK (`kty`, `n`, `e` only), for the JWKS and the DID document. */
  publicJwk(keyRef: string): Promise<PublicRsaJwk>;
}

/** An RSA public key (node:crypto, any encoding it accepts) as the bare `{kty, n, e}` JWK. */
export const rsaJwkOf = (jwk: { kty?: string; n?: string; e?: string }): PublicRsaJwk => {
  if (jwk.kty !== 'RSA' || !jwk.n || !jwk.e) throw new Error('not an RSA public key');
  return { kty: 'RSA', n: jwk.n, e: jwk.e };
};
