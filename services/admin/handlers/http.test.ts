import { beforeAll, describe, expect, it, vi } from 'vitest';
import { LOCAL_SESSION } from '#shared/adapters/session-key.local.ts';
import { learnerKey } from '#shared/learner-key.ts';
import { routeKey, routes } from '#shared/routes/manifest.ts';
import { makeJwtAuthorizer } from '#shared/runtime/jwt-auth.ts';
import { demoIssuer } from '#shared/testing/fixtures.ts';
import { httpEvent, lambdaContext } from '#shared/testing/http.ts';
import { adminTestBed, BASE, pngHeader } from '../../../test/support/admin.ts';
import { adminRoutes } from './api.ts';
import { consoleRouteKeys } from './console.ts';
import { buildHandler } from './http.ts';

// The module also builds its production handler at import: give its wiring settings it will never use.
await vi.hoisted(async () =>
  Object.assign(process.env, (await import('../../../test/support/admin-env.ts')).UNUSED_ADMIN_ENV),
);

let now = new Date('2026-05-14T16:20:00Z');
const bed = await adminTestBed({ clock: { now: () => now } });
const { store, appStore, signer, claimKey, sessionKey, users, promoted, resent, statusCalls } = bed;
const handler = buildHandler(bed.deps(bed.localSignIn));

/** Claims as API Gateway's JWT authorizer hands them over: strings, arrays as `[a b]`. */
const who = (sub: string, ...groups: string[]) => ({
  sub,
  email: `${sub}@example.edu`,
  'cognito:groups': `[${groups.join(' ')}]`,
});
const ADMIN = who('admin-1', 'admin');
const DEMO_ADMIN = who('demo-admin', 'issuer-admin:demo');
const OTHER_ADMIN = who('other-admin', 'issuer-admin:other');
const REVIEWER_1 = who('reviewer-1', 'reviewer');
const REVIEWER_2 = who('reviewer-2', 'reviewer');
const VIEWER = who('viewer-1', 'viewer');

interface Call {
  claims?: Record<string, string>;
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  raw?: { bytes: Buffer; contentType: string };
}

const call = async (key: string, c: Call = {}) => {
  const event = httpEvent(key, {
    ...(c.params && { pathParameters: c.params }),
    headers: { ...(c.raw ? { 'content-type': c.raw.contentType } : { 'content-type': 'application/json' }) },
    ...(c.body !== undefined && { body: typeof c.body === 'string' ? c.body : JSON.stringify(c.body) }),
  });
  if (c.raw) Object.assign(event, { body: c.raw.bytes.toString('base64'), isBase64Encoded: true });
  if (c.query) event.queryStringParameters = c.query;
  if (c.claims) Object.assign(event.requestContext, { authorizer: { jwt: { claims: c.claims, scopes: null } } });
  const res = await handler(event, lambdaContext);
  return { status: res.statusCode, body: JSON.parse(res.body ?? 'null'), headers: res.headers ?? {} };
};

const achievementBody = (id: string, overrides: Record<string, unknown> = {}) => ({
  id,
  issuerSlug: 'demo',
  name: 'Data Literacy',
  description: 'Reads and questions data.',
  criteria: { narrative: 'Pass the data literacy assessment.' },
  achievementType: 'MicroCredential',
  tags: ['data', 'statistics'],
  alignments: [
    {
      targetName: 'Analyse data',
      targetUrl: 'https://esco.example/s/1',
      targetFramework: 'ESCO',
      targetType: 'ext:ESCOSkill',
    },
  ],
  level: 'introductory',
  creditsAvailable: 1,
  fieldOfStudy: 'Statistics',
  ...overrides,
});

beforeAll(async () => {
  await appStore.putIssuer(demoIssuer({ publicKeyMultibase: await signer.publicKeyMultibase('local:demo') }));
  await appStore.putSource('demo.lms');
});

