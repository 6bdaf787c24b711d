/**
 * Derives claim tokens: `mac(\`${credentialId}.${claimNonce}\`)`. A secret key (KMS HMAC key in AWS, a file in local
 * mode) means tokens can be recomputed for resend without ever being stored, logged or put on the bus.
 */
export interface ClaimKey {
  /** HMAC-SHA-256 of the UTF-8 bytes of `message`; 32 bytes. */
  mac(message: string): Promise<Uint8Array>;
}
