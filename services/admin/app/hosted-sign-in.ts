import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { HttpError } from '#shared/runtime/errors.ts';
import type { AuthorizedRequest } from '#shared/runtime/jwt-auth.ts';
import type { HostedUi } from '../adapters/hosted-ui.cognito.ts';

export interface HostedSignInDeps {
  hostedUi: HostedUi;
  /** The console's session verifier (shared/runtime/jwt-auth.ts: the pool's JWKS, issuer, audience, `token_use`). */
  verify: (headers: Record<string, string | undefined>) => Promise<AuthorizedRequest | undefined>;
}

export interface HostedSignInStart {
  /** Where to send the browser. */
  location: string;
  /** Kept by the browser (a short-lived cookie) and compared on the way back. */
  state: string;
  /** The PKCE secret, kept the same way; only its S256 hash travels to the hosted UI. */
  codeVerifier: string;
}

/** 32 random bytes, base64url: 43 characters, within RFC 7636's 43–128 for a verifier. */
const secret = () => randomBytes(32).toString('base64url');
const SECRET = /^[A-Za-z0-9_-]{43}$/;

const same = (a: string, b: string) =>
  a.length === b.length && timingSafeEqual(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

const refused = (message: string) => new HttpError(401, 'AUTH.SIGN_IN_REFUSED', message);

/**
 * The console's sign-in in AWS: Cognito's hosted UI, authorization code with PKCE.
 *
 * start: 1. Make a state and a PKCE verifier. 2. Point the browser at the hosted UI with the state and the verifier's
 * S256 challenge.
 * finish: 1. The state that came back must equal the one the browser kept (else a forged or replayed callback).
 * 2. Trade the code and verifier for an ID token. 3. Verify it exactly as every later request will (signature by the
 * pool's JWKS, issuer, audience = the console client, `token_use` = id, times). 4. Hand back the token as the session.
 */
export const makeHostedSignIn = ({ hostedUi, verify }: HostedSignInDeps) => ({
  start: (): HostedSignInStart => {
    const state = secret();
    const codeVerifier = secret();
    const codeChallenge = createHash('sha256').update(codeVerifier).digest('base64url');
    return { location: hostedUi.authorizeUrl({ state, codeChallenge }), state, codeVerifier };
  },

  /** Sign-out: the hosted UI's logout, which then lands on the console. */
  logoutUrl: () => hostedUi.logoutUrl(),

  finish: async (input: {
    code: string | undefined;
    state: string | undefined;
    keptState: string | undefined;
    keptVerifier: string | undefined;
  }): Promise<{ token: string; expiresAt: string }> => {
    const { code, state, keptState, keptVerifier } = input;
    if (!state || !keptState || !SECRET.test(keptState) || !same(state, keptState))
      throw refused('this sign-in did not start here, or it expired; please sign in again');
    if (!keptVerifier || !SECRET.test(keptVerifier)) throw refused('the sign-in expired; please sign in again');
    if (!code || code.length > 512) throw refused('the sign-in came back without a code; please sign in again');
    const { idToken } = await hostedUi.exchangeCode({ code, codeVerifier: keptVerifier });
    const verified = await verify({ authorization: `Bearer ${idToken}` });
    const exp = Number(verified?.claims.exp);
    if (!verified || !Number.isFinite(exp)) throw refused('the identity token was not valid for this console');
    return { token: idToken, expiresAt: new Date(exp * 1000).toISOString() };
  },
});

export type HostedSignIn = ReturnType<typeof makeHostedSignIn>;