describe('admin API: authentication and roles', () => {
  it('lists exactly the manifest routes in its OpenAPI document, each behind the admin authorizer but sign-in', async () => {
    const doc = (await call('GET /admin/api/openapi.json', { claims: VIEWER })).body;
    expect(doc.openapi).toBe('3.1.0');
    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    const manifest = routes.filter((r) => r.fn === 'admin' && r.path.startsWith('/admin/api/'));
    expect(
      routes
        .filter((r) => r.fn === 'admin' && !r.path.startsWith('/admin/api/'))
        .map(routeKey)
        .sort(),
    ).toEqual(consoleRouteKeys().sort());
    expect(documented.sort()).toEqual(manifest.map(routeKey).sort());
    expect(adminRoutes.map(routeKey).sort()).toEqual(manifest.map(routeKey).sort());
    for (const r of manifest) expect(r.auth, routeKey(r)).toBe(r.path === '/admin/api/session' ? undefined : 'admin');
  });

  it('walks every route of the OpenAPI document: no token → 401, every role it does not allow → 403', async () => {
    const doc = (await call('GET /admin/api/openapi.json', { claims: ADMIN })).body;
    const claimsFor: Record<string, Record<string, string>> = {
      none: who('nobody'),
      viewer: VIEWER,
      reviewer: REVIEWER_1,
      'issuer-admin': DEMO_ADMIN,
      admin: ADMIN,
    };
    const publicOps: string[] = [];
    let checked = 0;
    for (const [path, ops] of Object.entries(
      doc.paths as Record<
        string,
        Record<string, { security?: []; 'x-roles'?: string[]; parameters?: { name: string; in: string }[] }>
      >,
    )) {
      for (const [method, op] of Object.entries(ops)) {
        const key = `${method.toUpperCase()} ${path}`;
        if (op.security?.length === 0) {
          publicOps.push(key);
          continue;
        }
        const params = Object.fromEntries(
          (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => [p.name, 'x']),
        );
        expect((await call(key, { params })).status, `${key} without a token`).toBe(401);
        const allowed = op['x-roles'] ?? [];
        expect(allowed.length, key).toBeGreaterThan(0);
        for (const [role, claims] of Object.entries(claimsFor)) {
          if (allowed.includes(role)) continue;
          const res = await call(key, { params, claims, body: {} });
          expect(res.status, `${key} as ${role}`).toBe(403);
          expect(res.body.code).toBe('AUTH.FORBIDDEN');
          checked++;
        }
      }
    }
    expect(publicOps).toEqual(['POST /admin/api/session']);
    expect(checked).toBeGreaterThan(30);
  });

  it('signs in locally with a token the local authorizer accepts, carrying the roles; a wrong password gets 401', async () => {
    const admin = users.find((u) => u.groups.includes('admin'));
    now = new Date();
    const ok = await call('POST /admin/api/session', { body: { email: admin?.email, password: admin?.password } });
    expect(ok.status).toBe(200);
    const authorize = makeJwtAuthorizer({
      issuer: `${BASE}/admin/api/session`,
      audience: [LOCAL_SESSION.audience],
      key: sessionKey.publicKey,
      algorithms: ['EdDSA'],
    });
    const authorized = await authorize({ authorization: `Bearer ${ok.body.token}` });
    expect(authorized?.claims).toMatchObject({ email: admin?.email, 'cognito:groups': '[admin]' });
    const me = await call('GET /admin/api/me', { claims: authorized?.claims });
    expect(me.body).toMatchObject({ email: admin?.email, roles: ['admin'] });
    now = new Date('2026-05-14T16:20:00Z');

    const wrong = await call('POST /admin/api/session', { body: { email: admin?.email, password: 'not-it' } });
    const nobody = await call('POST /admin/api/session', { body: { email: 'ghost@example.edu', password: 'x' } });
    expect([wrong.status, nobody.status]).toEqual([401, 401]);
    expect(wrong.body).toEqual(nobody.body);
  });
});

