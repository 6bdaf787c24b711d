import { createHash } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { learnerKey } from '#shared/learner-key.ts';
import { httpEvent, lambdaContext } from '#shared/testing/http.ts';
import { adminTestBed, BASE, cookieValue, pngHeader } from '../../../test/support/admin.ts';
import { CONSOLE_CSP, CSRF_COOKIE, consoleRouteKeys, SESSION_COOKIE } from './console.ts';
import { buildHandler } from './http.ts';

// The module also builds its production handler at import: give its wiring settings it will never use.
await vi.hoisted(async () =>
  Object.assign(process.env, (await import('../../../test/support/admin-env.ts')).UNUSED_ADMIN_ENV),
);

const INJECTION = '<script>window.__pwned=1</script><img src=x onerror=alert(1)>';
const bed = await adminTestBed();
const { store, appStore, claimKey, users, statusCalls, resent, promoted: promotions } = bed;
const handler = buildHandler(bed.deps(bed.localSignIn));

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
    const signInKeys = ['GET /admin/sign-in', 'GET /admin/callback'];
    const gets = consoleRouteKeys().filter((k) => k.startsWith('GET ') && !signInKeys.includes(k));
    for (const key of gets) {
      const params = { id: 'x', action: 'x', slug: 'x' };
      const none = await call(key, { params });
      expect(none, key).toMatchObject({ status: 303, headers: { location: '/admin/sign-in' } });
      const forged = await call(key, {
        params,
        cookies: { [SESSION_COOKIE]: `${admin[SESSION_COOKIE]?.slice(0, -4)}AAAA` },
      });
      expect(forged.status, key).toBe(303);
    }
    const posts = consoleRouteKeys().filter((k) => k.startsWith('POST ') && !k.includes('sign-'));
    for (const key of posts)
      expect((await call(key, { params: { id: 'x', action: 'x', slug: 'x' }, form: {} })).status).toBe(303);
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
    // Local mode has no hosted UI: its callback signs no one in.
    const callback = await call('GET /admin/callback', { query: { code: 'c', state: 's' } });
    expect(callback.status).toBe(404);
    expect(callback.setCookies.some((c) => c.startsWith(`${SESSION_COOKIE}=`))).toBe(false);
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

    // Progress: running, then done once the award function has issued
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

