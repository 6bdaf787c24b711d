import { describe, expect, it, vi } from 'vitest';
import { PermanentError } from '#shared/runtime/errors.ts';
import { makeLogger } from '#shared/runtime/logger.ts';
import { httpEvent, lambdaContext } from '#shared/testing/http.ts';
import { buildHandler } from './http.ts';

// The module also builds its production handler at import: give its wiring configuration it will never use.
vi.hoisted(() =>
  Object.assign(process.env, {
    APP_TABLE_NAME: 'unused',
    PUBLIC_BASE_URL: 'https://badges.example.edu',
    SIGNING_KEY_ID: 'unused',
  }),
);

const LIST = '2f1c7a52-8a8b-4d0e-9a8e-0d6f3f0f6a11';
const served = {
  credential: { id: `https://badges.example.edu/status/${LIST}`, type: ['BitstringStatusListCredential'] },
  version: 3,
  signedAt: '2026-05-14T17:00:00Z',
};

const handlerWith = (getStatusList: (id: string) => Promise<typeof served>) =>
  buildHandler({ logger: makeLogger('status'), getStatusList });

const get = (headers: Record<string, string> = {}, list = LIST) =>
  httpEvent('GET /status/{list}', { pathParameters: { list }, headers });

describe('GET /status/{list}', () => {
  it('serves the list credential, publicly cacheable for five minutes, with an entity tag', async () => {
    const handler = handlerWith(async () => served);
    const res = await handler(get(), lambdaContext);
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body as string)).toEqual(served.credential);
    expect(res.headers).toMatchObject({
      'content-type': 'application/json',
      'cache-control': 'public, max-age=300',
      'access-control-allow-origin': '*',
      etag: '"3-2026-05-14T17:00:00Z"',
    });
  });

  it('answers the VC media type asked for, and 304 to a matching If-None-Match', async () => {
    const handler = handlerWith(async () => served);
    const vc = await handler(get({ accept: 'application/vc' }), lambdaContext);
    expect(vc.headers?.['content-type']).toBe('application/vc');
    const ld = await handler(get({ accept: 'application/vc+ld+json' }), lambdaContext);
    expect(ld.headers?.['content-type']).toBe('application/vc+ld+json');
    const again = await handler(get({ 'if-none-match': '"3-2026-05-14T17:00:00Z"' }), lambdaContext);
    expect(again.statusCode).toBe(304);
    expect(again.body).toBeUndefined();
  });

  it('answers an unknown list with a clear 404', async () => {
    const handler = handlerWith(async () => {
      throw new PermanentError('STATUS_LIST.NOT_FOUND', 'status list not found', { status: 404 });
    });
    const res = await handler(get({}, 'nope'), lambdaContext);
    expect(res.statusCode).toBe(404);
    expect(JSON.parse(res.body as string)).toEqual({ code: 'STATUS_LIST.NOT_FOUND', message: 'status list not found' });
  });

  it('hides internal failures behind a bare 500', async () => {
    const handler = handlerWith(async () => {
      throw new Error('KMS throttled: arn:aws:kms:secret');
    });
    const res = await handler(get(), lambdaContext);
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('arn:aws');
  });
});
