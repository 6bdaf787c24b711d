import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { VC_JWT_MEDIA_TYPES } from '#shared/credentials/vc-jwt.ts';
import { verdictOf } from '#shared/credentials/verify.ts';
import { badgeView } from '#shared/pages/badge-view.ts';
import { shareMeta, sharePanel } from '#shared/pages/share-panel.ts';
import { urls } from '#shared/routes/manifest.ts';
import { systemClock } from '#shared/runtime/clock.ts';
import { HttpError } from '#shared/runtime/errors.ts';
import { htmlPage, INVALID_JSON, json, readJson, routeRequests, wantsHtml } from '#shared/runtime/http.ts';
import { IMAGE_HEADERS } from '#shared/runtime/image-headers.ts';
import { negotiate } from '#shared/runtime/negotiate.ts';
import { makeVerifyPresentation } from '../app/verify-presentation.ts';
import { achievementPageBody, credentialPageBody, issuerPageBody } from '../domain/pages.ts';
import { readImageFormat, readVerifyRequest } from '../domain/verify-request.ts';
import { type VerifyDeps, wiring } from '../wiring.ts';

/** Public documents are immutable once signed; a short shared cache keeps verification cheap and revocation timely. */
const PUBLIC_CACHE = { 'cache-control': 'public, max-age=300', 'access-control-allow-origin': '*', vary: 'accept' };

/** The largest presentation `/presentations/verify` reads (as sent: base64 bodies count their encoded size). */
const MAX_PRESENTATION_CHARS = 2 * 1024 * 1024;

