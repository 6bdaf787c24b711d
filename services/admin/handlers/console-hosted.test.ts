import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, SignJWT } from 'jose';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { httpEvent, lambdaContext } from '#shared/testing/http.ts';
import { adminTestBed, BASE, cookieValue } from '../../../test/support/admin.ts';
import { consoleCognito } from '../wiring.ts';
import { CSRF_COOKIE, OAUTH_STATE_COOKIE, OAUTH_VERIFIER_COOKIE, SESSION_COOKIE } from './console.ts';
import { buildHandler } from './http.ts';

// The module also builds its production handler at import: give its wiring settings it will never use.
await vi.hoisted(async () =>
  Object.assign(process.env, (await import('../../../test/support/admin-env.ts')).UNUSED_ADMIN_ENV),
);

/**
 * The console's AWS sign-in end to end in process: the pages, the real wiring (`consoleCognito`), real `fetch` and
 * `jose`, against a stand-in user pool on 127.0.0.1 (its JWKS and its hosted UI's token endpoint). Nothing leaves
 * the machine.
 */

const CLIENT_ID = 'console-client-id';
const CODE = 'the-one-code';

const poolKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
const strangerKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...(await exportJWK(poolKey.publicKey)), kid: 'pool-1', alg: 'RS256', use: 'sig' };

