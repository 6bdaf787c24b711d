import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { AdminStore } from '#shared/adapters/admin-store.dynamodb.ts';
import { AppStore } from '#shared/adapters/app-store.dynamodb.ts';
import { createLocalClaimKey } from '#shared/adapters/claim-key.local.ts';
import { ensureLocalUsers, readLocalUsers } from '#shared/adapters/local-users.ts';
import { LOCAL_SESSION, loadLocalSessionKey } from '#shared/adapters/session-key.local.ts';
import { createLocalSigner, localKeyRef } from '#shared/adapters/signer.local.ts';
import { learnerKey } from '#shared/learner-key.ts';
import { makeJwtAuthorizer } from '#shared/runtime/jwt-auth.ts';
import { httpEvent, lambdaContext } from '#shared/testing/http.ts';
import { testTables } from '../../../test/support/dynamo.ts';
import { makeSignIn } from '../app/session.ts';
import { makeAdminDeps } from '../wiring.ts';
import { CONSOLE_CSP, CSRF_COOKIE, consoleRouteKeys, SESSION_COOKIE } from './console.ts';
import { buildHandler } from './http.ts';

vi.hoisted(() =>
  Object.assign(process.env, {
    APP_TABLE_NAME: 'unused',
    EVENT_BUS_NAME: 'unused',
    PUBLIC_BASE_URL: 'https://badges.example.edu',
    SENDER_ADDRESS: 'badges@example.edu',
    CLAIM_KEY_ID: 'unused',
    SIGNING_KEY_ID: 'unused',
  }),
);

const BASE = 'https://badges.example.edu';
const INJECTION = '<script>window.__pwned=1</script><img src=x onerror=alert(1)>';
const db = await testTables();
const dataDir = mkdtempSync(join(tmpdir(), 'laurel-console-'));
const store = new AdminStore(db.client, db.names.app);
const appStore = new AppStore(db.client, db.names.app);
const signer = createLocalSigner({ dataDir });
const claimKey = createLocalClaimKey({ dataDir });
const sessionKey = await loadLocalSessionKey(dataDir);
const { users } = await ensureLocalUsers(dataDir);
const statusCalls: unknown[] = [];
const resent: unknown[] = [];
const promotions: { eventId: string; ruleId: string }[] = [];

const handler = buildHandler(
  makeAdminDeps({
    store,
    appStore,
    keys: {
      forIssuer: async (slug) => ({
        keyRef: localKeyRef(slug),
        publicKeyMultibase: await signer.publicKeyMultibase(localKeyRef(slug)),
      }),
    },
    claimKey,
    publisher: { dryRunPromoted: async (d) => void promotions.push(d) },
    resend: async (input) => {
      resent.push(input);
      return { credentialId: input.credentialId, expiresAt: '2026-06-13T16:20:00.000Z' };
    },
    status: {
      revoke: async (c: { credentialId: string; reason: string; actor: string }) => {
        statusCalls.push(['revoke', c]);
        return { credentialId: c.credentialId, action: 'revoke', outcome: 'changed', at: new Date().toISOString() };
      },
    } as never,
    publicBaseUrl: BASE,
    approvalsRequired: 2,
    signIn: makeSignIn({
      users: () => readLocalUsers(dataDir),
      key: sessionKey,
      issuer: `${BASE}/admin/api/session`,
      clock: { now: () => new Date() },
    }),
    verifySession: makeJwtAuthorizer({
      issuer: `${BASE}/admin/api/session`,
      audience: [LOCAL_SESSION.audience],
      key: sessionKey.publicKey,
      algorithms: [LOCAL_SESSION.algorithm],
    }),
  }),
);

interface Req {
  multipart?: { boundary: string; body: string };
  params?: Record<string, string>;
  query?: Record<string, string>;
  cookies?: Record<string, string>;
  form?: Record<string, string>;
  origin?: string;
}