/** A multipart form as a browser sends it, with file parts kept as raw bytes (base64 over API Gateway). */
const multipartPost = async (
  key: string,
  as: Record<string, string>,
  fields: Record<string, string>,
  files: Record<string, { bytes: Buffer; type: string; filename: string }>,
  params?: Record<string, string>,
) => {
  const boundary = '----laurel-test-boundary';
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries({ _csrf: as[CSRF_COOKIE] ?? '', ...fields }))
    parts.push(Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  for (const [name, file] of Object.entries(files)) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\ncontent-disposition: form-data; name="${name}"; filename="${file.filename}"\r\ncontent-type: ${file.type}\r\n\r\n`,
      ),
      file.bytes,
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  const event = httpEvent(key, {
    ...(params && { pathParameters: params }),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, origin: BASE },
    body: Buffer.concat(parts).toString('base64'),
  });
  event.isBase64Encoded = true;
  event.cookies = Object.entries(as).map(([k, v]) => `${k}=${v}`);
  const res = await handler(event, lambdaContext);
  return { status: res.statusCode, body: res.body ?? '', headers: res.headers ?? {} };
};

describe('console pages: editing a draft (every Achievement field, image upload) and an issuer', () => {
  it('edits a draft with alignments, tags, credits, field of study, validity and an uploaded PNG, all shown inert', async () => {
    // Prepare
    expect(
      (await post('POST /admin/issuers', admin, { slug: 'edits', name: 'Edits', url: 'https://e.example' })).status,
    ).toBe(200);
    const created = await post('POST /admin/achievements', admin, {
      id: 'editable',
      issuerSlug: 'edits',
      name: 'Editable',
      description: 'First words',
      criteriaNarrative: 'Do it',
      intent: 'create',
    });
    expect(created.status).toBe(303);
    const page = await call('GET /admin/achievements/{id}', { params: { id: 'editable' }, cookies: admin });
    expect(page.body).toContain('action="/admin/achievements/editable/edit" enctype="multipart/form-data"');
    expect(page.body).toContain('name="imageFile" type="file"');
    const seen = await call('GET /admin/achievements/{id}', { params: { id: 'editable' }, cookies: viewer });
    expect(seen.body).not.toContain('/admin/achievements/editable/edit');
    const png = pngHeader({ length: 40, fill: 0xff });
    const fields = {
      name: `Edited ${INJECTION}`,
      description: INJECTION,
      criteriaNarrative: INJECTION,
      criteriaUrl: 'https://e.example/criteria',
      achievementType: 'MicroCredential',
      tags: 'data, <b>bold</b>',
      alignments: `Data literacy ${INJECTION} | https://esco.example/skill/1 | ESCO | S1 | ext:ESCOSkill\nCASE item | https://case.example/1`,
      level: 'Intermediate',
      creditsAvailable: '2.5',
      fieldOfStudy: `Statistics ${INJECTION}`,
      validForDays: '365',
    };
    // Act
    const saved = await multipartPost(
      'POST /admin/achievements/{id}/{action}',
      admin,
      fields,
      { imageFile: { bytes: png, type: 'image/png', filename: 'badge.png' } },
      { id: 'editable', action: 'edit' },
    );
    // Assess: stored as the API stores it, the image by its content hash
    expect(saved.body.match(/class="error"[^<]*<\/p>/)?.[0]).toBeUndefined();
    expect(saved).toMatchObject({ status: 303, headers: { location: '/admin/achievements/editable' } });
    const [version, ...more] = await store.listVersions('editable');
    expect(more).toEqual([]);
    expect(version).toMatchObject({
      version: 1,
      status: 'draft',
      name: fields.name,
      description: INJECTION,
      criteria: { narrative: INJECTION, id: 'https://e.example/criteria' },
      achievementType: 'MicroCredential',
      tags: ['data', '<b>bold</b>'],
      alignments: [
        {
          targetName: `Data literacy ${INJECTION}`,
          targetUrl: 'https://esco.example/skill/1',
          targetFramework: 'ESCO',
          targetCode: 'S1',
          targetType: 'ext:ESCOSkill',
        },
        { targetName: 'CASE item', targetUrl: 'https://case.example/1' },
      ],
      level: 'Intermediate',
      creditsAvailable: 2.5,
      fieldOfStudy: fields.fieldOfStudy,
      validForDays: 365,
      image: `${BASE}/images/${createHash('sha256').update(png).digest('hex')}.png`,
    });
    // Assess: the page shows every field back, inert
    const after = await call('GET /admin/achievements/{id}', { params: { id: 'editable' }, cookies: admin });
    expect(after.body).not.toContain('<script>window.__pwned');
    expect(after.body).not.toContain('<img src=x');
    expect(after.body).toContain('&lt;script&gt;window.__pwned=1&lt;/script&gt;');
    expect(after.body).toContain('ESCO | S1 | ext:ESCOSkill');
  });

  it('refuses an unsafe SVG, a non-image and bad fields with the message on the form, storing nothing', async () => {
    const before = await store.listVersions('editable');
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    const edit = (form: Record<string, string>, files = {}) =>
      multipartPost('POST /admin/achievements/{id}/{action}', admin, form, files, { id: 'editable', action: 'edit' });
    const base = { name: 'N', description: 'D', criteriaNarrative: 'C' };
    const unsafe = await edit(base, { imageFile: { bytes: svg, type: 'image/svg+xml', filename: 'b.svg' } });
    expect(unsafe.status).toBe(200);
    expect(unsafe.body).toContain('imageFile: SVG badges may not contain script elements');
    const text = await edit(base, {
      imageFile: { bytes: Buffer.from('hello'), type: 'text/plain', filename: 'b.txt' },
    });
    expect(text.body).toContain('imageFile: upload a PNG (image/png) or an SVG (image/svg+xml)');
    const bad = await edit({ ...base, creditsAvailable: 'lots', alignments: 'No URL here', validForDays: '0' });
    expect(bad.body).toContain('creditsAvailable:');
    expect(bad.body).toContain('alignments.0.targetUrl:');
    expect(bad.body).toContain('validForDays:');
    expect(await store.listVersions('editable')).toEqual(before);
  });

  it('edits only drafts, only as a manager, only with the CSRF token', async () => {
    const form = { name: 'X', description: 'X', criteriaNarrative: 'X' };
    const as = (who: Record<string, string>, extra: Record<string, string> = {}) =>
      multipartPost(
        'POST /admin/achievements/{id}/{action}',
        who,
        { ...form, ...extra },
        {},
        {
          id: 'editable',
          action: 'edit',
        },
      );
    expect((await as(viewer)).status).toBe(403);
    expect((await as(reviewer1)).status).toBe(403);
    expect((await as(admin, { _csrf: 'x'.repeat(43) })).status).toBe(403);
    expect(
      (await post('POST /admin/achievements/{id}/{action}', admin, {}, { id: 'editable', action: 'submit' })).status,
    ).toBe(303);
    const inReview = await as(admin);
    expect(inReview.status).toBe(409);
    expect((await store.listVersions('editable'))[0]?.name).not.toBe('X');
  });

  it("shows an issuer's profile and lets its managers edit it, with an uploaded image; markup stays inert", async () => {
    const page = await call('GET /admin/issuers/{slug}', { params: { slug: 'edits' }, cookies: admin });
    expect(page.body).toContain('action="/admin/issuers/edits"');
    expect(
      (await call('GET /admin/issuers/{slug}', { params: { slug: 'edits' }, cookies: viewer })).body,
    ).not.toContain('action="/admin/issuers/edits"');
    const svg = Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><rect width="1" height="1"/></svg>',
    );
    const profile = {
      name: `Edits ${INJECTION}`,
      url: 'https://edits.example',
      description: INJECTION,
      email: 'e@example.edu',
    };
    const file = { imageFile: { bytes: svg, type: 'image/svg+xml', filename: 'i.svg' } };
    expect((await multipartPost('POST /admin/issuers/{slug}', viewer, profile, file, { slug: 'edits' })).status).toBe(
      403,
    );
    expect(
      (await multipartPost('POST /admin/issuers/{slug}', demoAdmin, profile, file, { slug: 'edits' })).status,
    ).toBe(403);
    const forged = { ...profile, _csrf: 'x'.repeat(43) };
    expect((await multipartPost('POST /admin/issuers/{slug}', admin, forged, file, { slug: 'edits' })).status).toBe(
      403,
    );
    expect((await store.getIssuer('edits'))?.name).toBe('Edits');
    const bad = await multipartPost(
      'POST /admin/issuers/{slug}',
      admin,
      { ...profile, url: 'not a url' },
      {},
      { slug: 'edits' },
    );
    expect(bad.body).toContain('url:');
    // Act
    const saved = await multipartPost('POST /admin/issuers/{slug}', admin, profile, file, { slug: 'edits' });
    // Assess
    expect(saved).toMatchObject({ status: 303, headers: { location: '/admin/issuers/edits' } });
    expect(await store.getIssuer('edits')).toMatchObject({
      name: profile.name,
      url: 'https://edits.example',
      description: INJECTION,
      email: 'e@example.edu',
      image: `${BASE}/images/${createHash('sha256').update(svg).digest('hex')}.svg`,
    });
    const shown = await call('GET /admin/issuers/{slug}', { params: { slug: 'edits' }, cookies: viewer });
    expect(shown.body).not.toContain('<script>window.__pwned');
    expect(shown.body).toContain('&lt;script&gt;window.__pwned=1&lt;/script&gt;');
  });
});

