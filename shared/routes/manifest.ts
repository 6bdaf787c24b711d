import type { z } from 'zod';
import { AchievementEarnedV1 } from '../events/achievement-earned.v1.ts';
import { CredentialIssuedV1 } from '../events/credential-issued.v1.ts';
import type { EventDefinition } from '../events/define-event.ts';
import { DryRunPromotedV1 } from '../events/dry-run-promoted.v1.ts';
import { SesEmailProblem } from '../events/ses-email-problem.ts';

/**
 * One manifest drives both the AWS deployment (infra/stacks) and the local runner (infra/local), so local mode
 * cannot drift from the cloud: every function, what it consumes, and every HTTP route it serves.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface Route {
  method: HttpMethod;
  /** API Gateway path syntax: `/claim/{token}`. */
  path: string;
  /** Name of the function (below) that serves it. */
  fn: FunctionName;
  /**
   * `vc-api`: an OAuth 2.0 client-credentials access token with the VC-API issue scope is required (the HTTP API's
   * JWT authorizer in AWS; the handler checks it again with shared/runtime/access-token.ts in every mode).
   */
  auth?: Authorizer;
}

/**
 * `vc-api`: see above. `admin`: a console user's token (the Cognito user pool in AWS, local sign-in in local mode),
 * checked by API Gateway's JWT authorizer in AWS and by the local API with shared/runtime/jwt-auth.ts locally; the
 * admin handler then reads the claims from `requestContext.authorizer.jwt.claims` and checks roles.
 */
export type Authorizer = 'vc-api' | 'admin';

/** What a function may touch; CDK turns each into an env var plus the least IAM grant, the local runner into config. */
export type Need =
  | 'app-table:read'
  | 'app-table:write'
  | 'idempotency-table'
  | 'bus:publish'
  | 'signing-key:sign'
  /** Read the signing key's public half (`kms:GetPublicKey`), to publish it for a new issuer. */
  | 'signing-key:public'
  | 'jwt-key:sign'
  | 'vc-api:tokens'
  /** The console's Cognito app client, its token issuer and hosted-UI domain (sign-in with code + PKCE); no IAM. */
  | 'console-auth'
  | 'claim-key:mac'
  /** Write status list items only (`STATUSLIST#…` partition keys, by IAM condition): the signed-list cache. */
  | 'status-lists:write'
  | 'ses:send';

export interface FunctionSpec {
  /** Entry file, relative to the repository root; it exports `handler`. */
  entry: string;
  /**
   * For queue consumers: the event contracts routed to its one queue, a rule each with the contract's pattern. One
   * queue, so one batch size and concurrency pace everything the function does.
   */
  consumes?: readonly EventDefinition<z.ZodType>[];
  needs: readonly Need[];
  memoryMb: number;
  timeoutSeconds: number;
  /** Queue consumers: how many messages a batch holds and how many invocations may run at once (pacing under KMS/SES quotas). */
  batchSize?: number;
  maxConcurrency?: number;
  /**
   * Consumers: the bus whose rules route `consumes` to the queue. `default` for AWS service events (SES publishes
   * bounces to the account's default bus only); locally both arrive on the one local bus. @default 'laurel'
   */
  bus?: 'laurel' | 'default';
  /** Runs on a schedule: an EventBridge rule in AWS, an interval in the local runner (both read this). */
  schedule?: { everyMinutes: number };
}