/** What `GET /credentials/{id}` can answer with; the JSON forms first, so "any type" keeps getting JSON. */
const CREDENTIAL_FORMS = ['application/ld+json', 'application/json', 'text/html', ...VC_JWT_MEDIA_TYPES];

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export const buildHandler = (deps: VerifyDeps = wiring()) => {
  const { documents } = deps;
  const verifyPresentation = makeVerifyPresentation({
    resolveDid: documents.resolveDid,
    verifyCredential: documents.verify,
    clock: systemClock,
  });
  const links = urls(deps.publicBaseUrl);
  const param = (event: { pathParameters?: Record<string, string | undefined> }, name: string) =>
    event.pathParameters?.[name] ?? '';

  return middy(
    routeRequests(
      {
        'GET /credentials/{id}': async (event) => {
          const id = param(event, 'id');
          // `?format=png|svg`: the badge image with this credential baked in, for download.
          const imageFormat = readImageFormat(event.queryStringParameters);
          if (imageFormat) {
            const baked = await documents.bakedCredential(id, imageFormat);
            return {
              statusCode: 200,
              headers: {
                ...PUBLIC_CACHE,
                'content-type': baked.contentType,
                'content-disposition': `attachment; filename="${baked.filename}"`,
                'x-content-type-options': 'nosniff',
                // An SVG opened on its own is a document: it may show itself, and run and fetch nothing.
                'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox",
              },
              body: Buffer.from(baked.body).toString('base64'),
              isBase64Encoded: true,
            };
          }
          // `?format=jwt`: the VC-JWT form as a file, for people who download rather than negotiate.
          if (event.queryStringParameters?.format === 'jwt')
            return {
              statusCode: 200,
              headers: {
                ...PUBLIC_CACHE,
                'content-type': 'application/vc+jwt',
                'content-disposition': `attachment; filename="credential-${id.replace(/[^\w-]/g, '')}.jwt"`,
                'x-content-type-options': 'nosniff',
              },
              body: await deps.jwt.credentialJwt(id),
            };
          // The VC-JWT form, for clients that ask for it (OB 3.0 § JSON Web Token Proof Format).
          const preferred = negotiate(event.headers.accept, CREDENTIAL_FORMS);
          if (preferred && (VC_JWT_MEDIA_TYPES as readonly string[]).includes(preferred)) {
            return {
              statusCode: 200,
              headers: { ...PUBLIC_CACHE, 'content-type': preferred, 'x-content-type-options': 'nosniff' },
              body: await deps.jwt.credentialJwt(id),
            };
          }
          const { document, verdict } = await documents.credential(id);
          if (!wantsHtml(event)) {
            const ld = (event.headers.accept ?? '').includes('application/ld+json');
            return json(200, document, {
              ...PUBLIC_CACHE,
              'content-type': ld ? 'application/ld+json' : 'application/json',
            });
          }
          const name = (document.name as string | undefined) ?? 'Credential';
          const view = badgeView(document);
          const share = sharePanel(view, {
            credentialUrl: links.credential(id),
            jsonDownload: links.credentialDownload(id),
            certificatePdf: links.certificatePdf(id),
            wallet: links.wallet(id),
          });
          return htmlPage(
            200,
            name,
            credentialPageBody(
              document,
              verdict,
              {
                json: links.credential(id),
                png: links.credentialImage(id, 'png'),
                svg: links.credentialImage(id, 'svg'),
                jwt: links.credentialJwt(id),
              },
              share,
            ),
            {
              // The verdict is live (revocation shows within a minute), so the page is cached briefly.
              'cache-control': 'public, max-age=60',
              vary: 'accept',
            },
            shareMeta(view, links.credential(id), links.credentialDownload(id)),
          );
        },
        'POST /credentials/verify': async (event) => {
          const input = readVerifyRequest({
            body: event.body,
            isBase64Encoded: event.isBase64Encoded,
            contentType: event.headers['content-type'],
          });
          const result = await documents.verify(input);
          const failed = result.checks.filter((c) => !c.ok);
          // Nothing could be read (not JSON, no credential in the image): the request is malformed, not the credential.
          if (failed.length === 1 && failed[0]?.name === 'format' && result.checks.length === 1) {
            throw new HttpError(400, 'REQUEST.UNREADABLE_CREDENTIAL', failed[0].message ?? 'unreadable credential');
          }
          return json(
            result.verified ? 200 : 422,
            {
              verified: result.verified,
              verdict: verdictOf(result),
              checks: result.checks.filter((c) => c.ok).map((c) => c.name),
              warnings: result.checks.filter((c) => c.warning).map((c) => `${c.name}: ${c.message}`),
              errors: failed.map((c) => ({ check: c.name, message: c.message ?? `${c.name} failed` })),
              results: result.checks,
              ...(result.format ? { format: result.format } : {}),
            },
            { 'cache-control': 'no-store' },
          );
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
        'GET /issuers/{slug}/jwks.json': async (event) =>
          json(200, await deps.jwt.jwks(param(event, 'slug')), {
            ...PUBLIC_CACHE,
            'content-type': 'application/jwk-set+json',
          }),
        'GET /issuers/{slug}/keys/{keyId}': async (event) =>
          json(200, await deps.jwt.jwk(param(event, 'slug'), param(event, 'keyId')), {
            ...PUBLIC_CACHE,
            'content-type': 'application/jwk+json',
          }),
        'POST /presentations/verify': async (event) => {
          // Canonicalizing is the costly part of verifying: bound what one request can ask for.
          if ((event.body?.length ?? 0) > MAX_PRESENTATION_CHARS) {
            throw new HttpError(413, 'REQUEST.TOO_LARGE', 'a presentation is at most 2 MiB');
          }
          const body = readJson(event);
          if (body === INVALID_JSON) throw new HttpError(400, 'REQUEST.INVALID_JSON', 'the request body is not JSON');
          const presentation = isObject(body) ? (body.verifiablePresentation ?? body.presentation) : undefined;
          if (!isObject(body) || !isObject(presentation)) {
            throw new HttpError(
              400,
              'REQUEST.INVALID',
              'the body must be {"verifiablePresentation": {...}, "options": {"challenge": "...", "domain": "..."}}',
            );
          }
          const options = body.options ?? {};
          if (
            !isObject(options) ||
            (options.challenge !== undefined && typeof options.challenge !== 'string') ||
            (options.domain !== undefined && typeof options.domain !== 'string')
          ) {
            throw new HttpError(400, 'REQUEST.INVALID', 'options.challenge and options.domain must be strings');
          }
          const result = await verifyPresentation(
            presentation,
            {
              ...(typeof options.challenge === 'string' ? { challenge: options.challenge } : {}),
              ...(typeof options.domain === 'string' ? { domain: options.domain } : {}),
            },
            // VC-API's proofless request (`presentation`): only the credentials inside are verified.
            { proofless: body.verifiablePresentation === undefined },
          );
          const failed = result.checks.filter((c) => !c.ok);
          return json(
            result.verified ? 200 : 422,
            {
              verified: result.verified,
              checks: result.checks.filter((c) => c.ok).map((c) => c.name),
              warnings: result.warnings,
              errors: failed.map((c) => ({ check: c.name, message: c.message ?? `${c.name} failed` })),
              results: result.checks,
              credentialResults: result.credentialResults,
            },
            { 'cache-control': 'no-store' },
          );
        },
        'GET /issuers/{slug}/did.json': async (event) =>
          json(200, await documents.didDocument(param(event, 'slug')), {
            ...PUBLIC_CACHE,
            'content-type': 'application/did+json',
          }),
        'GET /images/{file}': async (event) => {
          const image = await documents.image(event.pathParameters?.file ?? '');
          return {
            statusCode: 200,
            headers: { 'content-type': image.contentType, ...IMAGE_HEADERS },
            body: Buffer.from(image.data).toString('base64'),
            isBase64Encoded: true,
          };
        },
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
