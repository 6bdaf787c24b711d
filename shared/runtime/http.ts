import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { isPermanent } from './errors.ts';
import { html, page, pageHeaders } from './html.ts';

export type HttpEvent = APIGatewayProxyEventV2;
export type HttpResult = APIGatewayProxyStructuredResultV2;
export type RouteHandler = (event: HttpEvent) => Promise<HttpResult>;

export const json = (statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResult => ({
  statusCode,
  headers: { 'content-type': 'application/json', 'x-content-type-options': 'nosniff', ...headers },
  body: JSON.stringify(body),
});

export const htmlPage = (
  statusCode: number,
  title: string,
  body: ReturnType<typeof html>,
  headers = {},
  /** Extra `<head>` markup: OpenGraph tags, alternates. */
  head?: ReturnType<typeof html>,
): HttpResult => ({
  statusCode,
  headers: { ...pageHeaders, 'cache-control': 'no-store', ...headers },
  body: page(title, body, head),
});

/** Does the client prefer JSON (or JSON-LD) over HTML? */
export const wantsJson = (event: HttpEvent): boolean => {
  const accept = (event.headers.accept ?? '').toLowerCase();
  return /application\/(ld\+)?json|application\/did\+/.test(accept) && !accept.startsWith('text/html');
};

/** Browsers ask for HTML; API clients, curl and verifiers get JSON. */
export const wantsHtml = (event: HttpEvent): boolean => (event.headers.accept ?? '').includes('text/html');

/** Reads a JSON body; a malformed one is the client's mistake, answered with 400. */
export const readJson = (event: HttpEvent): unknown => {
  if (!event.body) return undefined;
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  try {
    return JSON.parse(text);
  } catch {
    return Symbol.for('invalid-json');
  }
};
export const INVALID_JSON = Symbol.for('invalid-json');

/**
 * Dispatches on API Gateway's `routeKey` and maps errors in one place: exposed errors keep their status and message,
 * anything else is logged and answered with a bare 500. HTML or JSON follows the client's `Accept`.
 */
export const routeRequests =
  (routes: Record<string, RouteHandler>, logger: Logger) =>
  async (event: HttpEvent): Promise<HttpResult> => {
    const handle = routes[event.routeKey];
    try {
      if (!handle) return json(404, { message: 'Not Found' });
      return await handle(event);
    } catch (error) {
      const exposed = isPermanent(error) && error.expose;
      const status = exposed ? error.status : 500;
      const message = exposed ? error.message : 'Something went wrong on our side. Please try again later.';
      if (!exposed) logger.error('request failed', { routeKey: event.routeKey, error: error as Error });
      const code = exposed ? error.code : 'INTERNAL';
      if (!wantsHtml(event)) return json(status, { code, message });
      return htmlPage(status, 'Error', html`<div class="card"><h1>${message}</h1></div>`);
    }
  };