export const functions = {
  /**
   * Issues: `AchievementEarned` from the institution's systems, and `DryRunAwardPromoted` from the console (dry-run
   * promotions, CSV bulk award) through the same award path, so every award signs under this queue's pacing.
   */
  award: {
    entry: 'services/award/handlers/on-award-queue.ts',
    consumes: [AchievementEarnedV1, DryRunPromotedV1],
    needs: [
      'app-table:read',
      'app-table:write',
      'idempotency-table',
      'bus:publish',
      'signing-key:sign',
      'claim-key:mac',
    ],
    memoryMb: 1024,
    timeoutSeconds: 30,
    // Paced under KMS's default 300 ECC requests/s: two instances of eight concurrent records peak at about 235 Sign/s
    // even at in-region floor latencies, within 80% of the quota (bench/REPORT.md, "Quotas on paper"), promotions
    // included, and still issue 50,000 awards in minutes.
    batchSize: 8,
    maxConcurrency: 2,
  },
  notify: {
    entry: 'services/notify/handlers/on-credential-issued.ts',
    consumes: [CredentialIssuedV1],
    needs: ['app-table:read', 'app-table:write', 'idempotency-table', 'claim-key:mac', 'ses:send'],
    memoryMb: 512,
    timeoutSeconds: 30,
    // One email per invocation, two at once (an SQS source's least): a batch of ten would send ten at once, past
    // what SES allows a second by default. See the README's quota section for the SES rate to request before a burst.
    batchSize: 1,
    maxConcurrency: 2,
  },
  claim: {
    entry: 'services/claim/handlers/http.ts',
    // claim-key:mac: the owner cookie set on accept, and the signed unsubscribe links of reminders.
    needs: ['app-table:read', 'app-table:write', 'claim-key:mac'],
    memoryMb: 512,
    timeoutSeconds: 10,
  },
  verify: {
    entry: 'services/verify/handlers/http.ts',
    // jwt-key:sign: the VC-JWT form is signed on demand (see services/verify/app/credential-jwt.ts).
    needs: ['app-table:read', 'jwt-key:sign'],
    memoryMb: 1024,
    timeoutSeconds: 15,
  },
  /**
   * Bitstring Status Lists at `/status/{list}`: signs a list credential when its bits changed or its validity runs
   * low, and caches it by version, so reads almost never reach KMS. Its own function so that the public verifier
   * (which fetches arbitrary URLs) holds no signing right, and this one may write status list items only.
   */
  status: {
    entry: 'services/status/handlers/http.ts',
    needs: ['app-table:read', 'status-lists:write', 'signing-key:sign'],
    memoryMb: 512,
    timeoutSeconds: 10,
  },
  /** The console's JSON API. Never signs: promotions go to `award` through the bus. */
  admin: {
    entry: 'services/admin/handlers/http.ts',
    needs: [
      'app-table:read',
      'app-table:write',
      'bus:publish',
      'signing-key:public',
      'claim-key:mac',
      'ses:send',
      'console-auth',
    ],
    memoryMb: 1024,
    timeoutSeconds: 29,
  },
  /** Claim reminders for unclaimed credentials, on a schedule; stopped by claim, unsubscribe or bounce. */
  remind: {
    entry: 'services/notify/handlers/remind.ts',
    needs: ['app-table:read', 'app-table:write', 'claim-key:mac', 'ses:send'],
    memoryMb: 512,
    timeoutSeconds: 300,
    schedule: { everyMinutes: 60 },
  },
  /** SES bounces and complaints (configuration-set events on the default bus) mark the credential. */
  emailEvents: {
    entry: 'services/notify/handlers/on-email-event.ts',
    consumes: [SesEmailProblem],
    bus: 'default',
    needs: ['app-table:read', 'app-table:write', 'bus:publish'],
    memoryMb: 256,
    timeoutSeconds: 30,
    batchSize: 10,
    maxConcurrency: 2,
  },
  /**
   * Wallet copies (OpenID4VCI pre-authorized code flow, VC-API exchange), holder-bound to the wallet's DID and
   * signed then.
   */
  wallet: {
    entry: 'services/wallet/handlers/http.ts',
    needs: ['app-table:read', 'app-table:write', 'claim-key:mac', 'signing-key:sign'],
    memoryMb: 1024,
    timeoutSeconds: 15,
  },
  /**
   * What anyone with a credential's page may take away: its JSON file and PDF certificate. Apart from `wallet` so
   * that the public downloads hold no key and only read, and the PDF library (pdf-lib) is in no signer's bundle.
   * Memory as `wallet` had: rendering a certificate is CPU work.
   */
  downloads: {
    entry: 'services/wallet/handlers/downloads.ts',
    needs: ['app-table:read'],
    memoryMb: 1024,
    timeoutSeconds: 15,
  },
  /** W3C VC-API issuer: signs a client's VC Data Model 2.0 credential with an issuer's Ed25519 key. */
  issue: {
    entry: 'services/issue/handlers/http.ts',
    needs: ['app-table:read', 'signing-key:sign', 'vc-api:tokens'],
    memoryMb: 1024,
    timeoutSeconds: 15,
  },
} as const satisfies Record<string, FunctionSpec>;

export type FunctionName = keyof typeof functions;

