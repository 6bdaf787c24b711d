import { z } from 'zod';
import { HttpError } from '#shared/runtime/errors.ts';

/** Where the console's app client signs in: the user pool's hosted UI, and our own callback and sign-out landing. */
export interface HostedUiSettings {
  /** The hosted UI's base URL, e.g. `https://laurel-123.auth.eu-west-1.amazoncognito.com`. */
  domainUrl: string;
  clientId: string;
  /** `https://<domain>/admin/callback`: one of the app client's callback URLs. */
  redirectUri: string;
  /** Where the hosted UI's logout lands: one of the app client's sign-out URLs. */
  logoutUri: string;
}

const tokenResponse = z.object({
  id_token: z.string().min(1),
  token_type: z.string(),
  expires_in: z.number().optional(),
});

/** The hosted UI as the console uses it; the only code that talks to the pool's OAuth 2.0 endpoints. */
export interface HostedUi {
  /** The authorize URL: code flow, PKCE (S256), our state, OpenID scopes. */
  authorizeUrl(input: { state: string; codeChallenge: string }): string;
  /** The logout URL, which ends the hosted UI's own session too, then lands on `logoutUri`. */
  logoutUrl(): string;
  /** Trades an authorization code (and the PKCE verifier) for the user's ID token at `/oauth2/token`. */
  exchangeCode(input: { code: string; codeVerifier: string }): Promise<{ idToken: string }>;
}

const TOKEN_TIMEOUT_MS = 5_000;

/**
 * Cognito's hosted UI over `fetch` (injected in tests: no test reaches the network). A public client (no secret):
 * PKCE is what binds the code to the browser that started the sign-in.
 */
export const makeHostedUi = (settings: HostedUiSettings, fetchImpl: typeof fetch = fetch): HostedUi => ({
  authorizeUrl: ({ state, codeChallenge }) => {
    const url = new URL('/oauth2/authorize', settings.domainUrl);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: settings.clientId,
      redirect_uri: settings.redirectUri,
      scope: 'openid email profile',
      state,
      code_challenge: codeChallenge,
      code_challenge_method: 'S256',
    }).toString();
    return url.toString();
  },
  logoutUrl: () => {
    const url = new URL('/logout', settings.domainUrl);
    url.search = new URLSearchParams({ client_id: settings.clientId, logout_uri: settings.logoutUri }).toString();
    return url.toString();
  },
  exchangeCode: async ({ code, codeVerifier }) => {
    const response = await fetchImpl(new URL('/oauth2/token', settings.domainUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: settings.clientId,
        code,
        redirect_uri: settings.redirectUri,
        code_verifier: codeVerifier,
      }).toString(),
      signal: AbortSignal.timeout(TOKEN_TIMEOUT_MS),
    });
    // 400 (`invalid_grant`: a used, expired or foreign code, or the wrong verifier) is the user's to retry.
    if (response.status === 400 || response.status === 401)
      throw new HttpError(401, 'AUTH.CODE_REFUSED', 'the sign-in code was refused; please sign in again');
    if (!response.ok) throw new Error(`token endpoint answered ${response.status}`);
    const parsed = tokenResponse.safeParse(await response.json());
    if (!parsed.success) throw new Error('token endpoint answered without an ID token');
    return { idToken: parsed.data.id_token };
  },
});