const call = async (key: string, r: Req = {}) => {
  const event = httpEvent(key, {
    ...(r.params && { pathParameters: r.params }),
    headers: {
      'content-type': r.multipart
        ? `multipart/form-data; boundary=${r.multipart.boundary}`
        : 'application/x-www-form-urlencoded',
      ...(r.origin && { origin: r.origin }),
    },
    ...(r.form && { body: new URLSearchParams(r.form).toString() }),
    ...(r.multipart && { body: r.multipart.body }),
  });
  if (r.query) event.queryStringParameters = r.query;
  if (r.cookies) event.cookies = Object.entries(r.cookies).map(([k, v]) => `${k}=${v}`);
  const res = await handler(event, lambdaContext);
  const setCookies = (res as { cookies?: string[] }).cookies ?? [];
  return { status: res.statusCode, body: res.body ?? '', headers: res.headers ?? {}, setCookies };
};

const cookieValue = (set: string[], name: string) =>
  set
    .find((c) => c.startsWith(`${name}=`))
    ?.slice(name.length + 1, set.find((c) => c.startsWith(`${name}=`))?.indexOf(';'));

/** Signs in through the pages, as a browser does; returns the cookies a browser would then send. */
const signIn = async (who: string) => {
  const user = users.find((u) => u.email.startsWith(`${who}@`));
  const page = await call('GET /admin/sign-in');
  const csrf = cookieValue(page.setCookies, CSRF_COOKIE) ?? '';
  const res = await call('POST /admin/sign-in', {
    cookies: { [CSRF_COOKIE]: csrf },
    form: { _csrf: csrf, email: user?.email ?? '', password: user?.password ?? '' },
    origin: BASE,
  });
  expect(res.status).toBe(303);
  return {
    [SESSION_COOKIE]: cookieValue(res.setCookies, SESSION_COOKIE) ?? '',
    [CSRF_COOKIE]: cookieValue(res.setCookies, CSRF_COOKIE) ?? '',
  };
};

const admin = await signIn('admin');
const viewer = await signIn('viewer');
const reviewer1 = await signIn('reviewer1');
const reviewer2 = await signIn('reviewer2');
const demoAdmin = await signIn('demo-admin');
const post = (key: string, as: Record<string, string>, form: Record<string, string>, params?: Record<string, string>) =>
  call(key, { cookies: as, form: { _csrf: as[CSRF_COOKIE] ?? '', ...form }, origin: BASE, ...(params && { params }) });