export const routes: readonly Route[] = [
  { method: 'GET', path: '/claim/{token}', fn: 'claim' },
  { method: 'POST', path: '/claim/{token}', fn: 'claim' },
  { method: 'GET', path: '/credentials/{id}', fn: 'verify' },
  { method: 'POST', path: '/credentials/verify', fn: 'verify' },
  { method: 'POST', path: '/credentials/issue', fn: 'issue', auth: 'vc-api' },
  { method: 'POST', path: '/presentations/verify', fn: 'verify' },
  { method: 'GET', path: '/issuers/{slug}/jwks.json', fn: 'verify' },
  { method: 'GET', path: '/issuers/{slug}/keys/{keyId}', fn: 'verify' },
  { method: 'GET', path: '/issuers/{slug}', fn: 'verify' },
  { method: 'GET', path: '/issuers/{slug}/did.json', fn: 'verify' },
  { method: 'GET', path: '/issuers/{slug}/achievements/{id}', fn: 'verify' },
  { method: 'GET', path: '/health', fn: 'verify' },
  { method: 'GET', path: '/status/{list}', fn: 'status' },
  { method: 'GET', path: '/images/{file}', fn: 'verify' },
  { method: 'GET', path: '/unsubscribe/{token}', fn: 'claim' },
  { method: 'POST', path: '/unsubscribe/{token}', fn: 'claim' },
  { method: 'GET', path: '/credentials/{id}/credential.json', fn: 'downloads' },
  { method: 'GET', path: '/credentials/{id}/certificate.pdf', fn: 'downloads' },
  { method: 'GET', path: '/wallet/{id}', fn: 'wallet' },
  { method: 'GET', path: '/.well-known/openid-credential-issuer', fn: 'wallet' },
  { method: 'GET', path: '/.well-known/oauth-authorization-server', fn: 'wallet' },
  { method: 'POST', path: '/oid4vci/token', fn: 'wallet' },
  { method: 'POST', path: '/oid4vci/nonce', fn: 'wallet' },
  { method: 'POST', path: '/oid4vci/credential', fn: 'wallet' },
  { method: 'POST', path: '/exchanges/{id}', fn: 'wallet' },
  ...adminRoutes(),
  ...consolePages(),
];

/**
 * The console's pages at `/admin`, served by the admin function. No gateway authorizer: a browser sends its session
 * as an HttpOnly cookie, not a bearer header, so the function verifies it with the same JWT code and checks roles
 * and CSRF on every page (services/admin/handlers/console.ts). A test keeps this list equal to the pages.
 */
function consolePages(): Route[] {
  const page = (method: HttpMethod, path: string): Route => ({ method, path: `/admin${path}`, fn: 'admin' });
  return [
    page('GET', '/sign-in'),
    // The hosted UI's way back (AWS): checks the state, trades the code, verifies the ID token, sets the session.
    page('GET', '/callback'),
    page('POST', '/sign-in'),
    page('POST', '/sign-out'),
    { method: 'GET', path: '/admin', fn: 'admin' },
    page('GET', '/issuers'),
    page('POST', '/issuers'),
    page('GET', '/issuers/{slug}'),
    page('POST', '/issuers/{slug}'),
    page('GET', '/achievements'),
    page('POST', '/achievements'),
    page('GET', '/achievements/{id}'),
    page('POST', '/achievements/{id}/{action}'),
    page('GET', '/review'),
    page('GET', '/rules'),
    page('POST', '/rules'),
    page('POST', '/rules/test'),
    page('GET', '/rules/{id}'),
    page('POST', '/rules/{id}/{action}'),
    page('GET', '/credentials'),
    page('POST', '/credentials'),
    page('POST', '/credentials/{id}/{action}'),
    page('GET', '/events'),
    page('GET', '/bulk'),
    page('POST', '/bulk'),
    page('POST', '/bulk/issue'),
    page('GET', '/bulk/{job}'),
  ];
}

/**
 * The console's JSON API, one explicit route each so API Gateway attaches the JWT authorizer per route and the
 * OpenAPI document (services/admin) lists exactly these; a test keeps the two equal. Only sign-in is public.
 */