describe('admin API: issuers and sources', () => {
  it('creates an issuer with its own key; refuses a taken slug and names every invalid field', async () => {
    const created = await call('POST /admin/api/issuers', {
      claims: ADMIN,
      body: { slug: 'cont-ed', name: 'Continuing Education', url: 'https://ce.example.edu', email: 'ce@example.edu' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      slug: 'cont-ed',
      keys: [{ id: 'key-1', type: 'Multikey', status: 'active' }],
    });
    expect(created.body.keys[0].publicKeyMultibase).toBe(await signer.publicKeyMultibase('local:cont-ed'));
    expect(JSON.stringify(created.body)).not.toContain('local:cont-ed');
    expect((await store.getIssuer('cont-ed'))?.keyRef).toBe('local:cont-ed');

    const again = await call('POST /admin/api/issuers', {
      claims: ADMIN,
      body: { slug: 'cont-ed', name: 'X', url: 'https://x.example.edu' },
    });
    expect(again).toMatchObject({ status: 409, body: { code: 'ISSUER.EXISTS' } });

    const bad = await call('POST /admin/api/issuers', {
      claims: ADMIN,
      body: { slug: 'Not A Slug', name: '', url: 'ftp://x', extra: 1 },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('REQUEST.INVALID');
    expect(bad.body.issues.map((i: { path: string }) => i.path).sort()).toEqual(['(body)', 'name', 'slug', 'url']);
    expect(bad.body.message).toContain('url: must be an http(s) URL');

    const notJson = await call('POST /admin/api/issuers', { claims: ADMIN, body: '{nope' });
    expect(notJson).toMatchObject({ status: 400, body: { code: 'REQUEST.INVALID_JSON' } });
  });

  it("lets an issuer admin edit its own issuer's profile only, keeping the keys", async () => {
    const body = { name: 'Demo University <script>alert(1)</script>', url: 'https://demo.example.edu' };
    expect(
      (await call('PUT /admin/api/issuers/{slug}', { claims: OTHER_ADMIN, params: { slug: 'demo' }, body })).status,
    ).toBe(403);
    const ok = await call('PUT /admin/api/issuers/{slug}', { claims: DEMO_ADMIN, params: { slug: 'demo' }, body });
    expect(ok.status).toBe(200);
    expect(ok.body.name).toBe(body.name);
    const stored = await store.getIssuer('demo');
    expect(stored).toMatchObject({ name: body.name, keyRef: 'local:demo' });
    expect(stored?.email).toBeUndefined();
    const list = await call('GET /admin/api/issuers', { claims: VIEWER });
    expect(list.body.issuers.map((i: { slug: string }) => i.slug)).toEqual(['cont-ed', 'demo']);
    expect((await call('GET /admin/api/issuers/{slug}', { claims: VIEWER, params: { slug: 'ghost' } })).status).toBe(
      404,
    );
  });

  it('allows sources, refusing reserved ones', async () => {
    expect((await call('POST /admin/api/sources', { claims: ADMIN, body: { name: 'edu.example.sis' } })).status).toBe(
      201,
    );
    expect((await call('POST /admin/api/sources', { claims: ADMIN, body: { name: 'aws.events' } })).status).toBe(400);
    expect((await call('GET /admin/api/sources', { claims: VIEWER })).body.sources).toEqual([
      'demo.lms',
      'edu.example.sis',
    ]);
  });
});

describe('admin API: images', () => {
  it('stores a PNG at a content-addressed URL, and refuses what is not one', async () => {
    const png = pngHeader();
    const ok = await call('POST /admin/api/images', {
      claims: DEMO_ADMIN,
      raw: { bytes: png, contentType: 'image/png' },
    });
    expect(ok.status).toBe(201);
    expect(ok.body.url).toMatch(/^https:\/\/badges\.example\.edu\/images\/[0-9a-f]{64}\.png$/);
    expect(Buffer.from((await appStore.getImage(ok.body.id))?.data ?? [])).toEqual(png);

    const fake = await call('POST /admin/api/images', {
      claims: DEMO_ADMIN,
      raw: { bytes: Buffer.from('GIF89a....'), contentType: 'image/png' },
    });
    expect(fake).toMatchObject({ status: 400, body: { code: 'IMAGE.INVALID' } });
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    const scripted = await call('POST /admin/api/images', {
      claims: DEMO_ADMIN,
      raw: { bytes: svg, contentType: 'image/svg+xml' },
    });
    expect(scripted).toMatchObject({ status: 400, body: { message: 'SVG badges may not contain script elements' } });
    const gif = await call('POST /admin/api/images', {
      claims: DEMO_ADMIN,
      raw: { bytes: png, contentType: 'image/gif' },
    });
    expect(gif.status).toBe(415);
    const big = await call('POST /admin/api/images', {
      claims: DEMO_ADMIN,
      raw: { bytes: Buffer.concat([png, Buffer.alloc(300 * 1024)]), contentType: 'image/png' },
    });
    expect(big.status).toBe(413);
  });
});

describe('admin API: the taxonomy and committee review', () => {
  const get = async (id: string) =>
    (await call('GET /admin/api/achievements/{id}', { claims: VIEWER, params: { id } })).body;
  const act = (action: string, id: string, claims: Record<string, string>, body: unknown = {}) =>
    call(`POST /admin/api/achievements/{id}/${action}`, { claims, params: { id }, body });
  /** The API's edit: the fixture's content (no id, no issuer) with `overrides`. */
  const edit = (id: string, claims: Record<string, string>, overrides: Record<string, unknown> = {}) =>
    call('PUT /admin/api/achievements/{id}', {
      claims,
      params: { id },
      body: (({ id: _i, issuerSlug: _s, ...c }) => c)(achievementBody(id, overrides)),
    });

  it('creates a draft, validates every field with a clear message, keeps markup as data', async () => {
    const injection = '<script>alert("x")</script>\u2028"}';
    const created = await call('POST /admin/api/achievements', {
      claims: DEMO_ADMIN,
      body: achievementBody('data-literacy', { description: injection }),
    });
    expect(created.status).toBe(201);
    expect(created.body.achievement).toMatchObject({
      status: 'draft',
      version: 1,
      latestStatus: 'draft',
      description: injection,
    });
    expect(created.body.versions).toMatchObject([{ version: 1, status: 'draft', authors: [{ sub: 'demo-admin' }] }]);
    expect((await appStore.getAchievement('data-literacy'))?.description).toBe(injection);

    const invalid = await call('POST /admin/api/achievements', {
      claims: DEMO_ADMIN,
      body: achievementBody('bad-one', {
        criteria: {},
        achievementType: 'Trophy',
        alignments: [{ targetName: 'x', targetUrl: 'https://x.example', targetType: 'O*NET' }],
      }),
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.message).toContain('criteria: needs a narrative, a URL, or both');
    expect(invalid.body.message).toContain('achievementType: must be an OB 3.0 AchievementType');
    expect(invalid.body.message).toContain('alignments.0.targetType: must be an OB 3.0 AlignmentTargetType');
    expect(
      (await call('POST /admin/api/achievements', { claims: OTHER_ADMIN, body: achievementBody('not-mine') })).status,
    ).toBe(403);
    expect(
      (await call('POST /admin/api/achievements', { claims: DEMO_ADMIN, body: achievementBody('data-literacy') }))
        .status,
    ).toBe(409);
  });

  it('goes draft → in review → approved by two reviewers who are not authors → published, with an audit trail', async () => {
    const edited = await edit('data-literacy', ADMIN, { name: 'Data Literacy I' });
    expect(edited.body.versions[0]).toMatchObject({ version: 1, status: 'draft', name: 'Data Literacy I' });
    expect(edited.body.achievement.name).toBe('Data Literacy I');

    expect((await act('publish', 'data-literacy', DEMO_ADMIN)).body.code).toBe('REVIEW.WRONG_STATE');
    expect((await act('approve', 'data-literacy', REVIEWER_1)).status).toBe(409);
    expect((await act('submit', 'data-literacy', DEMO_ADMIN)).body.versions[0].status).toBe('in-review');
    expect((await edit('data-literacy', ADMIN)).body.code).toBe('REVIEW.WRONG_STATE');

    // An author who is also a reviewer cannot approve their own work.
    const authorReviewer = who('admin-1', 'admin', 'reviewer');
    expect(await act('approve', 'data-literacy', authorReviewer)).toMatchObject({
      status: 403,
      body: { code: 'REVIEW.OWN_WORK' },
    });
    expect((await act('approve', 'data-literacy', ADMIN)).status).toBe(403);
    expect(
      (await act('approve', 'data-literacy', REVIEWER_1, { comment: 'Clear criteria.' })).body.versions[0],
    ).toMatchObject({
      status: 'in-review',
      approvals: [{ sub: 'reviewer-1' }],
    });
    expect((await act('approve', 'data-literacy', REVIEWER_1)).body.code).toBe('REVIEW.ALREADY_APPROVED');
    expect((await act('approve', 'data-literacy', REVIEWER_2)).body.versions[0].status).toBe('approved');
    expect((await appStore.getAchievement('data-literacy'))?.status).toBe('draft');

    const published = await act('publish', 'data-literacy', DEMO_ADMIN);
    expect(published.body.achievement).toMatchObject({ status: 'published', version: 1, latestStatus: 'published' });
    expect((await appStore.getAchievement('data-literacy'))?.status).toBe('published');

    const history = (
      await call('GET /admin/api/achievements/{id}/history', { claims: VIEWER, params: { id: 'data-literacy' } })
    ).body.entries;
    expect(history.map((e: { action: string; actor: { sub: string } }) => `${e.action} ${e.actor.sub}`)).toEqual([
      'created demo-admin',
      'edited admin-1',
      'submitted demo-admin',
      'approved reviewer-1',
      'approved reviewer-2',
      'published demo-admin',
    ]);
    expect(history[3]).toMatchObject({ comment: 'Clear criteria.', at: '2026-05-14T16:20:00.000Z', version: 1 });
  });

  it('makes a new version when a published achievement is edited; the published one stays awarded until v2 is published', async () => {
    const edited = await edit('data-literacy', DEMO_ADMIN, { name: 'Data Literacy II' });
    expect(edited.body.achievement).toMatchObject({
      name: 'Data Literacy I',
      status: 'published',
      version: 1,
      latestVersion: 2,
      latestStatus: 'draft',
    });
    expect(edited.body.versions.map((v: { version: number; status: string }) => `${v.version} ${v.status}`)).toEqual([
      '1 published',
      '2 draft',
    ]);
    expect((await appStore.getAchievement('data-literacy'))?.name).toBe('Data Literacy I');

    await act('submit', 'data-literacy', DEMO_ADMIN);
    await act('request-changes', 'data-literacy', REVIEWER_1, { comment: 'Name the level.' });
    expect((await get('data-literacy')).versions[1].status).toBe('draft');
    await act('submit', 'data-literacy', DEMO_ADMIN);
    await act('approve', 'data-literacy', REVIEWER_1);
    await act('approve', 'data-literacy', REVIEWER_2);
    now = new Date('2026-05-15T09:00:00Z');
    const published = await act('publish', 'data-literacy', DEMO_ADMIN);
    expect(published.body.achievement).toMatchObject({ name: 'Data Literacy II', version: 2, status: 'published' });
    expect(published.body.versions.map((v: { version: number; status: string }) => `${v.version} ${v.status}`)).toEqual(
      ['1 superseded', '2 published'],
    );
    expect(await appStore.getAchievement('data-literacy')).toMatchObject({ name: 'Data Literacy II', version: 2 });

    const comment = await act('comments', 'data-literacy', REVIEWER_2, { comment: 'Looks <b>good</b>' });
    expect(comment).toMatchObject({
      status: 201,
      body: { action: 'commented', version: 2, comment: 'Looks <b>good</b>' },
    });
    expect((await act('comments', 'data-literacy', OTHER_ADMIN, { comment: 'x' })).status).toBe(403);
    expect((await act('comments', 'data-literacy', REVIEWER_2, { comment: '' })).status).toBe(400);
  });

  it('searches and filters the catalog', async () => {
    await call('POST /admin/api/achievements', {
      claims: ADMIN,
      body: achievementBody('ethics', { name: 'Research Ethics', tags: ['ethics'], achievementType: 'Badge' }),
    });
    const find = async (query: Record<string, string>) =>
      (await call('GET /admin/api/achievements', { claims: VIEWER, query })).body.achievements.map(
        (a: { id: string }) => a.id,
      );
    expect(await find({})).toEqual(['data-literacy', 'ethics']);
    expect(await find({ q: 'ethic' })).toEqual(['ethics']);
    expect(await find({ tag: 'STATISTICS' })).toEqual(['data-literacy']);
    expect(await find({ status: 'published' })).toEqual(['data-literacy']);
    expect(await find({ reviewStatus: 'draft', type: 'Badge' })).toEqual(['ethics']);
    const bad = await call('GET /admin/api/achievements', { claims: VIEWER, query: { status: 'nope' } });
    expect(bad.status).toBe(400);
    expect(bad.body.issues[0].path).toBe('status');
  });

  it('retires a published achievement: nothing more can be awarded', async () => {
    expect((await act('retire', 'ethics', ADMIN)).body.code).toBe('REVIEW.WRONG_STATE');
    const retired = await act('retire', 'data-literacy', DEMO_ADMIN, { comment: 'Replaced by the new programme.' });
    expect(retired.body.achievement.status).toBe('retired');
    expect((await appStore.getAchievement('data-literacy'))?.status).toBe('retired');
    expect((await edit('data-literacy', ADMIN)).body.code).toBe('ACHIEVEMENT.RETIRED');
  });

  it('gives achievements made before versions (CLI, demo seed) a version 1 on their first change', async () => {
    await appStore.putAchievement({
      id: 'legacy',
      issuerSlug: 'demo',
      name: 'Legacy',
      description: 'Made by the CLI.',
      criteria: { narrative: 'x' },
      status: 'published',
    });
    const edited = await edit('legacy', ADMIN, { name: 'Legacy 2' });
    expect(edited.body.versions.map((v: { version: number; status: string }) => `${v.version} ${v.status}`)).toEqual([
      '1 published',
      '2 draft',
    ]);
  });
});

describe('admin API: rules, the tester, dry runs and pathways', () => {
  it('creates match and stacking rules, checking their achievements and sources', async () => {
    await call('POST /admin/api/achievements', {
      claims: ADMIN,
      body: achievementBody('stats-1', { name: 'Stats 1' }),
    });
    const unknownSource = await call('POST /admin/api/rules', {
      claims: DEMO_ADMIN,
      body: {
        type: 'match',
        id: 'r1',
        achievementId: 'stats-1',
        source: 'nowhere.lms',
        kind: 'course-completed',
        externalId: 'ST1',
        mode: 'live',
      },
    });
    expect(unknownSource).toMatchObject({ status: 400, body: { code: 'SOURCE.UNKNOWN' } });
    const created = await call('POST /admin/api/rules', {
      claims: DEMO_ADMIN,
      body: {
        type: 'match',
        id: 'stats-pilot',
        achievementId: 'stats-1',
        source: 'demo.lms',
        kind: 'course-completed',
        externalId: 'ST1',
        conditions: { minScore: 60, occurredFrom: '2026-01-01T00:00:00Z', occurredUntil: '2026-12-31T23:59:59Z' },
        mode: 'dry-run',
      },
    });
    expect(created.status).toBe(201);
    expect(await appStore.findRules('demo.lms', 'course-completed', 'ST1')).toMatchObject([
      { id: 'stats-pilot', mode: 'dry-run' },
    ]);

    const badWindow = await call('POST /admin/api/rules', {
      claims: ADMIN,
      body: {
        type: 'match',
        id: 'r2',
        achievementId: 'stats-1',
        source: 'demo.lms',
        kind: 'course-completed',
        externalId: 'X',
        conditions: { occurredFrom: '2026-02-01T00:00:00Z', occurredUntil: '2026-01-01T00:00:00Z' },
        mode: 'live',
      },
    });
    expect(badWindow.body.message).toContain('conditions: occurredFrom must not be after occurredUntil');

    const stack = await call('POST /admin/api/rules', {
      claims: ADMIN,
      body: {
        type: 'stack',
        id: 'data-pathway',
        achievementId: 'ethics',
        requires: ['stats-1', 'data-literacy'],
        threshold: 2,
        mode: 'live',
      },
    });
    expect(stack.status).toBe(201);
    expect((await appStore.findStackRules('stats-1')).map((r) => r.id)).toEqual(['data-pathway']);
    const tooMany = await call('POST /admin/api/rules', {
      claims: ADMIN,
      body: {
        type: 'stack',
        id: 'p2',
        achievementId: 'ethics',
        requires: ['stats-1', 'ethics'],
        threshold: 3,
        mode: 'live',
      },
    });
    expect(tooMany.body.issues.map((i: { path: string }) => i.path).sort()).toEqual(['requires', 'threshold']);
  });

  it('updates a rule (mode, requirements), refusing a change of type', async () => {
    const live = await call('PUT /admin/api/rules/{id}', {
      claims: ADMIN,
      params: { id: 'data-pathway' },
      body: { type: 'stack', achievementId: 'ethics', requires: ['stats-1'], mode: 'dry-run' },
    });
    expect(live.body).toMatchObject({ mode: 'dry-run', requires: ['stats-1'] });
    expect(await appStore.findStackRules('data-literacy')).toEqual([]);
    const typeChange = await call('PUT /admin/api/rules/{id}', {
      claims: ADMIN,
      params: { id: 'data-pathway' },
      body: { type: 'match', achievementId: 'ethics', source: 'demo.lms', kind: 'k', externalId: 'e', mode: 'off' },
    });
    expect(typeChange.body.code).toBe('RULE.TYPE_CHANGE');
    const list = await call('GET /admin/api/rules', { claims: VIEWER, query: { type: 'stack' } });
    expect(list.body.rules.map((r: { id: string }) => r.id)).toEqual(['data-pathway']);
  });

  it('tests an event against the rules: which fire, and why not', async () => {
    const detail = {
      version: 1,
      eventId: 'try-1',
      occurredAt: '2026-05-14T16:20:00Z',
      learner: { email: 'ada@example.edu' },
      activity: { kind: 'course-completed', externalId: 'ST1', result: { score: 55 } },
    };
    const low = await call('POST /admin/api/rules/test', { claims: VIEWER, body: { source: 'demo.lms', detail } });
    expect(low.body).toMatchObject({
      valid: true,
      outcome: 'no-match',
      rules: [{ ruleId: 'stats-pilot', fires: false, reason: 'rule stats-pilot needs a score of at least 60; got 55' }],
    });
    const good = await call('POST /admin/api/rules/test', {
      claims: VIEWER,
      body: { source: 'demo.lms', detail: { ...detail, activity: { ...detail.activity, result: { score: 90 } } } },
    });
    expect(good.body).toMatchObject({
      outcome: 'dry-run',
      rules: [{ fires: true, wouldRecordDryRun: true, wouldIssue: false }],
    });
    const broken = await call('POST /admin/api/rules/test', {
      claims: VIEWER,
      body: { source: 'demo.lms', detail: { version: 1 } },
    });
    expect(broken.body).toMatchObject({ valid: false, outcome: 'rejected' });
    expect(broken.body.problems).toContain('eventId');
    const stranger = await call('POST /admin/api/rules/test', { claims: VIEWER, body: { source: 'x.lms', detail } });
    expect(stranger.body).toMatchObject({ sourceAllowed: false, outcome: 'rejected' });
  });

  it('lists dry-run awards and promotes them through the bus, each once', async () => {
    for (const eventId of ['e-1', 'e-2'])
      await appStore.recordDryRun({
        eventId,
        ruleId: 'stats-pilot',
        achievementId: 'stats-1',
        source: 'demo.lms',
        event: { eventId, learner: { email: `${eventId}@example.edu` } },
        status: 'pending',
        recordedAt: `2026-05-14T16:2${eventId.slice(-1)}:00Z`,
      });
    const listed = await call('GET /admin/api/rules/{id}/dry-runs', {
      claims: DEMO_ADMIN,
      params: { id: 'stats-pilot' },
    });
    expect(listed.body.items.map((r: { eventId: string }) => r.eventId)).toEqual(['e-2', 'e-1']);
    expect(
      (await call('GET /admin/api/rules/{id}/dry-runs', { claims: OTHER_ADMIN, params: { id: 'stats-pilot' } })).status,
    ).toBe(403);

    const one = await call('POST /admin/api/rules/{id}/dry-runs/promote', {
      claims: DEMO_ADMIN,
      params: { id: 'stats-pilot' },
      body: { eventIds: ['e-1', 'ghost'] },
    });
    expect(one).toMatchObject({ status: 202, body: { promoted: ['e-1'], skipped: [{ eventId: 'ghost' }] } });
    expect(promoted).toEqual([
      { version: 1, eventId: 'e-1', ruleId: 'stats-pilot', promotedAt: now.toISOString(), promotedBy: 'demo-admin' },
    ]);
    expect(await appStore.getDryRun('e-1', 'stats-pilot')).toMatchObject({
      status: 'promoting',
      promotedBy: { sub: 'demo-admin' },
    });
    await appStore.moveDryRun('e-1', 'stats-pilot', ['promoting'], 'promoted', { credentialId: 'c-1' });
    const rest = await call('POST /admin/api/rules/{id}/dry-runs/promote', {
      claims: DEMO_ADMIN,
      params: { id: 'stats-pilot' },
      body: {},
    });
    expect(rest.body.promoted).toEqual(['e-2']);
    const again = await call('POST /admin/api/rules/{id}/dry-runs/promote', {
      claims: DEMO_ADMIN,
      params: { id: 'stats-pilot' },
      body: { eventIds: ['e-1'] },
    });
    expect(again.body).toEqual({ promoted: [], skipped: [{ eventId: 'e-1', reason: 'it is promoted' }] });
  });

  it("shows a learner's pathway progress by email, keyed by the learner key", async () => {
    const key = await learnerKey(claimKey, 'Ada@Example.edu');
    await appStore.addProgress('data-pathway', key, 'stats-1', now.toISOString());
    const progress = await call('POST /admin/api/rules/{id}/progress', {
      claims: ADMIN,
      params: { id: 'data-pathway' },
      body: { email: 'ada@example.edu' },
    });
    expect(progress.body).toEqual({
      ruleId: 'data-pathway',
      requires: ['stats-1'],
      needed: 1,
      earned: ['stats-1'],
      missing: [],
      complete: true,
    });
    const match = await call('POST /admin/api/rules/{id}/progress', {
      claims: ADMIN,
      params: { id: 'stats-pilot' },
      body: { email: 'a@b.cd' },
    });
    expect(match.body.code).toBe('RULE.NOT_STACK');
  });
});

describe('admin API: the event log and credentials', () => {
  it('lists events newest first by day window, filters by outcome, pages with a cursor, finds one by id', async () => {
    const base = { source: 'demo.lms', credentialIds: [] };
    await appStore.recordEvent({ ...base, eventId: 'ev-a', outcome: 'issued', receivedAt: '2026-05-13T10:00:00.000Z' });
    await appStore.recordEvent({
      ...base,
      eventId: 'ev-b',
      outcome: 'rejected',
      reasonCode: 'EVENT.INVALID',
      reason: 'learner.email: Invalid email',
      receivedAt: '2026-05-14T10:00:00.000Z',
    });
    await appStore.recordEvent({
      ...base,
      eventId: 'ev-c',
      outcome: 'dry-run',
      receivedAt: '2026-05-15T08:00:00.000Z',
    });
    const all = await call('GET /admin/api/events', { claims: VIEWER });
    expect(all.body.events.map((e: { eventId: string }) => e.eventId)).toEqual(['ev-c', 'ev-b', 'ev-a']);
    const rejected = await call('GET /admin/api/events', { claims: VIEWER, query: { outcome: 'rejected' } });
    expect(rejected.body.events).toMatchObject([{ eventId: 'ev-b', reason: 'learner.email: Invalid email' }]);
    const first = await call('GET /admin/api/events', { claims: VIEWER, query: { limit: '2' } });
    expect(first.body.events).toHaveLength(2);
    const second = await call('GET /admin/api/events', {
      claims: VIEWER,
      query: { limit: '2', cursor: first.body.cursor },
    });
    expect(second.body.events.map((e: { eventId: string }) => e.eventId)).toEqual(['ev-a']);
    expect(
      (await call('GET /admin/api/events', { claims: VIEWER, query: { eventId: 'ev-b' } })).body.events,
    ).toHaveLength(1);
    const tooLong = await call('GET /admin/api/events', {
      claims: VIEWER,
      query: { from: '2026-01-01', to: '2026-05-01' },
    });
    expect(tooLong.body.message).toContain('at most 31 days');
  });

  it('finds credentials by learner email (never stored in a key), shows them to their issuer admins only, and resends', async () => {
    const email = 'grace@example.edu';
    const key = await learnerKey(claimKey, email);
    const credential = (id: string, issuerSlug: string, issuedAt: string) => ({
      id,
      issuerSlug,
      achievementId: 'data-literacy',
      achievementVersion: 2,
      ruleId: 'r',
      sourceEventId: `src-${id}`,
      recipientEmail: email,
      document: { id },
      issuedAt,
      claimNonce: 'n',
      emailStatus: 'sent' as const,
      learnerKey: key,
    });
    await appStore.saveIssuance(credential('c-demo', 'demo', '2026-05-14T17:00:00Z'), {
      tokenHash: 'h1',
      credentialId: 'c-demo',
      expiresAt: '2026-06-14T00:00:00Z',
    });
    await appStore.saveIssuance(credential('c-ce', 'cont-ed', '2026-05-15T17:00:00Z'), {
      tokenHash: 'h2',
      credentialId: 'c-ce',
      expiresAt: '2026-06-14T00:00:00Z',
    });

    const byEmail = await call('POST /admin/api/credentials/search', {
      claims: ADMIN,
      body: { email: 'Grace@Example.edu' },
    });
    expect(byEmail.body.credentials.map((c: { id: string }) => c.id)).toEqual(['c-ce', 'c-demo']);
    expect(byEmail.body.credentials[1]).toMatchObject({
      state: 'emailed',
      achievementVersion: 2,
      recipientEmail: email,
    });
    const scoped = await call('POST /admin/api/credentials/search', { claims: DEMO_ADMIN, body: { email } });
    expect(scoped.body.credentials.map((c: { id: string }) => c.id)).toEqual(['c-demo']);
    const byDay = await call('POST /admin/api/credentials/search', {
      claims: ADMIN,
      body: { achievementId: 'data-literacy', state: 'emailed', from: '2026-05-14', to: '2026-05-15' },
    });
    expect(byDay.body.credentials.map((c: { id: string }) => c.id)).toEqual(['c-ce', 'c-demo']);

    expect((await call('GET /admin/api/credentials/{id}', { claims: DEMO_ADMIN, params: { id: 'c-ce' } })).status).toBe(
      404,
    );
    expect(
      (await call('GET /admin/api/credentials/{id}', { claims: DEMO_ADMIN, params: { id: 'c-demo' } })).body.document,
    ).toEqual({ id: 'c-demo' });
    const resend = await call('POST /admin/api/credentials/{id}/resend', {
      claims: DEMO_ADMIN,
      params: { id: 'c-demo' },
      body: { email: 'grace.h@example.edu' },
    });
    expect(resend.body).toEqual({ credentialId: 'c-demo', expiresAt: '2026-06-13T16:20:00.000Z' });
    expect(resent).toEqual([{ credentialId: 'c-demo', email: 'grace.h@example.edu' }]);
    expect(
      (
        await call('POST /admin/api/credentials/{id}/resend', {
          claims: OTHER_ADMIN,
          params: { id: 'c-demo' },
          body: {},
        })
      ).status,
    ).toBe(404);

    // Status: revoke, suspend, reinstate through the status commands, as `admin:<sub>`, scoped like the rest
    const revoked = await call('POST /admin/api/credentials/{id}/revoke', {
      claims: DEMO_ADMIN,
      params: { id: 'c-demo' },
      body: { reason: 'issued <b>in error</b>' },
    });
    expect(revoked).toMatchObject({
      status: 200,
      body: { credentialId: 'c-demo', action: 'revoke', outcome: 'changed' },
    });
    await call('POST /admin/api/credentials/{id}/suspend', {
      claims: ADMIN,
      params: { id: 'c-ce' },
      body: { reason: 'under review' },
    });
    expect(statusCalls).toEqual([
      ['revoke', { credentialId: 'c-demo', reason: 'issued <b>in error</b>', actor: 'admin:demo-admin' }],
      ['suspend', { credentialId: 'c-ce', reason: 'under review', actor: 'admin:admin-1' }],
    ]);
    const elsewhere = await call('POST /admin/api/credentials/{id}/reinstate', {
      claims: DEMO_ADMIN,
      params: { id: 'c-ce' },
      body: { reason: 'cleared' },
    });
    expect(elsewhere.status).toBe(404);
    const noReason = await call('POST /admin/api/credentials/{id}/revoke', {
      claims: ADMIN,
      params: { id: 'c-demo' },
      body: {},
    });
    expect(noReason).toMatchObject({ status: 400, body: { message: expect.stringContaining('reason') } });

    // Bulk: by event is for admins only (an event may award for several issuers); by ids checks every one
    const byEvent = await call('POST /admin/api/credentials/revoke', {
      claims: DEMO_ADMIN,
      body: { sourceEventId: 'src-c-demo', reason: 'the LMS sent it twice' },
    });
    expect(byEvent.status).toBe(403);
    const mixed = await call('POST /admin/api/credentials/revoke', {
      claims: DEMO_ADMIN,
      body: { credentialIds: ['c-demo', 'c-ce'], reason: 'cohort cancelled' },
    });
    expect(mixed.status).toBe(404);
    const twoSelectors = await call('POST /admin/api/credentials/revoke', {
      claims: ADMIN,
      body: { sourceEventId: 'e', achievementId: 'data-literacy', reason: 'x' },
    });
    expect(twoSelectors.status).toBe(400);
    const all = await call('POST /admin/api/credentials/revoke', {
      claims: ADMIN,
      body: { sourceEventId: 'src-c-demo', reason: 'the LMS sent it twice' },
    });
    expect(all.status).toBe(200);
    expect(statusCalls.slice(2)).toEqual([
      [
        'revokeMany',
        { selector: { sourceEventId: 'src-c-demo' }, reason: 'the LMS sent it twice', actor: 'admin:admin-1' },
      ],
    ]);
  });
});
