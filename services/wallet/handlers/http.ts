import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { OWNER_COOKIE } from '#shared/claim-tokens.ts';
import { urls } from '#shared/routes/manifest.ts';
import { HttpError } from '#shared/runtime/errors.ts';
import {
  type HttpEvent,
  type HttpResult,
  htmlPage,
  INVALID_JSON,
  json,
  readJson,
  routeRequests,
} from '#shared/runtime/http.ts';
import { authorizationServerMetadata, credentialIssuerMetadata, OAuthError } from '../domain/oid4vci.ts';
import { walletPageBody } from '../domain/wallet-page.ts';
import { type WalletHandlerDeps, wiring } from '../wiring.ts';

const NO_STORE = { 'cache-control': 'no-store' };
/** Metadata: cacheable, readable from any origin (wallets and verifiers run elsewhere). */
const PUBLIC = { 'cache-control': 'public, max-age=300', 'access-control-allow-origin': '*' };

const cookie = (event: HttpEvent, name: string) =>
  (event.cookies ?? [])
    .flatMap((c) => c.split(';'))
    .map((c) => c.trim())
    .find((c) => c.startsWith(`${name}=`))
    ?.slice(name.length + 1);

const bodyText = (event: HttpEvent) =>
  event.body ? (event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body) : '';

/** OAuth errors answer in OAuth's own shape; the rest goes to the shared error mapping. */
const oauth = (handle: (event: HttpEvent) => Promise<HttpResult>) => async (event: HttpEvent) => {
  try {
    return await handle(event);
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error;
    return json(
      error.status,
      { error: error.error, error_description: error.description },
      {
        ...NO_STORE,
        ...(error.status === 401 ? { 'www-authenticate': `Bearer error="${error.error}"` } : {}),
      },
    );
  }
};

/**
 * Wallet copies: the wallet page (owner only), and the OpenID4VCI and VC-API endpoints wallets call. The public
 * downloads (JSON file, PDF certificate) are the `downloads` function's (handlers/downloads.ts).
 */
export const buildHandler = (deps: WalletHandlerDeps = wiring()) => {
  const { wallet } = deps;
  const links = urls(deps.publicBaseUrl);
  const id = (event: HttpEvent) => event.pathParameters?.id ?? '';
  return middy(
    routeRequests(
      {
        'GET /wallet/{id}': async (event) => {
          const offers = await wallet.offers(id(event), cookie(event, OWNER_COOKIE));
          return htmlPage(
            offers.state === 'ready' ? 200 : 403,
            'Add to a wallet',
            walletPageBody(offers, {
              credential: links.credential(id(event)),
              credentialDownload: links.credentialDownload(id(event)),
            }),
            NO_STORE,
          );
        },
        'GET /.well-known/openid-credential-issuer': async () =>
          json(200, credentialIssuerMetadata(deps.publicBaseUrl), PUBLIC),
        'GET /.well-known/oauth-authorization-server': async () =>
          json(200, authorizationServerMetadata(deps.publicBaseUrl), PUBLIC),
        'POST /oid4vci/token': oauth(async (event) =>
          json(200, await wallet.token(new URLSearchParams(bodyText(event))), NO_STORE),
        ),
        'POST /oid4vci/nonce': oauth(async () => json(200, await wallet.nonce(), NO_STORE)),
        'POST /oid4vci/credential': oauth(async (event) => {
          const authorization = event.headers.authorization ?? '';
          const token = /^Bearer\s+(\S+)$/i.exec(authorization)?.[1];
          const body = readJson(event);
          if (body === INVALID_JSON) throw new OAuthError(400, 'invalid_credential_request', 'the body is not JSON');
          return json(200, await wallet.credential(token, body), NO_STORE);
        }),
        'POST /exchanges/{id}': async (event) => {
          const body = readJson(event);
          if (body === INVALID_JSON) throw new HttpError(400, 'REQUEST.INVALID_JSON', 'the request body is not JSON');
          return json(200, await wallet.exchange(id(event), body ?? {}), NO_STORE);
        },
      },
      deps.logger,
    ),
  ).use(injectLambdaContext(deps.logger));
};

export const handler = buildHandler();
