import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPermanent } from '#shared/runtime/errors.ts';
import { makeHostedUi } from './hosted-ui.cognito.ts';

/** A stand-in for the hosted UI's token endpoint on 127.0.0.1: answers what the test sets, records what it got. */
const received: { method?: string; url?: string; contentType?: string; body: string }[] = [];
let answer: { status: number; body: unknown } = { status: 200, body: {} };
const readBody = async (req: IncomingMessage) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};
const server = createServer(async (req, res) => {
  received.push({
    method: req.method,
    url: req.url,
    contentType: req.headers['content-type'],
    body: await readBody(req),
  });
  res.writeHead(answer.status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(answer.body));
});
let domainUrl = '';
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  domainUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const settings = () => ({
  domainUrl,
  clientId: 'console-client',
  redirectUri: 'https://badges.example.edu/admin/callback',
  logoutUri: 'https://badges.example.edu/admin',
});

describe('makeHostedUi (Cognito hosted UI)', () => {
  it('builds the authorize URL for the code flow with PKCE S256 and our state', () => {
    // Act
    const url = new URL(makeHostedUi(settings()).authorizeUrl({ state: 'st', codeChallenge: 'ch' }));
    // Assess
    expect(`${url.origin}${url.pathname}`).toBe(`${domainUrl}/oauth2/authorize`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: 'console-client',
      redirect_uri: 'https://badges.example.edu/admin/callback',
      scope: 'openid email profile',
      state: 'st',
      code_challenge: 'ch',
      code_challenge_method: 'S256',
    });
  });

  it('builds the logout URL that lands back on the console', () => {
    const url = new URL(makeHostedUi(settings()).logoutUrl());
    expect(url.pathname).toBe('/logout');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: 'console-client',
      logout_uri: 'https://badges.example.edu/admin',
    });
  });

  it('trades the code and verifier at /oauth2/token as a form post, and returns the ID token', async () => {
    // Prepare
    received.length = 0;
    answer = {
      status: 200,
      body: { id_token: 'id.token.here', access_token: 'a', token_type: 'Bearer', expires_in: 3600 },
    };
    // Act
    const result = await makeHostedUi(settings()).exchangeCode({ code: 'the-code', codeVerifier: 'the-verifier' });
    // Assess
    expect(result).toEqual({ idToken: 'id.token.here' });
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({
      method: 'POST',
      url: '/oauth2/token',
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(Object.fromEntries(new URLSearchParams(received[0]?.body))).toEqual({
      grant_type: 'authorization_code',
      client_id: 'console-client',
      code: 'the-code',
      redirect_uri: 'https://badges.example.edu/admin/callback',
      code_verifier: 'the-verifier',
    });
  });

  it('answers a refused code with a 401 the user can act on, and an outage or a bad answer with an error', async () => {
    const hostedUi = makeHostedUi(settings());
    answer = { status: 400, body: { error: 'invalid_grant' } };
    const refused = await hostedUi.exchangeCode({ code: 'used', codeVerifier: 'v' }).catch((e: unknown) => e);
    expect(isPermanent(refused) && refused.status).toBe(401);
    answer = { status: 500, body: {} };
    await expect(hostedUi.exchangeCode({ code: 'c', codeVerifier: 'v' })).rejects.toThrow(/answered 500/);
    answer = { status: 200, body: { access_token: 'a', token_type: 'Bearer' } };
    await expect(hostedUi.exchangeCode({ code: 'c', codeVerifier: 'v' })).rejects.toThrow(/without an ID token/);
  });
});
