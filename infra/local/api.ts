import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { type Authorizer, type Route, routeKey } from '#shared/routes/manifest.ts';
import type { AuthorizedRequest } from '#shared/runtime/jwt-auth.ts';
import { invoke, type LocalFunction } from './lambda.ts';
import { readBody } from './process.ts';

/** API Gateway's request payload limit. */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

type Segment = { kind: 'literal'; value: string } | { kind: 'param'; name: string } | { kind: 'greedy'; name: string };

/** A route as the local API needs it: the manifest's, with any function name (tests route to fakes). */
export type ApiRoute = Pick<Route, 'method' | 'path' | 'auth'> & { fn: string };

interface CompiledRoute {
  method: string;
  routeKey: string;
  fn: string;
  segments: Segment[];
}

export interface RouteMatch {
  routeKey: string;
  fn: string;
  pathParameters: Record<string, string> | undefined;
}

/** Splits `/claim/{token}` into segments; `{name+}` is a greedy parameter, last only, as in API Gateway. */
function compile(route: ApiRoute): CompiledRoute {
  const parts = route.path.split('/').slice(1);
  const segments = parts.map((part, i): Segment => {
    const param = /^\{([A-Za-z0-9_.-]+)(\+?)\}$/.exec(part);
    if (!param) return { kind: 'literal', value: part };
    const name = param[1] ?? '';
    if (param[2]) {
      if (i !== parts.length - 1) throw new Error(`greedy parameter must be last: ${route.path}`);
      return { kind: 'greedy', name };
    }
    return { kind: 'param', name };
  });
  return { method: route.method, routeKey: routeKey(route), fn: route.fn, segments };
}

const rank = { literal: 0, param: 1, greedy: 2 } as const;

/** API Gateway picks the most specific route: at the first segment where two candidates differ, a literal wins. */
function moreSpecific(a: CompiledRoute, b: CompiledRoute): number {
  const n = Math.max(a.segments.length, b.segments.length);
  for (let i = 0; i < n; i++) {
    const x = a.segments[i];
    const y = b.segments[i];
    if (!x || !y) return x ? -1 : 1;
    if (x.kind !== y.kind) return rank[x.kind] - rank[y.kind];
  }
  return 0;
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function tryMatch(route: CompiledRoute, parts: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < route.segments.length; i++) {
    const segment = route.segments[i];
    const part = parts[i];
    if (!segment || part === undefined) return undefined;
    if (segment.kind === 'greedy') {
      const rest = parts.slice(i);
      if (rest.join('') === '') return undefined;
      params[segment.name] = rest.map(decode).join('/');
      return params;
    }
    if (segment.kind === 'literal') {
      if (decode(part) !== segment.value) return undefined;
    } else {
      if (part === '') return undefined;
      params[segment.name] = decode(part);
    }
  }
  return parts.length === route.segments.length ? params : undefined;
}

/** Builds the router for a route table: method and raw path in, route key, function and path parameters out. */
export function router(routes: readonly ApiRoute[]) {
  const compiled = routes.map(compile);
  return (method: string, rawPath: string): RouteMatch | undefined => {
    const parts = rawPath.split('/').slice(1);
    let best: { route: CompiledRoute; params: Record<string, string> } | undefined;
    for (const route of compiled) {
      if (route.method !== method) continue;
      const params = tryMatch(route, parts);
      if (params && (!best || moreSpecific(route, best.route) < 0)) best = { route, params };
    }
    if (!best) return undefined;
    const hasParams = Object.keys(best.params).length > 0;
    return { routeKey: best.route.routeKey, fn: best.route.fn, pathParameters: hasParams ? best.params : undefined };
  };
}

/**
 * Content types API Gateway HTTP APIs pass as text. Everything else, a missing type and form posts included, reaches
 * the function base64-encoded, so handlers must honour `isBase64Encoded` locally exactly as on AWS.
 */