describe('console pages: rules with every condition, and stacking rules', () => {
  it('creates a match rule with score, grades, statuses and a date window, shown inert on its page', async () => {
    // Act
    const created = await post('POST /admin/rules', admin, {
      id: 'conditions',
      name: `Conditions ${INJECTION}`,
      type: 'match',
      achievementId: 'inert',
      source: 'demo.lms',
      kind: 'course-completed',
      externalId: 'CS-2',
      minScore: '70',
      grades: `A, B+, ${'<b>'}`,
      statuses: 'passed, completed',
      occurredFrom: '2026-01-01T00:00:00Z',
      occurredUntil: '2026-12-31T23:59:59Z',
      mode: 'dry-run',
    });
    // Assess
    expect(created).toMatchObject({ status: 303, headers: { location: '/admin/rules/conditions' } });
    expect(await store.getRule('conditions')).toMatchObject({
      type: 'match',
      name: `Conditions ${INJECTION}`,
      conditions: {
        minScore: 70,
        grades: ['A', 'B+', '<b>'],
        statuses: ['passed', 'completed'],
        occurredFrom: '2026-01-01T00:00:00Z',
        occurredUntil: '2026-12-31T23:59:59Z',
      },
    });
    const page = await call('GET /admin/rules/{id}', { params: { id: 'conditions' }, cookies: viewer });
    expect(page.body).toContain('score at least 70; grade one of A, B+, &lt;b&gt;; status one of passed, completed');
    expect(page.body).not.toContain('<script>window.__pwned');
  });

  it('creates stacking rules: all of a set, or N of it', async () => {
    // Prepare: the achievements a pathway takes must exist
    for (const id of ['other-one', 'third']) {
      const form = { id, issuerSlug: 'edits', name: id, description: id, criteriaNarrative: id, intent: 'create' };
      expect((await post('POST /admin/achievements', admin, form)).status).toBe(303);
    }
    const all = await post('POST /admin/rules', admin, {
      id: 'pathway-all',
      type: 'stack',
      achievementId: 'editable',
      requires: 'inert, other-one',
      mode: 'dry-run',
    });
    expect(all.status).toBe(303);
    const some = await post('POST /admin/rules', admin, {
      id: 'pathway-some',
      type: 'stack',
      achievementId: 'editable',
      requires: 'inert, other-one, third',
      threshold: '2',
      mode: 'off',
    });
    expect(some.status).toBe(303);
    expect(await store.getRule('pathway-all')).toMatchObject({ type: 'stack', requires: ['inert', 'other-one'] });
    expect((await store.getRule('pathway-all')) as object).not.toHaveProperty('threshold');
    expect(await store.getRule('pathway-some')).toMatchObject({
      requires: ['inert', 'other-one', 'third'],
      threshold: 2,
    });
    const page = await call('GET /admin/rules/{id}', { params: { id: 'pathway-some' }, cookies: admin });
    expect(page.body).toContain('<dt>Takes</dt><dd>2 of: inert, other-one, third</dd>');
    expect((await call('GET /admin/rules/{id}', { params: { id: 'pathway-all' }, cookies: admin })).body).toContain(
      '<dd>all of: inert, other-one</dd>',
    );
  });

  it('names every bad field, and keeps the rule form to managers with the CSRF token', async () => {
    const bad = await post('POST /admin/rules', admin, {
      id: 'bad-window',
      type: 'match',
      achievementId: 'inert',
      source: 'demo.lms',
      kind: 'course-completed',
      externalId: 'X',
      occurredFrom: '2026-12-31T00:00:00Z',
      occurredUntil: 'next tuesday',
      mode: 'live',
    });
    expect(bad.body).toContain('conditions.occurredUntil: must be an ISO date-time');
    const tooMany = await post('POST /admin/rules', admin, {
      id: 'bad-stack',
      type: 'stack',
      achievementId: 'editable',
      requires: 'inert, editable',
      threshold: '3',
      mode: 'live',
    });
    expect(tooMany.body).toContain('threshold: must not exceed the number of required achievements');
    expect(tooMany.body).toContain('requires: must not include the pathway achievement itself');
    const form = { id: 'nope', type: 'stack', achievementId: 'editable', requires: 'inert', mode: 'live' };
    expect((await post('POST /admin/rules', viewer, form)).status).toBe(403);
    expect((await call('POST /admin/rules', { cookies: admin, form, origin: BASE })).status).toBe(403);
    expect(await store.getRule('nope')).toBeUndefined();
    expect(await store.getRule('bad-window')).toBeUndefined();
    expect(await store.getRule('bad-stack')).toBeUndefined();
  });
});
