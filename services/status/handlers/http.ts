import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { STATUS_LIST_TTL_SECONDS } from '#shared/credentials/status-list.ts';
import { json, routeRequests } from '#shared/runtime/http.ts';
import { type StatusDeps, wiring } from '../wiring.ts';

/** The media type asked for: VC Data Model 2.0's `application/vc` (or its older `+ld+json` name), else JSON. */
const mediaType = (accept: string) =>
  accept.includes('application/vc+ld+json')
    ? 'application/vc+ld+json'
    : /application\/vc(?![+\w])/.test(accept)
      ? 'application/vc'
      : 'application/json';

/**
 * `GET /status/{list}`: the signed Bitstring Status List credential. Public, cacheable for `STATUS_LIST_TTL_SECONDS`
 * (the list's `ttl`), with an entity tag per signed version so a verifier's revalidation costs a 304.
 */
export const buildHandler = (deps: StatusDeps = wiring()) =>
  middy(
    routeRequests(
      {
        'GET /status/{list}': async (event) => {
          const listId = event.pathParameters?.list ?? '';
          const served = await deps.getStatusList(listId);
          const headers = {
            'cache-control': `public, max-age=${STATUS_LIST_TTL_SECONDS}`,
            'access-control-allow-origin': '*',
            etag: `"${served.version}-${served.signedAt}"`,
            vary: 'accept',
          };
          if (event.headers['if-none-match'] === headers.etag) return { statusCode: 304, headers };
          return json(200, served.credential, { ...headers, 'content-type': mediaType(event.headers.accept ?? '') });
        },
      },
      deps.logger,
    ),
  ).use(injectLambdaContext(deps.logger));

export const handler = buildHandler();