export function isTextContentType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  return (
    type.startsWith('text/') ||
    type === 'application/json' ||
    type === 'application/xml' ||
    type === 'application/javascript'
  );
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => String(n).padStart(2, '0');
/** `12/Mar/2026:19:03:58 +0000`, the format of `requestContext.time`. */
function clfTime(d: Date): string {
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

/** The request as the HTTP API payload format 2.0 gives it to Lambda. */
export function toApiGatewayEvent(
  req: IncomingMessage,
  body: Buffer,
  match: RouteMatch,
  opts: { port: number; now?: Date },
): APIGatewayProxyEventV2 {
  const now = opts.now ?? new Date();
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const rawPathEncoded = q === -1 ? url : url.slice(0, q);
  const rawQueryString = q === -1 ? '' : url.slice(q + 1);
  // HTTP APIs hand the path over decoded.
  const rawPath = rawPathEncoded.split('/').map(decode).join('/');

  const headers: Record<string, string> = {};
  let cookies: string[] | undefined;
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = (req.rawHeaders[i] ?? '').toLowerCase();
    const value = req.rawHeaders[i + 1] ?? '';
    if (name === 'cookie') {
      // Cookies move from the headers to their own array.
      cookies = [
        ...(cookies ?? []),
        ...value
          .split(';')
          .map((c) => c.trim())
          .filter(Boolean),
      ];
      continue;
    }
    headers[name] = headers[name] === undefined ? value : `${headers[name]},${value}`;
  }
  const sourceIp = (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  headers['x-forwarded-for'] = headers['x-forwarded-for'] ? `${headers['x-forwarded-for']}, ${sourceIp}` : sourceIp;
  headers['x-forwarded-port'] = String(opts.port);
  headers['x-forwarded-proto'] = 'https';
  headers['x-amzn-trace-id'] ??=
    `Root=1-${Math.floor(now.getTime() / 1000).toString(16)}-${randomBytes(12).toString('hex')}`;

  let queryStringParameters: Record<string, string> | undefined;
  if (rawQueryString) {
    queryStringParameters = {};
    for (const [k, v] of new URLSearchParams(rawQueryString)) {
      const prev = queryStringParameters[k];
      queryStringParameters[k] = prev === undefined ? v : `${prev},${v}`;
    }
  }

  const domainName = (headers.host ?? 'localhost').replace(/:\d+$/, '');
  const text = isTextContentType(headers['content-type']);
  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey: match.routeKey,
    rawPath,
    rawQueryString,
    ...(cookies ? { cookies } : {}),
    headers,
    ...(queryStringParameters ? { queryStringParameters } : {}),
    ...(match.pathParameters ? { pathParameters: match.pathParameters } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName,
      domainPrefix: domainName.split('.')[0] ?? domainName,
      http: {
        method: req.method ?? 'GET',
        path: rawPath,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: match.routeKey,
      stage: '$default',
      time: clfTime(now),
      timeEpoch: now.getTime(),
    },
    isBase64Encoded: body.length > 0 && !text,
  };
  if (body.length > 0) event.body = text ? body.toString('utf8') : body.toString('base64');
  return event;
}

function sendJson(res: ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'apigw-requestid': randomUUID(),
  });
  res.end(text);
}

/**
 * Writes a function's result as API Gateway does for payload format 2.0: a structured result as given (base64 bodies
 * decoded, `cookies` as Set-Cookie headers); any other value, or an object without `statusCode`, as a 200 JSON body.
 */
export function writeResult(res: ServerResponse, result: unknown) {
  if (typeof result === 'object' && result !== null && 'statusCode' in result) {
    const r = result as APIGatewayProxyStructuredResultV2;
    if (!Number.isInteger(r.statusCode) || (r.statusCode ?? 0) < 100 || (r.statusCode ?? 0) > 599) {
      throw new Error(`invalid statusCode ${JSON.stringify(r.statusCode)}`);
    }
    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(r.headers ?? {})) headers[k.toLowerCase()] = String(v);
    if (r.cookies?.length) headers['set-cookie'] = r.cookies;
    const body = r.body === undefined ? Buffer.alloc(0) : Buffer.from(r.body, r.isBase64Encoded ? 'base64' : 'utf8');
    headers['content-length'] = String(body.length);
    res.writeHead(r.statusCode ?? 200, headers);
    res.end(body);
    return;
  }
  const text = typeof result === 'string' ? result : JSON.stringify(result ?? null);
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) });
  res.end(text);
}

