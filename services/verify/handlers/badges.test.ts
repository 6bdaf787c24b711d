import { readFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { makeChangeStatus } from '#services/status/app/change-status.ts';
import { unbakePng, unbakeSvg } from '#shared/credentials/baking/index.ts';
import type { HttpEvent } from '#shared/runtime/http.ts';
import { makeLogger } from '#shared/runtime/logger.ts';
import { achievementEarned, demoAchievement } from '#shared/testing/fixtures.ts';
import { httpEvent, lambdaContext } from '#shared/testing/http.ts';
import { makeIssuanceFixture, TEST_BASE_URL } from '#shared/testing/issuance.ts';
import { statusListFetcher } from '../../../test/support/status-lists.ts';
import { makePublicDocuments } from '../app/public-documents.ts';
import type { VerifyDeps } from '../wiring.ts';
import { buildHandler } from './http.ts';

// The module also builds its production handler at import: give its wiring what it parses and never calls.
vi.hoisted(() =>
  Object.assign(process.env, {
    APP_TABLE_NAME: 'unused',
    PUBLIC_BASE_URL: 'https://badges.example.edu',
    JWT_SIGNING_KEY_ID: 'unused',
  }),
);

const fixtureFile = (name: string) =>
  readFileSync(new URL(`../../../test/fixtures/vectors/ob30-validator/${name}`, import.meta.url));

/**
 * Credentials issued in memory with real local keys; their status lists served by the status service's own use
 * case through the verifier's fetch hook, as the HTTPS fetcher would fetch them from `/status/{list}`.
 */
const setup = async (opts: { now?: Date } = {}) => {
  const fixture = await makeIssuanceFixture();
  fixture.store.achievements.set('intro-to-cs', { ...demoAchievement(), suspendable: true });
  const clock = { now: () => opts.now ?? new Date() };
  const fetcher = statusListFetcher(fixture, TEST_BASE_URL, clock);
  const fetched = fetcher.fetched;
  const changeStatus = makeChangeStatus({
    store: fixture.statusStore,
    lookups: { getEvent: async () => undefined },
    publisher: {
      revoked: async () => {},
      suspended: async () => {},
      reinstated: async () => {},
      credentialIssued: async () => {},
    },
    clock,
    publicBaseUrl: TEST_BASE_URL,
  });
  const handler = buildHandler({
    logger: makeLogger('verify-test'),
    publicBaseUrl: TEST_BASE_URL,
    jwt: {} as VerifyDeps['jwt'],
    documents: makePublicDocuments({
      store: fixture.store,
      remote: { resolve: async (did: string) => Promise.reject(new Error(`no network for ${did}`)) },
      fetcher,
      clock,
      publicBaseUrl: TEST_BASE_URL,
    }),
  } as VerifyDeps);
  const issue = async () => {
    const { credentialIds } = await fixture.award({ source: 'demo.lms', event: achievementEarned() });
    return credentialIds[0] as string;
  };
  const call = (event: HttpEvent) => handler(event, lambdaContext);
  return { ...fixture, issue, call, changeStatus, fetched };
};

const page = (id: string): HttpEvent =>
  httpEvent('GET /credentials/{id}', { pathParameters: { id }, headers: { accept: 'text/html' } });
const image = (id: string, format: string): HttpEvent => ({
  ...httpEvent('GET /credentials/{id}', { pathParameters: { id }, headers: { accept: 'text/html' } }),
  queryStringParameters: { format },
});
const verifyBody = (body: Buffer | string, contentType: string): HttpEvent => ({
  ...httpEvent('POST /credentials/verify', { headers: { 'content-type': contentType } }),
  body: Buffer.from(body).toString('base64'),
  isBase64Encoded: true,
});
const bodyBytes = (res: { body?: string; isBase64Encoded?: boolean }) =>
  Buffer.from(res.body ?? '', res.isBase64Encoded ? 'base64' : 'utf8');

describe('baked badges at /credentials/{id}?format=png|svg', () => {
  let ctx: Awaited<ReturnType<typeof setup>>;
  let id: string;
  beforeAll(async () => {
    ctx = await setup();
    id = await ctx.issue();
  });

  it('serves a PNG with the signed credential baked in, as a download', async () => {
    const res = await ctx.call(image(id, 'png'));

    expect(res.statusCode).toBe(200);
    expect(res.headers).toMatchObject({
      'content-type': 'image/png',
      'content-disposition': `attachment; filename="badge-${id}.png"`,
      'x-content-type-options': 'nosniff',
    });
    const png = bodyBytes(res);
    expect(PNG.sync.read(png).width).toBe(256);
    expect(JSON.parse(unbakePng(new Uint8Array(png)) ?? '{}')).toEqual(ctx.store.credentials.get(id)?.document);
  });

  it('serves an SVG naming the achievement, with a strict CSP, that unbakes to the same credential', async () => {
    const res = await ctx.call(image(id, 'svg'));

    expect(res.headers?.['content-type']).toBe('image/svg+xml');
    expect(res.headers?.['content-security-policy']).toMatch(/^default-src 'none'.*sandbox$/);
    const svg = bodyBytes(res).toString('utf8');
    expect(svg).toContain('Introduction to');
    expect(JSON.parse(unbakeSvg(svg) ?? '{}')).toEqual(ctx.store.credentials.get(id)?.document);
  });

  it('verifies what it serves: the baked PNG and SVG posted back to /credentials/verify', async () => {
    for (const [format, type] of [
      ['png', 'image/png'],
      ['svg', 'image/svg+xml'],
    ] as const) {
      const baked = bodyBytes(await ctx.call(image(id, format)));
      const res = await ctx.call(verifyBody(baked, type));
      const body = JSON.parse(res.body ?? '{}');

      expect(body.errors).toEqual([]);
      expect(res.statusCode).toBe(200);
      expect(body).toMatchObject({ verified: true, verdict: 'valid', format, errors: [], warnings: [] });
    }
    expect(ctx.fetched[0]).toMatch(new RegExp(`^${TEST_BASE_URL}/status/[0-9a-f-]{36}$`));
  });

  it('answers a bad format or an unknown credential with a 4xx and a reason', async () => {
    const bad = await ctx.call({ ...image(id, 'gif'), headers: { accept: 'application/json' } });
    const missing = await ctx.call({ ...image('nope', 'png'), headers: { accept: 'application/json' } });

    expect(bad.statusCode).toBe(400);
    expect(JSON.parse(bad.body ?? '{}')).toEqual({
      code: 'REQUEST.INVALID_FORMAT',
      message: 'format must be png, svg or jwt',
    });
    expect(missing.statusCode).toBe(404);
  });

  it('links both images from the credential page', async () => {
    const res = await ctx.call(page(id));
    expect(res.body).toContain(`href="${TEST_BASE_URL}/credentials/${id}?format=png"`);
    expect(res.body).toContain(`href="${TEST_BASE_URL}/credentials/${id}?format=svg"`);
  });
});

describe('POST /credentials/verify with any issuer’s credential', () => {
  let ctx: Awaited<ReturnType<typeof setup>>;
  beforeAll(async () => {
    ctx = await setup();
  });

  it('accepts 1EdTech’s baked images and its JWT, reporting the caveat as a warning', async () => {
    const png = await ctx.call(verifyBody(fixtureFile('simple-jwt.png'), 'image/png'));
    const body = JSON.parse(png.body ?? '{}');

    expect(png.statusCode).toBe(200);
    expect(body.format).toBe('png');
    expect(body.warnings).toEqual([
      expect.stringMatching(/^controller: the key was taken from the JWT’s own jwk header/),
    ]);
  });

  it('takes a VC-JWT as application/vc+jwt, and a JSON credential as before', async () => {
    const jwt =
      fixtureFile('simple-jwt.svg')
        .toString('utf8')
        .match(/verify="([^"]+)"/)?.[1] ?? '';
    const asJwt = await ctx.call(verifyBody(jwt, 'application/vc+jwt'));
    const asJson = await ctx.call(
      httpEvent('POST /credentials/verify', {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ verifiableCredential: JSON.parse(fixtureFile('simple.json').toString('utf8')) }),
      }),
    );

    expect(JSON.parse(asJwt.body ?? '{}')).toMatchObject({ verified: true, format: 'jwt' });
    expect(JSON.parse(asJson.body ?? '{}')).toMatchObject({ verified: true, format: 'json' });
  });

  it('answers 422 naming the failed check for a credential that does not verify', async () => {
    const res = await ctx.call(verifyBody(fixtureFile('simple-err-expired.json'), 'application/json'));
    expect(res.statusCode).toBe(400); // a bare credential is not a VC-API request body
    const wrapped = `{"verifiableCredential": ${fixtureFile('simple-err-expired.json').toString('utf8')}}`;
    const expired = await ctx.call(verifyBody(wrapped, 'application/json'));

    expect(expired.statusCode).toBe(422);
    expect(JSON.parse(expired.body ?? '{}')).toMatchObject({
      verified: false,
      verdict: 'expired',
      errors: [{ check: 'expiration', message: 'expired at 2010-01-01T00:00:00Z' }],
    });
  });

  it.each([
    [
      'an image without a credential',
      Buffer.from(fixtureFile('simple-json.png').subarray(0, 40)),
      'image/png',
      400,
      'REQUEST.UNREADABLE_CREDENTIAL',
    ],
    ['an SVG that is not XML', Buffer.from('<svg><oops></svg>'), 'image/svg+xml', 400, 'REQUEST.UNREADABLE_CREDENTIAL'],
    ['a JWT that is not one', Buffer.from('not.a.jwt!'), 'application/vc+jwt', 400, 'REQUEST.UNREADABLE_CREDENTIAL'],
    ['an unsupported media type', Buffer.from('x'), 'application/pdf', 415, 'REQUEST.UNSUPPORTED_MEDIA_TYPE'],
    ['a body over 2 MiB', Buffer.alloc(2 * 1024 * 1024 + 1), 'image/png', 413, 'REQUEST.TOO_LARGE'],
    ['malformed JSON', Buffer.from('{nope'), 'application/json', 400, 'REQUEST.INVALID_JSON'],
    ['no body', Buffer.alloc(0), 'application/json', 400, 'REQUEST.EMPTY'],
  ])('refuses %s with a clear 4xx', async (_what, body, type, status, code) => {
    const res = await ctx.call(verifyBody(body, type));

    expect(res.statusCode).toBe(status);
    const answer = JSON.parse(res.body ?? '{}');
    expect(answer.code).toBe(code);
    expect(answer.message).toBeTruthy();
  });
});