function adminRoutes(): Route[] {
  const api = '/admin/api';
  const admin = (method: HttpMethod, path: string): Route => ({
    method,
    path: `${api}${path}`,
    fn: 'admin',
    auth: 'admin',
  });
  return [
    { method: 'POST', path: `${api}/session`, fn: 'admin' },
    admin('GET', '/openapi.json'),
    admin('GET', '/me'),
    admin('GET', '/issuers'),
    admin('POST', '/issuers'),
    admin('GET', '/issuers/{slug}'),
    admin('PUT', '/issuers/{slug}'),
    admin('GET', '/sources'),
    admin('POST', '/sources'),
    admin('POST', '/images'),
    admin('GET', '/achievements'),
    admin('POST', '/achievements'),
    admin('GET', '/achievements/{id}'),
    admin('PUT', '/achievements/{id}'),
    admin('GET', '/achievements/{id}/history'),
    admin('POST', '/achievements/{id}/comments'),
    admin('POST', '/achievements/{id}/submit'),
    admin('POST', '/achievements/{id}/withdraw'),
    admin('POST', '/achievements/{id}/approve'),
    admin('POST', '/achievements/{id}/request-changes'),
    admin('POST', '/achievements/{id}/publish'),
    admin('POST', '/achievements/{id}/retire'),
    admin('GET', '/rules'),
    admin('POST', '/rules'),
    admin('POST', '/rules/test'),
    admin('GET', '/rules/{id}'),
    admin('PUT', '/rules/{id}'),
    admin('GET', '/rules/{id}/dry-runs'),
    admin('POST', '/rules/{id}/dry-runs/promote'),
    admin('POST', '/rules/{id}/progress'),
    admin('GET', '/events'),
    admin('POST', '/credentials/search'),
    admin('GET', '/credentials/{id}'),
    admin('POST', '/credentials/{id}/resend'),
    admin('POST', '/credentials/{id}/revoke'),
    admin('POST', '/credentials/{id}/suspend'),
    admin('POST', '/credentials/{id}/reinstate'),
    admin('POST', '/credentials/revoke'),
  ];
}

/** `GET /claim/{token}` — the `routeKey` API Gateway puts on each event. */
export const routeKey = (r: Pick<Route, 'method' | 'path'>) => `${r.method} ${r.path}`;

/** Public URL builders: the only place these paths are spelled for links. */
export const urls = (baseUrl: string) => {
  const base = baseUrl.replace(/\/+$/, '');
  return {
    credential: (id: string) => `${base}/credentials/${encodeURIComponent(id)}`,
    /** The badge image with the credential baked in (verify service, `GET /credentials/{id}?format=`). */
    credentialImage: (id: string, format: 'png' | 'svg') =>
      `${base}/credentials/${encodeURIComponent(id)}?format=${format}`,
    /** The VC-JWT form as a download (`GET /credentials/{id}?format=jwt`); clients may also ask by `Accept`. */
    credentialJwt: (id: string) => `${base}/credentials/${encodeURIComponent(id)}?format=jwt`,
    claim: (token: string) => `${base}/claim/${encodeURIComponent(token)}`,
    issuer: (slug: string) => `${base}/issuers/${encodeURIComponent(slug)}`,
    issuerDidDocument: (slug: string) => `${base}/issuers/${encodeURIComponent(slug)}/did.json`,
    /** The issuer's RSA keys (VC-JWT) as a JWKS; each entry's `kid` is its `issuerKey` URL. */
    issuerJwks: (slug: string) => `${base}/issuers/${encodeURIComponent(slug)}/jwks.json`,
    /** One key as a bare JWK: the `kid` of the VC-JWTs it signs. */
    issuerKey: (slug: string, keyId: string) =>
      `${base}/issuers/${encodeURIComponent(slug)}/keys/${encodeURIComponent(keyId)}`,
    achievement: (slug: string, id: string) =>
      `${base}/issuers/${encodeURIComponent(slug)}/achievements/${encodeURIComponent(id)}`,
    /** A signed Bitstring Status List credential: its `id`, and every entry's `statusListCredential`. */
    statusList: (listId: string) => `${base}/status/${encodeURIComponent(listId)}`,
    /** Reminder opt-out (signed per credential; no login). */
    unsubscribe: (token: string) => `${base}/unsubscribe/${encodeURIComponent(token)}`,
    /** The signed credential as a file (`Content-Disposition: attachment`). */
    credentialDownload: (id: string) => `${base}/credentials/${encodeURIComponent(id)}/credential.json`,
    /** A printable PDF certificate with a QR code to the credential's page. */
    certificatePdf: (id: string) => `${base}/credentials/${encodeURIComponent(id)}/certificate.pdf`,
    /** The learner's own page for adding the credential to a wallet (needs the owner cookie set on claim). */
    wallet: (id: string) => `${base}/wallet/${encodeURIComponent(id)}`,
    /** OpenID4VCI: the credential issuer identifier is the base URL itself. */
    credentialIssuer: base,
    oid4vciToken: `${base}/oid4vci/token`,
    oid4vciNonce: `${base}/oid4vci/nonce`,
    oid4vciCredential: `${base}/oid4vci/credential`,
    /** A VC-API exchange (Learner Credential Wallet). */
    exchange: (id: string) => `${base}/exchanges/${encodeURIComponent(id)}`,
    /** An uploaded badge image: `<sha256>.<png|svg>`. */
    image: (file: string) => `${base}/images/${encodeURIComponent(file)}`,
  };
};
