import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { decoyHash, type LocalUser, verifyPassword } from '#shared/adapters/local-users.ts';
import { LOCAL_SESSION, type SessionKey } from '#shared/adapters/session-key.local.ts';
import { HttpError } from '#shared/runtime/errors.ts';
import type { Clock } from './ports.ts';

export interface SignInDeps {
  /** The local users (read per sign-in, so a changed file needs no restart). */
  users: () => Promise<LocalUser[]>;
  key: SessionKey;
  issuer: string;
  clock: Clock;
}

const wrong = () => new HttpError(401, 'AUTH.INVALID', 'the email or the password is wrong');

/**
 * Local mode's sign-in: email and password in, a short-lived EdDSA JWT out, shaped like a Cognito ID token (`sub`,
 * `email`, `cognito:groups`), so the local API verifies it as API Gateway verifies Cognito's and the handler reads
 * the same claims in both modes.
 *
 * 1. Find the user; an unknown email is checked against a decoy hash, so timing does not reveal who exists.
 * 2. Verify the scrypt hash in constant time. 3. Sign the token for an hour.
 */
export const makeSignIn = ({ users, key, issuer, clock }: SignInDeps) => {
  return async (email: string, password: string) => {
    const user = (await users()).find((u) => u.email.toLowerCase() === email.trim().toLowerCase());
    const ok = await verifyPassword(password, user?.passwordHash ?? (await decoyHash()));
    if (!user || !ok) throw wrong();
    const now = Math.floor(clock.now().getTime() / 1000);
    const expiresAt = now + LOCAL_SESSION.ttlSeconds;
    const token = await new SignJWT({ email: user.email, 'cognito:groups': user.groups, token_use: 'id' })
      .setProtectedHeader({ alg: LOCAL_SESSION.algorithm, typ: 'JWT' })
      .setSubject(user.sub)
      .setIssuer(issuer)
      .setAudience(LOCAL_SESSION.audience)
      .setIssuedAt(now)
      .setExpirationTime(expiresAt)
      .setJti(randomUUID())
      .sign(key.privateKey);
    return {
      token,
      tokenType: 'Bearer',
      expiresAt: new Date(expiresAt * 1000).toISOString(),
      user: { email: user.email, groups: user.groups },
    };
  };
};