describe('the credential page’s live verdict', () => {
  it('says valid, then suspended, then revoked, in words, as the issuer changes the status', async () => {
    const ctx = await setup();
    const id = await ctx.issue();
    const who = { reason: 'test', actor: 'cli:test' };

    const valid = (await ctx.call(page(id))).body ?? '';
    await ctx.changeStatus.suspend({ credentialId: id, ...who });
    const suspended = (await ctx.call(page(id))).body ?? '';
    await ctx.changeStatus.revoke({ credentialId: id, ...who });
    const revoked = (await ctx.call(page(id))).body ?? '';

    expect(valid).toContain('<strong>✔ Valid</strong>: Signed by its issuer, unchanged since');
    expect(suspended).toContain('<strong>⏸ Suspended</strong>: The issuer has suspended this credential.');
    expect(revoked).toContain('<strong>✘ Revoked</strong>: The issuer has withdrawn this credential.');
    expect(revoked).not.toContain('ada@example.edu');
  });

  it('says expired, with the date, once its validity has ended', async () => {
    const ctx = await setup({ now: new Date(Date.now() + 400 * 24 * 3600 * 1000) });
    ctx.store.achievements.set('intro-to-cs', { ...demoAchievement(), validForDays: 365 } as ReturnType<
      typeof demoAchievement
    >);
    const id = await ctx.issue();
    // Issued "now" in the fixture's clock; the verifier looks 400 days later (status lists re-signed then too).
    const body = (await ctx.call(page(id))).body ?? '';

    expect(body).toContain('<strong>✘ Expired</strong>: It was valid until');
  });
});
