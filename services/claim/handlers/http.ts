import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { urls } from '#shared/routes/manifest.ts';
import { type HttpEvent, routeRequests } from '#shared/runtime/http.ts';
import { claimPage } from '../domain/claim-pages.ts';
import { type ClaimDeps, wiring } from '../wiring.ts';

/** `GET /claim/{token}` shows the badge waiting to be accepted; `POST` accepts it and leads to its page. */
export const buildHandler = (deps: ClaimDeps = wiring()) => {
  const links = urls(deps.publicBaseUrl);
  const tokenOf = (event: HttpEvent) => event.pathParameters?.token ?? '';
  const pageLinks = (token: string) => ({ credential: links.credential, claimAction: links.claim(token) });
  return middy(
    routeRequests(
      {
        'GET /claim/{token}': async (event) =>
          claimPage(await deps.viewClaim(tokenOf(event)), pageLinks(tokenOf(event))),
        'POST /claim/{token}': async (event) => {
          const result = await deps.acceptClaim(tokenOf(event));
          if ('accepted' in result)
            return {
              statusCode: 303,
              headers: { location: links.credential(result.credentialId), 'cache-control': 'no-store' },
            };
          return claimPage(result, pageLinks(tokenOf(event)));
        },
      },
      deps.logger,
    ),
  ).use(injectLambdaContext(deps.logger));
};

export const handler = buildHandler();