export interface LocalApi {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * The local API Gateway: an HTTPS server that matches each request against the manifest's routes, turns it into a
 * payload 2.0 event, invokes the route's function with its timeout, and writes the result back. Unknown routes get
 * API Gateway's own 404; a function that throws or times out, its 500.
 */
export async function startApi(opts: {
  port: number;
  tls: { cert: string; key: string };
  routes: readonly ApiRoute[];
  functions: Readonly<Record<string, LocalFunction>>;
  /** Where a function's error (the API answers 500) is reported, as CloudWatch would hold it. */
  warn?: (line: string) => void;
  /**
   * What API Gateway's JWT authorizers do, per manifest `auth`: a route naming one runs only for a request it
   * accepts (else API Gateway's 401), and the function gets the claims in `requestContext.authorizer.jwt`. A kind
   * with no authorizer here reaches its function unchecked, which must then check the token itself (`vc-api` does).
   */
  authorizers?: Partial<
    Record<Authorizer, (headers: Record<string, string | undefined>) => Promise<AuthorizedRequest | undefined>>
  >;
  /**
   * Routes that exist only in local mode, keyed `METHOD /path` (exact path), answered in process: stand-ins for
   * managed AWS endpoints such as Cognito's token endpoint.
   */
  localRoutes?: Readonly<
    Record<
      string,
      (req: { headers: Record<string, string | undefined>; body: Buffer }) => Promise<{
        statusCode: number;
        headers: Record<string, string>;
        body: string;
      }>
    >
  >;
}): Promise<LocalApi> {
  const match = router(opts.routes);
  const authOf = new Map(opts.routes.map((r) => [routeKey(r), r.auth]));
  for (const r of opts.routes) {
    if (!opts.functions[r.fn]) throw new Error(`route ${routeKey(r)} names unknown function ${r.fn}`);
  }
  let port = opts.port;

  const server = createServer({ cert: opts.tls.cert, key: opts.tls.key }, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      opts.warn?.(
        `api: ${req.method} ${req.url}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
      if (!res.headersSent) sendJson(res, 500, { message: 'Internal Server Error' });
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const local = opts.localRoutes?.[`${req.method ?? 'GET'} ${path}`];
    if (local) {
      const body = await readBody(req, MAX_BODY_BYTES);
      if (!body) return sendJson(res, 413, { message: 'Request Entity Too Large' });
      return writeResult(res, await local({ headers: req.headers as Record<string, string | undefined>, body }));
    }
    const found = match(req.method ?? 'GET', path);
    if (!found) {
      req.resume();
      return sendJson(res, 404, { message: 'Not Found' });
    }
    const body = await readBody(req, MAX_BODY_BYTES);
    if (!body) {
      res.setHeader('connection', 'close');
      return sendJson(res, 413, { message: 'Request Entity Too Large' });
    }
    const fn = opts.functions[found.fn];
    if (!fn) throw new Error(`no function ${found.fn}`);
    const auth = authOf.get(found.routeKey);
    const authorize = auth ? opts.authorizers?.[auth] : undefined;
    const authorized = authorize ? await authorize(req.headers as Record<string, string | undefined>) : undefined;
    if (authorize && !authorized) return sendJson(res, 401, { message: 'Unauthorized' });
    const event = toApiGatewayEvent(req, body, found, { port });
    if (authorized) {
      (event.requestContext as { authorizer?: unknown }).authorizer = {
        jwt: { claims: authorized.claims, scopes: authorized.scopes },
      };
    }
    const result = await invoke(fn, event);
    writeResult(res, result);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `https://localhost:${port}`,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
