import type { KeyObject } from 'node:crypto';
import { type JWTPayload, type JWTVerifyGetKey, jwtVerify } from 'jose';

/**
 * What API Gateway's HTTP API JWT authorizer does, for the places that must do it themselves (the local API in
 * local mode): take the bearer token from `Authorization`, check its signature, issuer, audience (`aud`, or
 * `client_id` for access tokens) and times, and hand the function the claims the way API Gateway does (every value a
 * string; arrays as `[a b]`). The function then reads them from `requestContext.authorizer.jwt.claims` in every mode.
 */

export interface JwtAuthorizerSettings {
  issuer: string;
  /** Accepted audiences (API Gateway's `audience` list). */
  audience: readonly string[];
  /** The verification key, or a key set (e.g. a JWKS). */
  key: KeyObject | JWTVerifyGetKey;
  algorithms: readonly string[];
  /** Cognito's `token_use` the token must carry (`id` for the console's sessions), when set. */
  tokenUse?: 'id' | 'access';
}

export interface AuthorizedRequest {
  claims: Record<string, string>;
  scopes: string[] | null;
}

/** The token of an `Authorization: Bearer <token>` header, if there is one. */
export const bearerToken = (headers: Record<string, string | undefined>): string | undefined => {
  const value = headers.authorization ?? headers.Authorization;
  const match = value === undefined ? null : /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(value.trim());
  return match?.[1];
};

/** API Gateway passes claims as strings: arrays become `[a b]`, objects JSON, numbers and booleans their text. */
export const gatewayClaims = (payload: JWTPayload): Record<string, string> =>
  Object.fromEntries(
    Object.entries(payload).map(([name, value]) => {
      if (Array.isArray(value)) return [name, `[${value.map(String).join(' ')}]`];
      if (typeof value === 'object' && value !== null) return [name, JSON.stringify(value)];
      return [name, String(value)];
    }),
  );

/**
 * An authorizer: undefined (the API answers 401) unless the request carries a valid token for these settings.
 * Never throws for a bad token.
 */
export const makeJwtAuthorizer =
  (settings: JwtAuthorizerSettings) =>
  async (headers: Record<string, string | undefined>): Promise<AuthorizedRequest | undefined> => {
    const token = bearerToken(headers);
    if (!token) return undefined;
    try {
      const { payload } = await jwtVerify(token, settings.key as KeyObject, {
        issuer: settings.issuer,
        algorithms: [...settings.algorithms],
        requiredClaims: ['exp'],
      });
      const audiences = [payload.aud ?? [], payload.client_id ?? []].flat().map(String);
      if (!audiences.some((a) => settings.audience.includes(a))) return undefined;
      if (settings.tokenUse && payload.token_use !== settings.tokenUse) return undefined;
      const scope = typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : null;
      return { claims: gatewayClaims(payload), scopes: scope };
    } catch {
      return undefined;
    }
  };
