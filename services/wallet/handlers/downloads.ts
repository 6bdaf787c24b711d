import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { badgeView } from '#shared/pages/badge-view.ts';
import { urls } from '#shared/routes/manifest.ts';
import { type HttpEvent, routeRequests } from '#shared/runtime/http.ts';
import { renderCertificatePdf } from '../domain/certificate-pdf.ts';
import { type DownloadsHandlerDeps, wiring } from '../downloads-wiring.ts';

/** Public files: cacheable, readable from any origin (as the credential's page and its JSON are). */
const PUBLIC = { 'cache-control': 'public, max-age=300', 'access-control-allow-origin': '*' };

/** A file name from a title: ASCII letters, digits and hyphens, so no header can be bent by it. */
const fileName = (title: string, id: string, ext: string) =>
  `${
    title
      .normalize('NFKD')
      .replace(/[^\w\s-]/g, '')
      .trim()
      .replace(/[\s_]+/g, '-')
      .toLowerCase()
      .slice(0, 60) || 'credential'
  }-${id.slice(0, 8)}.${ext}`;

/**
 * What anyone with a credential's page may take away: the signed credential as a JSON file and a printable PDF
 * certificate. Its own function (manifest `downloads`): it holds no key and only reads the table, and the PDF library
 * sits in no bundle of a function that signs.
 */
export const buildHandler = (deps: DownloadsHandlerDeps = wiring()) => {
  const { downloads } = deps;
  const links = urls(deps.publicBaseUrl);
  const id = (event: HttpEvent) => event.pathParameters?.id ?? '';
  return middy(
    routeRequests(
      {
        'GET /credentials/{id}/credential.json': async (event) => {
          const record = await downloads.record(id(event));
          return {
            statusCode: 200,
            headers: {
              ...PUBLIC,
              'content-type': 'application/ld+json',
              'content-disposition': `attachment; filename="${fileName(badgeView(record.document).name, record.id, 'json')}"`,
              'x-content-type-options': 'nosniff',
            },
            body: JSON.stringify(record.document, null, 2),
          };
        },
        'GET /credentials/{id}/certificate.pdf': async (event) => {
          const record = await downloads.record(id(event));
          const view = badgeView(record.document);
          const pdf = await renderCertificatePdf({ view, pageUrl: links.credential(record.id) });
          return {
            statusCode: 200,
            headers: {
              ...PUBLIC,
              'content-type': 'application/pdf',
              'content-disposition': `inline; filename="${fileName(view.name, record.id, 'pdf')}"`,
              'x-content-type-options': 'nosniff',
            },
            body: Buffer.from(pdf).toString('base64'),
            isBase64Encoded: true,
          };
        },
      },
      deps.logger,
    ),
  ).use(injectLambdaContext(deps.logger));
};

export const handler = buildHandler();
