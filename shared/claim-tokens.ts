import { createHash, randomBytes } from 'node:crypto';
import type { ClaimKey } from './adapters/claim-key.ts';

/** A fresh per-link nonce; a resend mints a new one, and with it a new token. */
export const newClaimNonce = () => randomBytes(16).toString('base64url');

/**
 * A claim token is HMAC(claim key, `<credentialId>.<nonce>`): 256 unguessable bits that award can hash into the
 * table and notify can re-derive for the email, so the token itself never rests anywhere or rides the event bus.
 */
export const deriveClaimToken = async (key: ClaimKey, credentialId: string, nonce: string): Promise<string> =>
  Buffer.from(await key.mac(`${credentialId}.${nonce}`)).toString('base64url');

/** Only this hash is stored. */
export const hashClaimToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** Tokens are 43 base64url characters; anything else is rejected before touching the table. */
export const isWellFormedClaimToken = (token: string) => /^[A-Za-z0-9_-]{43}$/.test(token);
