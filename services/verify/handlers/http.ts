import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { urls } from '#shared/routes/manifest.ts';
import { HttpError } from '#shared/runtime/errors.ts';
import { htmlPage, INVALID_JSON, json, readJson, routeRequests, wantsHtml } from '#shared/runtime/http.ts';
import { achievementPageBody, credentialPageBody, issuerPageBody } from '../domain/pages.ts';
import { type VerifyDeps, wiring } from '../wiring.ts';

/** Public documents are immutable once signed; a short shared cache keeps verification cheap and revocation timely. */
const PUBLIC_CACHE = { 'cache-control': 'public, max-age=300', 'access-control-allow-origin': '*', vary: 'accept' };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export const buildHandler = (deps: VerifyDeps = wiring()) => {
  const { documents } = deps;
  const links = urls(deps.publicBaseUrl);
  const param = (event: { pathParameters?: Record<string, string | undefined> }, name: string) =>
    event.pathParameters?.[name] ?? '';

  return middy(
    routeRequests(
      {
        'GET /credentials/{id}': async (event) => {
          const id = param(event, 'id');
          const { document, verdict } = await documents.credential(id);
          if (!wantsHtml(event)) {
            const ld = (event.headers.accept ?? '').includes('application/ld+json');
            return json(200, document, {
              ...PUBLIC_CACHE,
              'content-type': ld ? 'application/ld+json' : 'application/json',
            });
          }
          const name = (document.name as string | undefined) ?? 'Credential';
          return htmlPage(200, name, credentialPageBody(document, verdict, links.credential(id)), {
            'cache-control': 'public, max-age=60',
            vary: 'accept',
          });
        },
        'POST /credentials/verify': async (event) => {
          const body = readJson(event);
          if (body === INVALID_JSON) throw new HttpError(400, 'REQUEST.INVALID_JSON', 'the request body is not JSON');
          if (!isObject(body) || !isObject(body.verifiableCredential))
            throw new HttpError(400, 'REQUEST.INVALID', 'the body must be {"verifiableCredential": {...}}');
          const result = await documents.verify(body.verifiableCredential);
          const failed = result.checks.filter((c) => !c.ok);
          return json(result.verified ? 200 : 422, {
            verified: result.verified,
            checks: result.checks.filter((c) => c.ok).map((c) => c.name),
            warnings: [],
            errors: failed.map((c) => ({ check: c.name, message: c.message ?? `${c.name} failed` })),
            results: result.checks,
          });
        },
        'GET /issuers/{slug}': async (event) => {
          const { profile } = await documents.issuerProfile(param(event, 'slug'));
          if (!wantsHtml(event)) return json(200, profile, PUBLIC_CACHE);
          return htmlPage(200, String(profile.name ?? 'Issuer'), issuerPageBody(profile), {
            'cache-control': 'public, max-age=300',
          });
        },
        'GET /issuers/{slug}/achievements/{id}': async (event) => {
          const achievement = await documents.achievement(param(event, 'slug'), param(event, 'id'));
          if (!wantsHtml(event)) return json(200, achievement, PUBLIC_CACHE);
          return htmlPage(200, String(achievement.name ?? 'Achievement'), achievementPageBody(achievement), {
            'cache-control': 'public, max-age=300',
          });
        },
        'GET /issuers/{slug}/did.json': async (event) =>
          json(200, await documents.didDocument(param(event, 'slug')), {
            ...PUBLIC_CACHE,
            'content-type': 'application/did+json',
          }),
        'GET /health': async () => {
          try {
            return json(200, await documents.health(), { 'cache-control': 'no-store' });
          } catch (error) {
            deps.logger.error('health check failed', { error: error as Error });
            return json(503, { status: 'unavailable' }, { 'cache-control': 'no-store' });
          }
        },
      },
      deps.logger,
    ),
  ).use(injectLambdaContext(deps.logger));
};

export const handler = buildHandler();
