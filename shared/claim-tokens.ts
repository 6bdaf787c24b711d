import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
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

const macOf = async (key: ClaimKey, message: string) => Buffer.from(await key.mac(message)).toString('base64url');

/** Constant-time comparison of two base64url strings. */
const sameText = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

const CREDENTIAL_ID = /^[A-Za-z0-9-]{1,64}$/;

/**
 * The unsubscribe token of a credential's reminders: `<credentialId>.<HMAC(claim key, "unsubscribe.<id>")>`. Signed,
 * so nobody can stop another learner's reminders by guessing ids; stable, so every reminder carries the same one.
 */
export const unsubscribeToken = async (key: ClaimKey, credentialId: string): Promise<string> =>
  `${credentialId}.${await macOf(key, `unsubscribe.${credentialId}`)}`;

/** The credential id an unsubscribe token stands for, or undefined when it is not one we signed. */
export const readUnsubscribeToken = async (key: ClaimKey, token: string): Promise<string | undefined> => {
  const [id, mac, extra] = token.split('.');
  if (!id || !mac || extra !== undefined || !CREDENTIAL_ID.test(id)) return undefined;
  return sameText(mac, await macOf(key, `unsubscribe.${id}`)) ? id : undefined;
};

/**
 * Proof that this browser claimed a credential (a cookie set on accept): `<id>.<expires epoch s>.<HMAC>`. It lets the
 * learner, and only the learner, ask for wallet offers of a credential whose page is public.
 */
export const ownerToken = async (key: ClaimKey, credentialId: string, expiresAt: Date): Promise<string> => {
  const exp = Math.floor(expiresAt.getTime() / 1000);
  return `${credentialId}.${exp}.${await macOf(key, `owner.${credentialId}.${exp}`)}`;
};

/** The credential id an owner token proves, if it is ours, for `credentialId`, and not expired at `now`. */
export const readOwnerToken = async (
  key: ClaimKey,
  token: string,
  credentialId: string,
  now: Date,
): Promise<boolean> => {
  const [id, exp, mac, extra] = token.split('.');
  if (!id || !exp || !mac || extra !== undefined || id !== credentialId || !/^\d{1,12}$/.test(exp)) return false;
  if (Number(exp) * 1000 <= now.getTime()) return false;
  return sameText(mac, await macOf(key, `owner.${id}.${exp}`));
};

/** The owner cookie's name. */
export const OWNER_COOKIE = 'laurel_owner';
