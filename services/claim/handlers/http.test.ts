import { describe, expect, it, vi } from 'vitest';
import { hashClaimToken } from '#shared/claim-tokens.ts';
import { makeLogger } from '#shared/runtime/logger.ts';
import { httpEvent, lambdaContext } from '#shared/testing/http.ts';
import { InMemoryStore } from '#shared/testing/in-memory-store.ts';
import { makeAcceptClaim, makeViewClaim } from '../app/claim-credential.ts';
import { buildHandler } from './http.ts';

// The module also builds its production handler at import: give its wiring a table name it will never call.
vi.hoisted(() =>
  Object.assign(process.env, { APP_TABLE_NAME: 'unused', PUBLIC_BASE_URL: 'https://badges.example.edu' }),
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
  const handler = buildHandler({
    logger: makeLogger('claim-test'),
    publicBaseUrl: 'https://badges.example.edu',
    viewClaim: makeViewClaim({ store, clock }),
    acceptClaim: makeAcceptClaim({ store, clock }),
  });
  const call = (method: 'GET' | 'POST', token: string) =>
    handler(
      httpEvent(`${method} /claim/{token}`, { pathParameters: { token }, headers: { accept: 'text/html' } }),
      lambdaContext,
    );
  return { store, call };
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

  it('accepts with a redirect to the credential, then says the link is used', async () => {
    const { call, store } = setup();
    const accepted = await call('POST', TOKEN);
    expect(accepted).toMatchObject({
      statusCode: 303,
      headers: { location: 'https://badges.example.edu/credentials/c-1' },
    });
    expect(store.credentials.get('c-1')?.claimedAt).toBeDefined();
    const again = await call('POST', TOKEN);
    expect(again.statusCode).toBe(410);
    expect(again.body).toContain('already been claimed');
    expect((await call('GET', TOKEN)).statusCode).toBe(410);
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
});
