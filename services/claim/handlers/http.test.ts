import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { createLocalClaimKey } from '#shared/adapters/claim-key.local.ts';
import { hashClaimToken, ownerToken, readOwnerToken, unsubscribeToken } from '#shared/claim-tokens.ts';
import { makeLogger } from '#shared/runtime/logger.ts';
import { httpEvent, lambdaContext } from '#shared/testing/http.ts';
import { InMemoryStore } from '#shared/testing/in-memory-store.ts';
import { makeAcceptClaim, makeViewClaim } from '../app/claim-credential.ts';
import { makeCheckUnsubscribe, makeUnsubscribe } from '../app/unsubscribe.ts';
import { buildHandler } from './http.ts';

// The module also builds its production handler at import: give its wiring a table name it will never call.
vi.hoisted(() =>
  Object.assign(process.env, {
    APP_TABLE_NAME: 'unused',
    PUBLIC_BASE_URL: 'https://badges.example.edu',
    CLAIM_KEY_ID: 'unused',
  }),
);

const TOKEN = 'T'.repeat(43);
const XSS = '<script>alert(1)</script>';

const setup = () => {
  const store = new InMemoryStore();
  store.credentials.set('c-1', {
    id: 'c-1',
    issuerSlug: 'demo',
    achievementId: 'a',
    ruleId: 'r',
    sourceEventId: 'e',
    recipientEmail: 'ada@example.edu',
    recipientName: `Ada ${XSS}`,
    document: {
      issuer: { name: `Demo ${XSS}`, url: 'javascript:alert(1)' },
      credentialSubject: {
        achievement: { name: `Intro ${XSS}`, description: 'CS101', criteria: { narrative: 'Pass' } },
      },
    },
    issuedAt: '2026-05-14T16:20:05Z',
    claimNonce: 'n',
    emailStatus: 'sent',
  });
  store.claims.set(hashClaimToken(TOKEN), {
    tokenHash: hashClaimToken(TOKEN),
    credentialId: 'c-1',
    expiresAt: '2999-01-01T00:00:00Z',
  });
  const clock = { now: () => new Date() };
  const claimKey = createLocalClaimKey({ dataDir: mkdtempSync(join(tmpdir(), 'laurel-claim-')) });
  const handler = buildHandler({
    logger: makeLogger('claim-test'),
    publicBaseUrl: 'https://badges.example.edu',
    viewClaim: makeViewClaim({ store, clock }),
    acceptClaim: makeAcceptClaim({ store, clock }),
    unsubscribe: makeUnsubscribe({ store, claimKey, clock }),
    checkUnsubscribe: makeCheckUnsubscribe({ claimKey }),
    ownerToken: (id) => ownerToken(claimKey, id, new Date(Date.now() + 86_400_000)),
  });
  const call = (method: 'GET' | 'POST', token: string, route = '/claim/{token}') =>
    handler(
      httpEvent(`${method} ${route}`, { pathParameters: { token }, headers: { accept: 'text/html' } }),
      lambdaContext,
    );
  return { store, call, claimKey };
};

describe('claim routes', () => {
  it('shows the badge with escaped names, a strict CSP and an accept form', async () => {
    const { call } = setup();
    const res = await call('GET', TOKEN);
    expect(res.statusCode).toBe(200);
    expect(res.headers?.['content-security-policy']).toMatch(/default-src 'none'/);
    expect(res.headers?.['referrer-policy']).toBe('no-referrer');
    expect(res.body).not.toContain(XSS);
    expect(res.body).toContain('&lt;script&gt;');
    expect(res.body).not.toContain('javascript:');
    expect(res.body).not.toContain('ada@example.edu');
    expect(res.body).toContain(`<form method="post" action="https://badges.example.edu/claim/${TOKEN}">`);
  });

  it('accepts with a redirect to the credential and an owner cookie for its wallet page only', async () => {
    const { call, store, claimKey } = setup();
    const accepted = await call('POST', TOKEN);
    expect(accepted).toMatchObject({
      statusCode: 303,
      headers: { location: 'https://badges.example.edu/credentials/c-1' },
    });
    expect(store.credentials.get('c-1')?.claimedAt).toBeDefined();
    const cookie = (accepted as { cookies?: string[] }).cookies?.[0] ?? '';
    expect(cookie).toMatch(/^laurel_owner=[^;]+; Path=\/wallet\/c-1; Max-Age=\d+; HttpOnly; Secure; SameSite=Strict$/);
    const value = cookie.slice('laurel_owner='.length, cookie.indexOf(';'));
    await expect(readOwnerToken(claimKey, value, 'c-1', new Date())).resolves.toBe(true);
    await expect(readOwnerToken(claimKey, value, 'c-2', new Date())).resolves.toBe(false);
    await expect(readOwnerToken(claimKey, `${value}x`, 'c-1', new Date())).resolves.toBe(false);
  });

  it('says a used link is used, and re-opens the credential from it on POST', async () => {
    const { call } = setup();
    await call('POST', TOKEN);
    const page = await call('GET', TOKEN);
    expect(page.statusCode).toBe(410);
    expect(page.body).toContain('already been claimed');
    const again = await call('POST', TOKEN);
    expect(again).toMatchObject({
      statusCode: 303,
      headers: { location: 'https://badges.example.edu/credentials/c-1' },
    });
  });

  it('stops reminders from a signed unsubscribe link: GET only asks, POST acts; a forged link does nothing', async () => {
    const { call, store, claimKey } = setup();
    store.reminders.set('c-1', { credentialId: 'c-1', step: 0, dueAt: '2999-01-01T00:00:00.000Z' });
    const token = await unsubscribeToken(claimKey, 'c-1');
    const ask = await call('GET', token, '/unsubscribe/{token}');
    expect(ask.statusCode).toBe(200);
    expect(ask.body).toContain('<form method="post"');
    expect(store.reminders.has('c-1')).toBe(true);
    const forged = await call('POST', `c-1.${'A'.repeat(43)}`, '/unsubscribe/{token}');
    expect(forged.statusCode).toBe(404);
    expect(store.reminders.has('c-1')).toBe(true);
    const done = await call('POST', token, '/unsubscribe/{token}');
    expect(done.statusCode).toBe(200);
    expect(done.body).toContain('Reminders stopped');
    expect(store.reminders.has('c-1')).toBe(false);
    expect(store.credentials.get('c-1')?.remindersStoppedAt).toBeDefined();
  });

  it('answers an unknown token with 404 and an expired one with 410', async () => {
    const { call, store } = setup();
    expect((await call('GET', 'x'.repeat(43))).statusCode).toBe(404);
    expect((await call('POST', '../../etc/passwd')).statusCode).toBe(404);
    const claim = store.claims.get(hashClaimToken(TOKEN));
    if (claim) claim.expiresAt = '2000-01-01T00:00:00Z';
    const expired = await call('GET', TOKEN);
    expect(expired.statusCode).toBe(410);
    expect(expired.body).toContain('expired');
  });

  it('says "this credential was revoked" with 410 on GET and POST, and claims nothing', async () => {
    const { call, store } = setup();
    const record = store.credentials.get('c-1');
    if (record) record.revokedAt = '2026-05-19T10:00:00.000Z';
    for (const method of ['GET', 'POST'] as const) {
      const page = await call(method, TOKEN);
      expect(page.statusCode, method).toBe(410);
      expect(page.body).toContain('This credential was revoked');
      expect(page.body).not.toContain('Accept credential');
    }
    expect(store.credentials.get('c-1')?.claimedAt).toBeUndefined();
  });
});
