import type { z } from 'zod';
import { AchievementEarnedV1 } from '../events/achievement-earned.v1.ts';
import { CredentialIssuedV1 } from '../events/credential-issued.v1.ts';
import type { EventDefinition } from '../events/define-event.ts';

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
}

/** What a function may touch; CDK turns each into an env var plus the least IAM grant, the local runner into config. */
export type Need =
  | 'app-table:read'
  | 'app-table:write'
  | 'idempotency-table'
  | 'bus:publish'
  | 'signing-key:sign'
  | 'claim-key:mac'
  | 'ses:send';

export interface FunctionSpec {
  /** Entry file, relative to the repository root; it exports `handler`. */
  entry: string;
  /** For queue consumers: the event contract whose pattern routes to its queue. */
  consumes?: EventDefinition<z.ZodType>;
  needs: readonly Need[];
  memoryMb: number;
  timeoutSeconds: number;
  /** Queue consumers: how many messages a batch holds and how many invocations may run at once (pacing under KMS/SES quotas). */
  batchSize?: number;
  maxConcurrency?: number;
}

export const functions = {
  award: {
    entry: 'services/award/handlers/on-achievement-earned.ts',
    consumes: AchievementEarnedV1,
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
    batchSize: 10,
    maxConcurrency: 20,
  },
  notify: {
    entry: 'services/notify/handlers/on-credential-issued.ts',
    consumes: CredentialIssuedV1,
    needs: ['app-table:read', 'app-table:write', 'idempotency-table', 'claim-key:mac', 'ses:send'],
    memoryMb: 512,
    timeoutSeconds: 30,
    batchSize: 10,
    maxConcurrency: 5,
  },
  claim: {
    entry: 'services/claim/handlers/http.ts',
    needs: ['app-table:read', 'app-table:write'],
    memoryMb: 512,
    timeoutSeconds: 10,
  },
  verify: {
    entry: 'services/verify/handlers/http.ts',
    needs: ['app-table:read'],
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
  { method: 'GET', path: '/issuers/{slug}', fn: 'verify' },
  { method: 'GET', path: '/issuers/{slug}/did.json', fn: 'verify' },
  { method: 'GET', path: '/issuers/{slug}/achievements/{id}', fn: 'verify' },
  { method: 'GET', path: '/health', fn: 'verify' },
];

/** `GET /claim/{token}` — the `routeKey` API Gateway puts on each event. */
export const routeKey = (r: Pick<Route, 'method' | 'path'>) => `${r.method} ${r.path}`;

/** Public URL builders: the only place these paths are spelled for links. */
export const urls = (baseUrl: string) => {
  const base = baseUrl.replace(/\/+$/, '');
  return {
    credential: (id: string) => `${base}/credentials/${encodeURIComponent(id)}`,
    claim: (token: string) => `${base}/claim/${encodeURIComponent(token)}`,
    issuer: (slug: string) => `${base}/issuers/${encodeURIComponent(slug)}`,
    issuerDidDocument: (slug: string) => `${base}/issuers/${encodeURIComponent(slug)}/did.json`,
    achievement: (slug: string, id: string) =>
      `${base}/issuers/${encodeURIComponent(slug)}/achievements/${encodeURIComponent(id)}`,
  };
};
