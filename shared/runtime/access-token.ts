import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  type JSONWebKeySet,
  type JWTVerifyGetKey,
  jwtVerify,
} from 'jose';
import { HttpError } from './errors.ts';

/**
 * OAuth 2.0 bearer access tokens (RFC 6750), verified in one place for every mode and every route that takes them:
 * Cognito's in AWS (client-credentials tokens of an app client, RS256, keys from the user pool's JWKS), the local
 * token endpoint's in local mode (the same claims, keys from the data folder). In AWS the HTTP API's JWT authorizer
 * has already checked the token; checking it again here keeps one code path, so local mode proves the same rules.
 */

/** `<resource server>/<scope>`: what a client needs to call `POST /credentials/issue`. */
export const VC_API_ISSUE_SCOPE = 'laurel/credentials.issue';
/** The Cognito resource server identifier and scope name, for CDK. */
export const VC_API_RESOURCE_SERVER = { identifier: 'laurel', scope: 'credentials.issue' } as const;

export interface AccessToken {
  /** The OAuth client (a Cognito app client id, or a local client id). */
  clientId: string;
  scopes: string[];
}

/** 401/403 with the `WWW-Authenticate` challenge RFC 6750 asks for. */
export class AccessTokenError extends HttpError {
  readonly challenge: string;
  constructor(status: 401 | 403, code: string, message: string, error?: 'invalid_token' | 'insufficient_scope') {
    super(status, code, message);
    this.name = 'AccessTokenError';
    this.challenge = error ? `Bearer error="${error}", error_description="${message.replaceAll('"', "'")}"` : 'Bearer';
  }
}

export interface AccessTokenVerifierOptions {
  /** The `iss` every token must carry. */
  issuer: string;
  /**
   * Where the verification keys come from: omitted, the issuer's JWKS at `<issuer>/.well-known/jwks.json` (Cognito);
   * or a JWKS (local mode, tests).
   */
  jwks?: JSONWebKeySet;
  /** Seconds of clock skew tolerated on `exp`/`nbf`. @default 30 */
  clockToleranceSeconds?: number;
}

export type AccessTokenVerifier = (authorization: string | undefined, requiredScope: string) => Promise<AccessToken>;

/** Verifies `Authorization: Bearer <JWT>` and returns who the client is, or throws an `AccessTokenError`. */
export const makeAccessTokenVerifier = (options: AccessTokenVerifierOptions): AccessTokenVerifier => {
  const issuer = options.issuer.replace(/\/+$/, '');
  const keys: JWTVerifyGetKey = options.jwks
    ? createLocalJWKSet(options.jwks)
    : createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`));

  return async (authorization, requiredScope) => {
    const match = /^Bearer[ ]+([A-Za-z0-9._~+/-]+=*)$/i.exec(authorization?.trim() ?? '');
    if (!match?.[1]) {
      throw new AccessTokenError(401, 'AUTH.MISSING_TOKEN', 'an OAuth 2.0 bearer access token is required');
    }
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(match[1], keys, {
        issuer,
        algorithms: ['RS256'],
        clockTolerance: options.clockToleranceSeconds ?? 30,
        requiredClaims: ['exp', 'iat'],
      }));
    } catch (error) {
      // A JWKS that cannot be fetched is our outage, not the client's mistake: let it surface as a 5xx.
      if (error instanceof errors.JWKSTimeout || !(error instanceof errors.JOSEError)) throw error;
      const message =
        error instanceof errors.JWTExpired ? 'the access token has expired' : 'the access token is not valid';
      throw new AccessTokenError(401, 'AUTH.INVALID_TOKEN', message, 'invalid_token');
    }
    // Cognito also issues ID tokens with the same keys and issuer: only access tokens authorize API calls.
    if (payload.token_use !== 'access' || typeof payload.client_id !== 'string' || !payload.client_id) {
      throw new AccessTokenError(401, 'AUTH.INVALID_TOKEN', 'not a client access token', 'invalid_token');
    }
    const scopes = typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : [];
    if (!scopes.includes(requiredScope)) {
      throw new AccessTokenError(
        403,
        'AUTH.INSUFFICIENT_SCOPE',
        `the access token lacks the ${requiredScope} scope`,
        'insufficient_scope',
      );
    }
    return { clientId: payload.client_id, scopes };
  };
};
