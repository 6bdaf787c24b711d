import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { achievementEarned } from '#shared/testing/fixtures.ts';
import { startTestStack, type TestStack } from '../support/local-stack.ts';

let stack: TestStack;
const tokens: Record<string, string> = {};

/** A console call over HTTPS through the local API (and its JWT verification), as the console will make it. */
const api = async (method: string, path: string, as?: string, body?: unknown) => {
  const res = await stack.request(`/admin/api${path}`, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(as ? { authorization: `Bearer ${tokens[as]}` } : {}),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: res.text ? JSON.parse(res.text) : undefined };
};

const until = async <T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 15_000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
};

beforeAll(async () => {
  stack = await startTestStack();
  expect(stack.consoleUsers.created).toBe(true);
  for (const user of stack.consoleUsers.users) {
    const res = await api('POST', '/session', undefined, { email: user.email, password: user.password });
    expect(res.status).toBe(200);
    tokens[user.email.split('@')[0] as string] = res.body.token;
  }
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

describe('the console API on the local stack', () => {
  it('refuses requests without a valid token at the gateway, and wrong roles in the function', async () => {
    expect((await api('GET', '/achievements')).status).toBe(401);
    tokens.forged = `${tokens.admin?.slice(0, -4)}AAAA`;
    expect((await api('GET', '/achievements', 'forged')).status).toBe(401);
    expect((await api('POST', '/issuers', 'viewer', { slug: 'x', name: 'X', url: 'https://x.example' })).status).toBe(
      403,
    );
    expect((await api('GET', '/me', 'reviewer1')).body).toMatchObject({ roles: ['reviewer'] });
    const seeded = await api('GET', '/achievements', 'viewer');
    expect(seeded.body.achievements.map((a: { id: string }) => a.id)).toContain('intro-to-cs');
    expect((await api('GET', '/rules', 'viewer')).body.rules.map((r: { id: string }) => r.id)).toContain(
      'cs101-completed',
    );
  });

  it('reviews and publishes an achievement, pilots a rule in dry-run, promotes its award, then runs it live', async () => {
    const id = `pilot-${randomUUID().slice(0, 8)}`;
    const created = await api('POST', '/achievements', 'demo-admin', {
      id,
      issuerSlug: 'demo',
      name: 'Pilot <em>Badge</em>',
      description: 'A badge piloted before it goes live.',
      criteria: { narrative: 'Attend the pilot workshop.' },
      achievementType: 'Badge',
    });
    expect(created.status).toBe(201);
    await api('POST', `/achievements/${id}/submit`, 'demo-admin');
    await api('POST', `/achievements/${id}/approve`, 'reviewer1', { comment: 'fine' });
    await api('POST', `/achievements/${id}/approve`, 'reviewer2');
    const published = await api('POST', `/achievements/${id}/publish`, 'admin');
    expect(published.body.achievement).toMatchObject({ status: 'published', version: 1 });

    const externalId = `PILOT-${randomUUID().slice(0, 6)}`;
    const rule = await api('POST', '/rules', 'demo-admin', {
      type: 'match',
      id,
      achievementId: id,
      source: 'demo.lms',
      kind: 'attendance-recorded',
      externalId,
      mode: 'dry-run',
    });
    expect(rule.status).toBe(201);

    const email = `pilot-${randomUUID().slice(0, 8)}@example.edu`;
    const pilotEvent = achievementEarned({
      eventId: `pilot-${randomUUID()}`,
      learner: { email, name: 'Pat Pilot' },
      activity: { kind: 'attendance-recorded', externalId },
    });
    await stack.putAchievementEarned(pilotEvent);
    const dryRun = await until(async () => {
      const res = await api('GET', `/rules/${id}/dry-runs`, 'demo-admin');
      return res.body.items[0];
    }, 'the dry-run record');
    expect(dryRun).toMatchObject({ eventId: pilotEvent.eventId, status: 'pending' });
    await stack.bus.idle();
    expect((await api('POST', '/credentials/search', 'admin', { email })).body.credentials).toEqual([]);

    const promoted = await api('POST', `/rules/${id}/dry-runs/promote`, 'demo-admin', {});
    expect(promoted.body.promoted).toEqual([pilotEvent.eventId]);
    const mail = await stack.waitForMail((m) => m.to.some((t) => t.address === email));
    expect(mail.subject).toContain('Pilot <em>Badge</em>');
    const found = await until(async () => {
      const res = await api('POST', '/credentials/search', 'admin', { email });
      return res.body.credentials[0];
    }, 'the promoted credential');
    expect(found).toMatchObject({
      achievementId: id,
      achievementVersion: 1,
      ruleId: id,
      sourceEventId: pilotEvent.eventId,
    });

    await api('PUT', `/rules/${id}`, 'demo-admin', {
      type: 'match',
      achievementId: id,
      source: 'demo.lms',
      kind: 'attendance-recorded',
      externalId,
      mode: 'live',
    });
    const liveEvent = { ...pilotEvent, eventId: `live-${randomUUID()}` };
    await stack.putAchievementEarned(liveEvent);
    await until(async () => {
      const res = await api('POST', '/credentials/search', 'admin', { email });
      return res.body.credentials.length === 2 ? true : undefined;
    }, 'the live credential');
    // The event's outcome is recorded once its credentials are stored.
    const record = await until(async () => {
      const res = await api('GET', `/events?eventId=${encodeURIComponent(liveEvent.eventId)}`, 'viewer');
      return res.body.events[0];
    }, 'the live event record');
    expect(record).toMatchObject({ outcome: 'issued', credentialIds: [expect.any(String)] });
  });
});
