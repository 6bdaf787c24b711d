/**
 * Signs credential proofs with an issuer's Ed25519 key, wherever it lives (KMS in AWS, a PEM file in local mode).
 * The private key never leaves the adapter: callers hand over bytes and get a signature back.
 */
export interface Signer {
  /**
   * Pure Ed25519 (RFC 8032, not Ed25519ph) signature of `data` with the key `keyRef` (a KMS key id/ARN, or
   * `local:<name>`); 64 bytes.
   */
  sign(keyRef: string, data: Uint8Array): Promise<Uint8Array>;
  /** The key's public half as a Multikey `publicKeyMultibase` (`z6Mk…`), for the issuer's DID document. */
  publicKeyMultibase(keyRef: string): Promise<string>;
}