describe('console pages: sign-in, sessions, roles, CSRF', () => {
  it('redirects every page to sign-in without a valid session cookie', async () => {
    const gets = consoleRouteKeys().filter((k) => k.startsWith('GET ') && k !== 'GET /admin/sign-in');
    for (const key of gets) {
      const params = { id: 'x', action: 'x' };
      const none = await call(key, { params });
      expect(none, key).toMatchObject({ status: 303, headers: { location: '/admin/sign-in' } });
      const forged = await call(key, {
        params,
        cookies: { [SESSION_COOKIE]: `${admin[SESSION_COOKIE]?.slice(0, -4)}AAAA` },
      });
      expect(forged.status, key).toBe(303);
    }
    const posts = consoleRouteKeys().filter((k) => k.startsWith('POST ') && !k.includes('sign-'));
    for (const key of posts) expect((await call(key, { params: { id: 'x', action: 'x' }, form: {} })).status).toBe(303);
  });

  it('signs in with the local sign-in into an HttpOnly, Secure, SameSite=Strict cookie; refuses wrong passwords', async () => {
    const page = await call('GET /admin/sign-in');
    expect(page.headers['content-security-policy']).toBe(CONSOLE_CSP);
    expect(page.body).toContain('<label for="f-password">Password</label>');
    const csrf = cookieValue(page.setCookies, CSRF_COOKIE) ?? '';
    const user = users.find((u) => u.email.startsWith('admin@'));
    const ok = await call('POST /admin/sign-in', {
      cookies: { [CSRF_COOKIE]: csrf },
      form: { _csrf: csrf, email: user?.email ?? '', password: user?.password ?? '' },
    });
    expect(ok.setCookies.find((c) => c.startsWith(`${SESSION_COOKIE}=`))).toMatch(
      /^laurel_console=[\w-]+\.[\w-]+\.[\w-]+; Path=\/admin; HttpOnly; Secure; SameSite=Strict; Max-Age=\d+$/,
    );
    const wrong = await call('POST /admin/sign-in', {
      cookies: { [CSRF_COOKIE]: csrf },
      form: { _csrf: csrf, email: user?.email ?? '', password: 'nope' },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.setCookies.some((c) => c.startsWith(`${SESSION_COOKIE}=`))).toBe(false);
    const noToken = await call('POST /admin/sign-in', {
      form: { email: user?.email ?? '', password: user?.password ?? '' },
    });
    expect(noToken.status).toBe(403);
  });

  it('answers 403 for a role the page does not allow', async () => {
    expect((await call('GET /admin/credentials', { cookies: viewer })).status).toBe(403);
    expect((await post('POST /admin/issuers', viewer, { slug: 'v', name: 'V', url: 'https://v.example' })).status).toBe(
      403,
    );
    expect(
      (await post('POST /admin/issuers', demoAdmin, { slug: 'v', name: 'V', url: 'https://v.example' })).status,
    ).toBe(403);
    expect((await call('GET /admin', { cookies: viewer })).status).toBe(200);
  });

  it('refuses a POST without the CSRF token, with the wrong one, or from another origin', async () => {
    const form = { slug: 'csrf', name: 'C', url: 'https://c.example' };
    expect((await call('POST /admin/issuers', { cookies: admin, form })).status).toBe(403);
    expect(
      (await call('POST /admin/issuers', { cookies: admin, form: { ...form, _csrf: 'x'.repeat(43) } })).status,
    ).toBe(403);
    const crossSite = await call('POST /admin/issuers', {
      cookies: admin,
      form: { ...form, _csrf: admin[CSRF_COOKIE] ?? '' },
      origin: 'https://evil.example',
    });
    expect(crossSite.status).toBe(403);
    expect(await store.getIssuer('csrf')).toBeUndefined();
  });
});

describe('console pages: the program flow, with markup in every field shown inert', () => {
  it('creates an issuer, an achievement (with preview), reviews, publishes, makes a rule, finds and revokes a credential', async () => {
    // Prepare/Act: every text field carries markup
    const issuer = await post('POST /admin/issuers', admin, {
      slug: 'demo',
      name: `Demo ${INJECTION}`,
      url: 'https://demo.example.edu',
      description: INJECTION,
    });
    expect(issuer.status).toBe(200);
    const fields = {
      id: 'inert',
      issuerSlug: 'demo',
      name: `Inert ${INJECTION}`,
      description: INJECTION,
      criteriaNarrative: INJECTION,
      tags: '<script>t()</script>, skills',
    };
    const preview = await post('POST /admin/achievements', demoAdmin, { ...fields, intent: 'preview' });
    expect(preview.body).toContain('Preview');
    expect(await store.getAchievement('inert')).toBeUndefined();
    const invalid = await post('POST /admin/achievements', demoAdmin, {
      ...fields,
      id: 'Not A Slug',
      intent: 'create',
    });
    expect(invalid.body).toContain('id: must be lowercase letters and digits joined by hyphens');
    const created = await post('POST /admin/achievements', demoAdmin, { ...fields, intent: 'create' });
    expect(created).toMatchObject({ status: 303, headers: { location: '/admin/achievements/inert' } });

    const act = (as: Record<string, string>, action: string, form: Record<string, string> = {}) =>
      post('POST /admin/achievements/{id}/{action}', as, form, { id: 'inert', action });
    expect((await act(demoAdmin, 'submit')).status).toBe(303);
    expect((await act(demoAdmin, 'approve')).status).toBe(403);
    expect((await act(reviewer1, 'approve', { comment: INJECTION })).status).toBe(303);
    expect((await act(reviewer2, 'approve')).status).toBe(303);
    expect((await act(demoAdmin, 'publish')).status).toBe(303);
    expect((await store.getAchievement('inert'))?.status).toBe('published');

    const badRule = await post('POST /admin/rules', admin, { id: 'r', mode: 'dry-run' });
    expect(badRule.body).toContain('achievementId:');
    await store.addSource('demo.lms');
    const rule = await post('POST /admin/rules', demoAdmin, {
      id: 'inert-rule',
      achievementId: 'inert',
      source: 'demo.lms',
      kind: 'course-completed',
      externalId: 'CS-1',
      mode: 'dry-run',
    });
    expect(rule).toMatchObject({ status: 303, headers: { location: '/admin/rules/inert-rule' } });
    const mode = await post(
      'POST /admin/rules/{id}/{action}',
      demoAdmin,
      { mode: 'live' },
      { id: 'inert-rule', action: 'mode' },
    );
    expect(mode.status).toBe(303);
    expect((await call('GET /admin/rules/{id}', { params: { id: 'inert-rule' }, cookies: admin })).body).toContain(
      '<dt>Mode</dt><dd>live</dd>',
    );

    // A would-be award of the rule, shown to managers and promoted from the page
    await appStore.recordDryRun({
      eventId: 'dry-1',
      ruleId: 'inert-rule',
      achievementId: 'inert',
      source: 'demo.lms',
      event: { learner: { email: 'pat@example.edu', name: INJECTION } },
      status: 'pending',
      recordedAt: new Date().toISOString(),
    });
    const rulePage = await call('GET /admin/rules/{id}', { params: { id: 'inert-rule' }, cookies: demoAdmin });
    expect(rulePage.body).toContain('<td>dry-1</td>');
    expect((await call('GET /admin/rules/{id}', { params: { id: 'inert-rule' }, cookies: viewer })).body).not.toContain(
      'pat@example.edu',
    );
    const promote = await post(
      'POST /admin/rules/{id}/{action}',
      demoAdmin,
      {},
      { id: 'inert-rule', action: 'promote' },
    );
    expect(promote.status).toBe(303);
    expect(promotions.map((p) => p.eventId)).toEqual(['dry-1']);
    promotions.length = 0;

    const email = 'ada@example.edu';
    await appStore.saveIssuance(
      {
        id: 'c-inert',
        issuerSlug: 'demo',
        achievementId: 'inert',
        achievementVersion: 1,
        ruleId: 'inert-rule',
        sourceEventId: 'e-1',
        recipientEmail: email,
        recipientName: INJECTION,
        document: { id: 'c-inert' },
        issuedAt: new Date().toISOString(),
        claimNonce: 'n',
        emailStatus: 'sent',
        learnerKey: await learnerKey(claimKey, email),
      },
      { tokenHash: 'h', credentialId: 'c-inert', expiresAt: '2099-01-01T00:00:00Z' },
    );
    const found = await post('POST /admin/credentials', demoAdmin, { intent: 'search', email });
    expect(found.body).toContain('c-inert');
    const revoked = await post(
      'POST /admin/credentials/{id}/{action}',
      demoAdmin,
      { reason: INJECTION },
      { id: 'c-inert', action: 'revoke' },
    );
    expect(revoked.status).toBe(200);
    expect(statusCalls).toContainEqual([
      'revoke',
      { credentialId: 'c-inert', reason: INJECTION, actor: expect.stringMatching(/^admin:/) },
    ]);
    const noReason = await post(
      'POST /admin/credentials/{id}/{action}',
      demoAdmin,
      {},
      { id: 'c-inert', action: 'revoke' },
    );
    expect(noReason.status).toBe(400);
    await post('POST /admin/credentials/{id}/{action}', demoAdmin, {}, { id: 'c-inert', action: 'resend' });
    expect(resent).toEqual([{ credentialId: 'c-inert' }]);

    // Assess: every page, as the admin, shows the markup as text
    const pages: [string, Req][] = [
      ['GET /admin', {}],
      ['GET /admin/issuers', {}],
      ['GET /admin/achievements', { query: { q: INJECTION } }],
      ['GET /admin/achievements', {}],
      ['GET /admin/achievements/{id}', { params: { id: 'inert' } }],
      ['GET /admin/review', {}],
      ['GET /admin/rules', {}],
      ['GET /admin/rules/{id}', { params: { id: 'inert-rule' } }],
      ['GET /admin/credentials', {}],
      ['GET /admin/events', { query: { outcome: INJECTION } }],
    ];
    const shown = [preview, invalid, found, revoked, badRule, rulePage];
    for (const [key, r] of pages) {
      const res = await call(key, { ...r, cookies: admin });
      expect(res.status, key).toBe(200);
      expect(res.headers['content-security-policy']).toBe(CONSOLE_CSP);
      shown.push(res);
    }
    for (const res of shown) {
      expect(res.body).not.toContain('<script>window');
      expect(res.body).not.toContain('<img src=x');
    }
    expect(
      shown.filter((r) => r.body.includes('&lt;script&gt;window.__pwned=1&lt;/script&gt;')).length,
    ).toBeGreaterThan(5);
    expect(CONSOLE_CSP).toContain("script-src 'none'");
  });
});

describe('console pages: CSV bulk award', () => {
  it('reports every bad row before issuing, then issues the valid ones through the promotion path, with progress', async () => {
    // Prepare: a published achievement of demo (from the flow above), a file of 6 rows, two bad
    const csv = [
      'email,name,achievement,score,evidenceUrl',
      'a1@example.edu,Ada One,inert,90,https://lms.example.edu/e/1',
      '"b2@example.edu","Bea, Two",inert,,',
      'not-an-email,Cy Three,inert,,',
      'd4@example.edu,Dee Four,no-such-badge,,',
      'e5@example.edu,Eve Five,inert,,',
      'f6@example.edu,Fay Six,inert,,javascript:alert(1)',
    ].join('\r\n');
    const boundary = '----laurel7';
    const body = [
      `--${boundary}`,
      'Content-Disposition: form-data; name="_csrf"',
      '',
      demoAdmin[CSRF_COOKIE],
      `--${boundary}`,
      'Content-Disposition: form-data; name="csv"; filename="awards.csv"',
      'Content-Type: text/csv',
      '',
      csv,
      `--${boundary}--`,
      '',
    ].join('\r\n');

    // Act: check the file
    const report = await call('POST /admin/bulk', { cookies: demoAdmin, origin: BASE, multipart: { boundary, body } });

    // Assess: three bad rows named with why; nothing issued yet
    expect(report.status).toBe(200);
    expect(report.body).toContain('6 rows: 3 valid, 3 with problems.');
    expect(report.body).toContain('<td>4</td><td>not-an-email</td>');
    expect(report.body).toContain('no achievement &quot;no-such-badge&quot; that you administer');
    expect(report.body).toContain('<td>7</td><td>f6@example.edu</td><td>inert</td><td>evidenceUrl:');
    expect(promotions).toEqual([]);
    expect(
      (await call('POST /admin/bulk', { cookies: viewer, origin: BASE, multipart: { boundary, body } })).status,
    ).toBe(403);

    // Act: issue
    const issued = await post('POST /admin/bulk/issue', demoAdmin, { csv });
    expect(issued.status).toBe(303);
    const location = issued.headers.location as string;
    const [, job] = /^\/admin\/bulk\/([0-9a-f]{12})\?rows=6$/.exec(location) ?? [];
    expect(promotions.map((p) => p.eventId)).toEqual([2, 3, 6].map((l) => `bulk-${job}-${l}`));
    const record = await appStore.getDryRun(`bulk-${job}-3`, `bulk-${job}`);
    expect(record).toMatchObject({
      status: 'promoting',
      achievementId: 'inert',
      event: { learner: { name: 'Bea, Two' } },
    });

    // Progress: running, then done once the promote function has issued
    const running = await call('GET /admin/bulk/{job}', {
      cookies: demoAdmin,
      params: { job: job ?? '' },
      query: { rows: '6' },
    });
    expect(running.body).toContain('0 of 3 issued, 3 in progress, 0 failed.');
    expect(running.headers.refresh).toBe('2');
    for (const l of [2, 3, 6]) await appStore.moveDryRun(`bulk-${job}-${l}`, `bulk-${job}`, ['promoting'], 'promoted');
    const done = await call('GET /admin/bulk/{job}', {
      cookies: demoAdmin,
      params: { job: job ?? '' },
      query: { rows: '6' },
    });
    expect(done.body).toContain('3 of 3 issued, 0 in progress, 0 failed.');
    expect(done.headers.refresh).toBeUndefined();
  });
});
