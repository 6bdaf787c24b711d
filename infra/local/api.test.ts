import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { routes } from '#shared/routes/manifest.ts';
import { httpsRequest } from '../../test/support/https.ts';
import { isTextContentType, type LocalApi, MAX_BODY_BYTES, router, startApi } from './api.ts';
import type { LocalFunction } from './lambda.ts';
import { localTls, type TlsMaterial } from './tls.ts';

let dir: string;
let tls: TlsMaterial;
let api: LocalApi;
const seen: { fn: string; event: APIGatewayProxyEventV2; remainingMs: number }[] = [];
let reply: (event: APIGatewayProxyEventV2) => unknown = () => ({ statusCode: 204 });

/** Fake functions named like the manifest's, recording the events they get. */
const fake = (name: string): LocalFunction => ({
  name,
  timeoutSeconds: 10,
  memoryMb: 128,
  handler: (async (event: APIGatewayProxyEventV2, context: { getRemainingTimeInMillis(): number }) => {
    seen.push({ fn: name, event, remainingMs: context.getRemainingTimeInMillis() });
    return reply(event);
  }) as LocalFunction['handler'],
});

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'laurel-api-'));
  tls = await localTls(dir);
  api = await startApi({
    port: 0,
    tls,
    routes,
    // A fake for every function the manifest's routes name.
    functions: Object.fromEntries([...new Set(routes.map((r) => r.fn))].map((name) => [name, fake(name)])),
    // Stands in for the JWT verification: accepts one token, as API Gateway's authorizer accepts valid ones.
    authorizers: {
      admin: async (headers) =>
        headers.authorization === 'Bearer good'
          ? { claims: { sub: 'u1', 'cognito:groups': '[admin]' }, scopes: null }
          : undefined,
    },
  });
});

afterAll(async () => {
  await api.stop();
  await rm(dir, { recursive: true, force: true });
});

beforeEach(() => {
  seen.length = 0;
  reply = () => ({ statusCode: 204 });
});

const call = (path: string, init: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {}) =>
  httpsRequest(`${api.url}${path}`, { ca: tls.cert, ...init });

describe('local API: request to payload 2.0 event', () => {
  it('builds the event API Gateway would send for a GET with path parameters, query, cookies and headers', async () => {
    // Act
    const res = await call('/claim/abc%20def?x=1&x=2&y=a%26b', {
      headers: { Cookie: 'session=s1; theme=dark', 'X-Custom': 'Yes', 'User-Agent': 'laurel-test' },
    });

    // Assess
    expect(res.status).toBe(204);
    expect(seen).toHaveLength(1);
    const { fn, event, remainingMs } = seen[0] ?? ({} as never);
    expect(fn).toBe('claim');
    expect(remainingMs).toBeGreaterThan(9_000);
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'GET /claim/{token}',
      rawPath: '/claim/abc def',
      rawQueryString: 'x=1&x=2&y=a%26b',
      cookies: ['session=s1', 'theme=dark'],
      queryStringParameters: { x: '1,2', y: 'a&b' },
      pathParameters: { token: 'abc def' },
      isBase64Encoded: false,
      requestContext: {
        accountId: '000000000000',
        domainName: 'localhost',
        http: {
          method: 'GET',
          path: '/claim/abc def',
          protocol: 'HTTP/1.1',
          sourceIp: '127.0.0.1',
          userAgent: 'laurel-test',
        },
        routeKey: 'GET /claim/{token}',
        stage: '$default',
      },
    });
    expect(event.headers).toMatchObject({
      'x-custom': 'Yes',
      'user-agent': 'laurel-test',
      'x-forwarded-proto': 'https',
      'x-forwarded-for': '127.0.0.1',
      'x-forwarded-port': String(api.port),
    });
    expect(event.headers.cookie).toBeUndefined();
    expect(event.body).toBeUndefined();
    expect(event.requestContext.requestId).toMatch(/[0-9a-f-]{36}/);
    expect(event.requestContext.time).toMatch(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    expect(Math.abs(event.requestContext.timeEpoch - Date.now())).toBeLessThan(5_000);
  });

  it('passes JSON bodies as text and form posts base64-encoded, as HTTP APIs do', async () => {
    await call('/credentials/verify', {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: '{"verifiableCredential":{}}',
    });
    await call('/claim/t1', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'accept=yes&name=Ada+L',
    });

    const [json, form] = seen.map((s) => s.event);
    expect(json).toMatchObject({
      routeKey: 'POST /credentials/verify',
      body: '{"verifiableCredential":{}}',
      isBase64Encoded: false,
    });
    expect(json?.pathParameters).toBeUndefined();
    expect(form).toMatchObject({
      routeKey: 'POST /claim/{token}',
      isBase64Encoded: true,
      pathParameters: { token: 't1' },
    });
    expect(Buffer.from(form?.body ?? '', 'base64').toString()).toBe('accept=yes&name=Ada+L');
  });

  it('routes by method and by the longest literal match', async () => {
    await call('/issuers/demo/did.json');
    await call('/issuers/demo');
    await call('/credentials/verify');

    expect(seen.map((s) => [s.event.routeKey, s.event.pathParameters])).toEqual([
      ['GET /issuers/{slug}/did.json', { slug: 'demo' }],
      ['GET /issuers/{slug}', { slug: 'demo' }],
      ['GET /credentials/{id}', { id: 'verify' }],
    ]);
  });

  it("answers an unknown route with API Gateway's 404 without invoking anything", async () => {
    const responses = await Promise.all([
      call('/nope'),
      call('/claim'),
      call('/claim/a/b'),
      call('/credentials/abc', { method: 'DELETE' }),
    ]);
    for (const res of responses) {
      expect(res.status).toBe(404);
      expect(JSON.parse(res.text)).toEqual({ message: 'Not Found' });
    }
    expect(seen).toHaveLength(0);
  });

  it('refuses bodies over 10 MB with 413', async () => {
    const res = await call('/credentials/verify', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: Buffer.alloc(MAX_BODY_BYTES + 1, 0x20),
    });
    expect(res.status).toBe(413);
    expect(seen).toHaveLength(0);
  });
});