/** What the token endpoint got, and the ID token it hands out next. */
const tokenRequests: Record<string, string>[] = [];
let nextIdToken = '';
const readBody = async (req: IncomingMessage) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};
const pool = createServer(async (req, res) => {
  if (req.method === 'GET' && req.url === '/pool/.well-known/jwks.json') {
    res.writeHead(200, { 'content-type': 'application/json' });
    return res.end(JSON.stringify({ keys: [jwk] }));
  }
  if (req.method === 'POST' && req.url === '/oauth2/token') {
    const form = Object.fromEntries(new URLSearchParams(await readBody(req)));
    tokenRequests.push(form);
    const ok = form.grant_type === 'authorization_code' && form.client_id === CLIENT_ID && form.code === CODE;
    res.writeHead(ok ? 200 : 400, { 'content-type': 'application/json' });
    return res.end(JSON.stringify(ok ? { id_token: nextIdToken, token_type: 'Bearer' } : { error: 'invalid_grant' }));
  }
  res.writeHead(404).end();
});
await new Promise<void>((resolve) => pool.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${(pool.address() as AddressInfo).port}`;
const ISSUER = `${origin}/pool`;
afterAll(() => new Promise<void>((resolve) => pool.close(() => resolve())));

const idToken = async (
  o: { aud?: string; iss?: string; exp?: number; tokenUse?: string; key?: KeyObject; groups?: string[] } = {},
) => {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    email: 'chair@example.edu',
    'cognito:groups': o.groups ?? ['admin'],
    token_use: o.tokenUse ?? 'id',
  })
    .setProtectedHeader({ alg: 'RS256', kid: 'pool-1' })
    .setSubject('user-1')
    .setIssuer(o.iss ?? ISSUER)
    .setAudience(o.aud ?? CLIENT_ID)
    .setIssuedAt(now - 10)
    .setExpirationTime(o.exp ?? now + 3600)
    .sign(o.key ?? poolKey.privateKey);
};

const bed = await adminTestBed();
const handler = buildHandler(
  bed.deps(
    consoleCognito({
      PUBLIC_BASE_URL: BASE,
      CONSOLE_CLIENT_ID: CLIENT_ID,
      CONSOLE_TOKEN_ISSUER: ISSUER,
      CONSOLE_AUTH_DOMAIN: origin,
    }),
  ),
);

const call = async (key: string, r: { query?: Record<string, string>; cookies?: Record<string, string> } = {}) => {
  const event = httpEvent(key, { headers: { origin: BASE }, ...(r.query && { query: r.query }) });
  if (r.cookies) event.cookies = Object.entries(r.cookies).map(([k, v]) => `${k}=${v}`);
  const res = await handler(event, lambdaContext);
  return {
    status: res.statusCode,
    body: res.body ?? '',
    headers: res.headers ?? {},
    setCookies: (res as { cookies?: string[] }).cookies ?? [],
  };
};

const setCookie = (set: string[], name: string) => set.find((c) => c.startsWith(`${name}=`));

/** Starts a sign-in as a browser does: returns the authorize URL's parameters and the cookies kept for the callback. */
const start = async () => {
  const res = await call('GET /admin/sign-in');
  const url = new URL(String(res.headers.location ?? ''));
  return {
    res,
    url,
    params: Object.fromEntries(url.searchParams),
    kept: {
      [OAUTH_STATE_COOKIE]: cookieValue(res.setCookies, OAUTH_STATE_COOKIE) ?? '',
      [OAUTH_VERIFIER_COOKIE]: cookieValue(res.setCookies, OAUTH_VERIFIER_COOKIE) ?? '',
    },
  };
};

beforeEach(() => {
  tokenRequests.length = 0;
});

describe('console sign-in through the user pool (AWS)', () => {
  it('sends the browser to the hosted UI with PKCE (S256) and a state, both kept in short-lived Lax cookies', async () => {
    // Act
    const { res, url, params, kept } = await start();
    // Assess
    expect(res.status).toBe(303);
    expect(`${url.origin}${url.pathname}`).toBe(`${origin}/oauth2/authorize`);
    expect(params).toMatchObject({
      response_type: 'code',
      client_id: CLIENT_ID,
      redirect_uri: `${BASE}/admin/callback`,
      code_challenge_method: 'S256',
    });
    expect(params.state).toBe(kept[OAUTH_STATE_COOKIE]);
    expect(params.state).toMatch(/^[\w-]{43}$/);
    expect(params.code_challenge).toBe(
      createHash('sha256')
        .update(kept[OAUTH_VERIFIER_COOKIE] ?? '')
        .digest('base64url'),
    );
    expect(params.code_challenge).not.toBe(kept[OAUTH_VERIFIER_COOKIE]);
    for (const name of [OAUTH_STATE_COOKIE, OAUTH_VERIFIER_COOKIE])
      expect(setCookie(res.setCookies, name)).toMatch(
        new RegExp(`^${name}=[\\w-]{43}; Path=/admin/callback; HttpOnly; Secure; SameSite=Lax; Max-Age=600$`),
      );
    // Each sign-in gets its own secrets.
    expect((await start()).params.state).not.toBe(params.state);
  });

  it('on the way back checks the state, trades the code with the verifier, and sets the same session cookie', async () => {
    // Prepare
    const { params, kept } = await start();
    nextIdToken = await idToken();
    // Act
    const res = await call('GET /admin/callback', { query: { code: CODE, state: params.state ?? '' }, cookies: kept });
    // Assess: the code was traded with the verifier whose hash the hosted UI saw
    expect(tokenRequests).toEqual([
      {
        grant_type: 'authorization_code',
        client_id: CLIENT_ID,
        code: CODE,
        redirect_uri: `${BASE}/admin/callback`,
        code_verifier: kept[OAUTH_VERIFIER_COOKIE],
      },
    ]);
    expect(res.status).toBe(200);
    expect(setCookie(res.setCookies, SESSION_COOKIE)).toMatch(
      /^laurel_console=[\w-]+\.[\w-]+\.[\w-]+; Path=\/admin; HttpOnly; Secure; SameSite=Strict; Max-Age=\d+$/,
    );
    expect(cookieValue(res.setCookies, SESSION_COOKIE)).toBe(nextIdToken);
    expect(setCookie(res.setCookies, OAUTH_STATE_COOKIE)).toContain('Max-Age=0');
    expect(setCookie(res.setCookies, OAUTH_VERIFIER_COOKIE)).toContain('Max-Age=0');
    // A same-site step onward, so the Strict cookie rides along.
    expect(res.body).toContain('<meta http-equiv="refresh" content="0;url=/admin">');
    // Assess: the session opens the console, as the signed-in user
    const session = {
      [SESSION_COOKIE]: cookieValue(res.setCookies, SESSION_COOKIE) ?? '',
      [CSRF_COOKIE]: cookieValue(res.setCookies, CSRF_COOKIE) ?? '',
    };
    const dashboard = await call('GET /admin', { cookies: session });
    expect(dashboard.status).toBe(200);
    expect(dashboard.body).toContain('chair@example.edu');
  });

  it('refuses a forged or missing state without trading the code', async () => {
    // Prepare
    const { kept } = await start();
    const other = await start();
    nextIdToken = await idToken();
    // Act
    const forged = await call('GET /admin/callback', {
      query: { code: CODE, state: other.params.state ?? '' },
      cookies: kept,
    });
    const noCookies = await call('GET /admin/callback', { query: { code: CODE, state: other.params.state ?? '' } });
    const noState = await call('GET /admin/callback', { query: { code: CODE }, cookies: kept });
    // Assess
    for (const res of [forged, noCookies, noState]) {
      expect(res.status).toBe(401);
      expect(setCookie(res.setCookies, SESSION_COOKIE)).toBeUndefined();
      expect(res.body).toContain('href="/admin/sign-in"');
    }
    expect(tokenRequests).toEqual([]);
  });

  it.each([
    ['a token for another app client', () => idToken({ aud: 'someone-elses-client' })],
    ['an expired token', () => idToken({ exp: Math.floor(Date.now() / 1000) - 300 })],
    ['an access token', () => idToken({ tokenUse: 'access' })],
    ['a token from another issuer', () => idToken({ iss: 'https://cognito-idp.eu-west-1.amazonaws.com/other' })],
    ['a token not signed by the pool', () => idToken({ key: strangerKey.privateKey })],
  ])('refuses %s from the token endpoint and sets no session', async (_, make) => {
    // Prepare
    const { params, kept } = await start();
    nextIdToken = await make();
    // Act
    const res = await call('GET /admin/callback', { query: { code: CODE, state: params.state ?? '' }, cookies: kept });
    // Assess
    expect(tokenRequests).toHaveLength(1);
    expect(res.status).toBe(401);
    expect(setCookie(res.setCookies, SESSION_COOKIE)).toBeUndefined();
    // Nor would such a token open a page if a browser presented it as a session.
    const page = await call('GET /admin', { cookies: { [SESSION_COOKIE]: nextIdToken } });
    expect(page).toMatchObject({ status: 303, headers: { location: '/admin/sign-in' } });
  });

  it('shows a refused code or a cancelled sign-in as a page to start again, escaped', async () => {
    const { params, kept } = await start();
    const refused = await call('GET /admin/callback', {
      query: { code: 'stale', state: params.state ?? '' },
      cookies: kept,
    });
    expect(refused.status).toBe(401);
    expect(setCookie(refused.setCookies, SESSION_COOKIE)).toBeUndefined();
    const cancelled = await call('GET /admin/callback', {
      query: { error: '<script>alert(1)</script>', state: params.state ?? '' },
      cookies: kept,
    });
    expect(cancelled.status).toBe(401);
    expect(cancelled.body).not.toContain('<script>alert(1)');
    expect(setCookie(cancelled.setCookies, SESSION_COOKIE)).toBeUndefined();
  });

  it('signs out by clearing the session and ending the hosted UI session too', async () => {
    // Prepare
    const { params, kept } = await start();
    nextIdToken = await idToken();
    const signedIn = await call('GET /admin/callback', {
      query: { code: CODE, state: params.state ?? '' },
      cookies: kept,
    });
    const csrf = cookieValue(signedIn.setCookies, CSRF_COOKIE) ?? '';
    const event = httpEvent('POST /admin/sign-out', {
      headers: { origin: BASE, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf }).toString(),
    });
    event.cookies = [`${SESSION_COOKIE}=${nextIdToken}`, `${CSRF_COOKIE}=${csrf}`];
    // Act
    const res = await handler(event, lambdaContext);
    // Assess
    expect(res.statusCode).toBe(303);
    const location = new URL(String(res.headers?.location ?? ''));
    expect(`${location.origin}${location.pathname}`).toBe(`${origin}/logout`);
    expect(Object.fromEntries(location.searchParams)).toEqual({ client_id: CLIENT_ID, logout_uri: `${BASE}/admin` });
    expect((res as { cookies?: string[] }).cookies).toContain(
      `${SESSION_COOKIE}=; Path=/admin; HttpOnly; Secure; SameSite=Strict; Max-Age=0`,
    );
  });
});
