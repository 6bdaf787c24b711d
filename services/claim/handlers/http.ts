import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { OWNER_COOKIE } from '#shared/claim-tokens.ts';
import { urls } from '#shared/routes/manifest.ts';
import { type HttpEvent, routeRequests } from '#shared/runtime/http.ts';
import { claimPage, unsubscribePage } from '../domain/claim-pages.ts';
import { type ClaimDeps, OWNER_COOKIE_DAYS, wiring } from '../wiring.ts';

/**
 * `GET /claim/{token}` shows the badge waiting to be accepted; `POST` accepts it and leads to its page, leaving an
 * owner cookie (scoped to the credential's wallet page) so this browser, and only it, can add it to a wallet. A
 * POST with a link already used re-opens the credential the same way: the claim link stays the learner's key.
 * `/unsubscribe/{token}`: GET confirms, POST (a form, or a mail client's RFC 8058 one-click) stops reminders.
 */
export const buildHandler = (deps: ClaimDeps = wiring()) => {
  const links = urls(deps.publicBaseUrl);
  const tokenOf = (event: HttpEvent) => event.pathParameters?.token ?? '';
  const pageLinks = (token: string) => ({ credential: links.credential, claimAction: links.claim(token) });
  const openCredential = async (credentialId: string) => {
    const walletPath = new URL(links.wallet(credentialId)).pathname;
    return {
      statusCode: 303,
      headers: { location: links.credential(credentialId), 'cache-control': 'no-store' },
      cookies: [
        `${OWNER_COOKIE}=${await deps.ownerToken(credentialId)}; Path=${walletPath}; Max-Age=${OWNER_COOKIE_DAYS * 86_400}; HttpOnly; Secure; SameSite=Strict`,
      ],
    };
  };
  return middy(
    routeRequests(
      {
        'GET /claim/{token}': async (event) =>
          claimPage(await deps.viewClaim(tokenOf(event)), pageLinks(tokenOf(event))),
        'POST /claim/{token}': async (event) => {
          const result = await deps.acceptClaim(tokenOf(event));
          if ('accepted' in result) return openCredential(result.credentialId);
          if (result.state === 'used') return openCredential(result.credentialId);
          return claimPage(result, pageLinks(tokenOf(event)));
        },
        'GET /unsubscribe/{token}': async (event) => {
          const token = tokenOf(event);
          const valid = await deps.checkUnsubscribe(token);
          return unsubscribePage(valid ? { state: 'confirm', action: links.unsubscribe(token) } : { state: 'unknown' });
        },
        'POST /unsubscribe/{token}': async (event) => {
          const result = await deps.unsubscribe(tokenOf(event));
          if (result.state === 'unsubscribed')
            deps.logger.info('reminders stopped', { credentialId: result.credentialId });
          return unsubscribePage(
            result.state === 'unsubscribed'
              ? { state: 'done', credential: links.credential(result.credentialId) }
              : { state: 'unknown' },
          );
        },
      },
      deps.logger,
    ),
  ).use(injectLambdaContext(deps.logger));
};

export const handler = buildHandler();