describe('local API: result to response', () => {
  it('writes status, headers, cookies and a base64 body', async () => {
    reply = () => ({
      statusCode: 201,
      headers: { 'Content-Type': 'image/png', 'X-Count': 3, 'cache-control': 'max-age=60' },
      cookies: ['a=1; Secure', 'b=2; HttpOnly'],
      body: Buffer.from([0x89, 0x50, 0x4e, 0x47]).toString('base64'),
      isBase64Encoded: true,
    });

    const res = await call('/health');

    expect(res.status).toBe(201);
    expect(res.headers['content-type']).toBe('image/png');
    expect(res.headers['x-count']).toBe('3');
    expect(res.headers['cache-control']).toBe('max-age=60');
    expect(res.headers['set-cookie']).toEqual(['a=1; Secure', 'b=2; HttpOnly']);
    expect([...res.body]).toEqual([0x89, 0x50, 0x4e, 0x47]);
  });

  it('infers a 200 JSON response from a result without statusCode', async () => {
    reply = () => ({ ok: true });
    const res = await call('/health');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(JSON.parse(res.text)).toEqual({ ok: true });
  });

  it('answers 500 with API Gateway’s body when the function throws, without leaking the error', async () => {
    reply = () => {
      throw new Error('secret detail');
    };
    const res = await call('/health');
    expect(res.status).toBe(500);
    expect(JSON.parse(res.text)).toEqual({ message: 'Internal Server Error' });
  });
});

describe('local API: authorizers, as API Gateway runs them', () => {
  it('answers 401 before the function runs when a route needs a token and none (or a bad one) came', async () => {
    const none = await call('/admin/api/me');
    const bad = await call('/admin/api/me', { headers: { authorization: 'Bearer forged' } });
    expect([none.status, bad.status]).toEqual([401, 401]);
    expect(JSON.parse(none.text)).toEqual({ message: 'Unauthorized' });
    expect(seen).toHaveLength(0);
  });

  it("hands the function the authorizer's claims in requestContext.authorizer.jwt", async () => {
    const res = await call('/admin/api/achievements/x', { headers: { authorization: 'Bearer good' } });
    expect(res.status).toBe(204);
    expect(seen[0]?.event.requestContext).toMatchObject({
      routeKey: 'GET /admin/api/achievements/{id}',
      authorizer: { jwt: { claims: { sub: 'u1', 'cognito:groups': '[admin]' }, scopes: null } },
    });
  });

  it('leaves public routes public, and a kind with no local authorizer to its function', async () => {
    await call('/admin/api/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    await call('/credentials/issue', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(seen.map((s) => [s.fn, (s.event.requestContext as { authorizer?: unknown }).authorizer])).toEqual([
      ['admin', undefined],
      ['issue', undefined],
    ]);
  });
});

describe('router', () => {
  it('prefers literal segments over parameters wherever they are declared', () => {
    const match = router([
      { method: 'GET', path: '/a/{x}', fn: 'p' },
      { method: 'GET', path: '/a/literal', fn: 'l' },
      { method: 'GET', path: '/files/{path+}', fn: 'g' },
    ]);
    expect(match('GET', '/a/literal')).toMatchObject({ fn: 'l', pathParameters: undefined });
    expect(match('GET', '/a/other')).toMatchObject({ fn: 'p', pathParameters: { x: 'other' } });
    expect(match('GET', '/files/x/y%2Fz')).toMatchObject({ fn: 'g', pathParameters: { path: 'x/y/z' } });
    expect(match('POST', '/a/literal')).toBeUndefined();
    expect(match('GET', '/a/')).toBeUndefined();
  });
});

describe('isTextContentType', () => {
  it('treats text/*, JSON, XML and JavaScript as text and everything else as binary', () => {
    expect(
      ['text/html', 'application/json; charset=utf-8', 'application/xml', 'application/javascript'].map(
        isTextContentType,
      ),
    ).toEqual([true, true, true, true]);
    expect(
      [undefined, 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'image/png'].map(
        isTextContentType,
      ),
    ).toEqual([false, false, false, false]);
  });
});
