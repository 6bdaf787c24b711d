import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { LocalOAuth } from '#shared/adapters/oauth.local.ts';
import { VC_API_ISSUE_SCOPE } from '#shared/runtime/access-token.ts';

/** What the local API writes back for a local-only route. */
export interface LocalResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/** Seconds a local access token lives; Cognito's app clients are configured the same (1 hour). */
export const LOCAL_TOKEN_TTL_SECONDS = 3600;

const reply = (statusCode: number, body: unknown, headers: Record<string, string> = {}): LocalResponse => ({
  statusCode,
  // RFC 6749 §5.1: token responses must not be cached.
  headers: { 'content-type': 'application/json', 'cache-control': 'no-store', pragma: 'no-cache', ...headers },
  body: JSON.stringify(body),
});

const oauthError = (statusCode: number, error: string, description: string, headers?: Record<string, string>) =>
  reply(statusCode, { error, error_description: description }, headers);

/**
 * Local mode's OAuth 2.0 token endpoint (`POST /oauth/token`), standing in for Cognito's `/oauth2/token`: the
 * client-credentials grant only (RFC 6749 §4.4), client authentication by HTTP Basic or by `client_id` /
 * `client_secret` in the form body (§2.3.1), and Cognito-shaped access tokens (RS256; `client_id`, `scope`,
 * `token_use: access`), so the issue service verifies them with the same code as in AWS.
 */
export const makeTokenEndpoint =
  (opts: { oauth: LocalOAuth; issuer: string; now?: () => Date }) =>
  async (req: { headers: Record<string, string | undefined>; body: Buffer }): Promise<LocalResponse> => {
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/x-www-form-urlencoded') {
      return oauthError(400, 'invalid_request', 'send the request as application/x-www-form-urlencoded');
    }
    const form = new URLSearchParams(req.body.toString('utf8'));

    let clientId = form.get('client_id') ?? undefined;
    let clientSecret = form.get('client_secret') ?? undefined;
    const basic = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(req.headers.authorization ?? '');
    if (basic?.[1]) {
      const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 0 || clientSecret !== undefined) {
        return oauthError(400, 'invalid_request', 'use one client authentication method');
      }
      clientId = decodeURIComponent(decoded.slice(0, colon));
      clientSecret = decodeURIComponent(decoded.slice(colon + 1));
    }
    if (!clientId || !clientSecret || !(await opts.oauth.authenticate(clientId, clientSecret))) {
      return oauthError(401, 'invalid_client', 'unknown client or wrong secret', {
        'www-authenticate': 'Basic realm="laurel"',
      });
    }
    if (form.get('grant_type') !== 'client_credentials') {
      return oauthError(400, 'unsupported_grant_type', 'only client_credentials is supported');
    }
    const requested = (form.get('scope') ?? VC_API_ISSUE_SCOPE).split(' ').filter(Boolean);
    if (requested.some((s) => s !== VC_API_ISSUE_SCOPE)) {
      return oauthError(400, 'invalid_scope', `the only scope is ${VC_API_ISSUE_SCOPE}`);
    }

    const { privateKey, jwk } = await opts.oauth.signingKey();
    const now = Math.floor((opts.now?.() ?? new Date()).getTime() / 1000);
    const token = await new SignJWT({
      client_id: clientId,
      scope: VC_API_ISSUE_SCOPE,
      token_use: 'access',
    })
      .setProtectedHeader({ alg: 'RS256', kid: jwk.kid as string, typ: 'JWT' })
      .setIssuer(opts.issuer)
      .setSubject(clientId)
      .setIssuedAt(now)
      .setExpirationTime(now + LOCAL_TOKEN_TTL_SECONDS)
      .setJti(randomUUID())
      .sign(privateKey);
    return reply(200, { access_token: token, token_type: 'Bearer', expires_in: LOCAL_TOKEN_TTL_SECONDS });
  };
