import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { z } from 'zod';
import { routeKey } from '#shared/routes/manifest.ts';
import {
  type HttpEvent,
  INVALID_JSON,
  json,
  type RouteHandler,
  readJson,
  routeRequests,
} from '#shared/runtime/http.ts';
import { actorFromClaims, hasAnyRole } from '../domain/actor.ts';
import { type AdminWiring, wiring } from '../wiring.ts';
import { type AdminRoute, adminRoutes } from './api.ts';
import { consoleRoutes } from './console.ts';

const NO_STORE = { 'cache-control': 'no-store' };

/** Every problem, each naming its field: `name: must not be empty; criteria: needs a narrative, a URL, or both`. */
const invalid = (error: z.ZodError, where: 'body' | 'query') => {
  const issues = error.issues.slice(0, 20).map((i) => ({
    path: i.path.join('.') || `(${where})`,
    message: i.message,
  }));
  return json(
    400,
    { code: 'REQUEST.INVALID', message: issues.map((i) => `${i.path}: ${i.message}`).join('; '), issues },
    NO_STORE,
  );
};

/** The token's claims, as API Gateway's JWT authorizer (or the local API, doing the same) hands them over. */
const claimsOf = (event: HttpEvent) =>
  (event.requestContext as { authorizer?: { jwt?: { claims?: Record<string, unknown> } } }).authorizer?.jwt?.claims;

/**
 * Wraps one route: deny by default (no verified subject: 401; none of the route's roles: 403), then parse the
 * query and body with the route's schemas (400 naming every problem), call the use case, answer JSON, never cached.
 */
const guard =
  (route: AdminRoute, deps: AdminWiring): RouteHandler =>
  async (event) => {
    const actor = actorFromClaims(claimsOf(event));
    if (route.allow !== 'public') {
      if (!actor) return json(401, { code: 'AUTH.UNAUTHENTICATED', message: 'sign in first' }, NO_STORE);
      if (!hasAnyRole(actor, route.allow))
        return json(403, { code: 'AUTH.FORBIDDEN', message: 'your role does not allow this' }, NO_STORE);
    }
    const query = route.query?.safeParse(event.queryStringParameters ?? {});
    if (query && !query.success) return invalid(query.error, 'query');
    let body: unknown;
    if (route.body) {
      const raw = readJson(event);
      if (raw === INVALID_JSON)
        return json(400, { code: 'REQUEST.INVALID_JSON', message: 'the request body is not JSON' }, NO_STORE);
      const parsed = route.body.safeParse(raw ?? {});
      if (!parsed.success) return invalid(parsed.error, 'body');
      body = parsed.data;
    }
    const bytes = event.body ? Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8') : Buffer.alloc(0);
    const result = await route.handle(deps, {
      actor: actor as never,
      params: (event.pathParameters ?? {}) as Record<string, string>,
      query: query?.data,
      body,
      raw: { bytes, contentType: event.headers['content-type'] },
    });
    return json(route.status ?? 200, result, NO_STORE);
  };

/** The console's JSON API (every route of `adminRoutes`, each guarded) and its pages at `/admin`. */
export const buildHandler = (deps: AdminWiring = wiring()) =>
  middy(
    routeRequests(
      { ...Object.fromEntries(adminRoutes.map((r) => [routeKey(r), guard(r, deps)])), ...consoleRoutes(deps) },
      deps.logger,
    ),
  ).use(injectLambdaContext(deps.logger));

export const handler = buildHandler();
