import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLocalClaimKey } from '#shared/adapters/claim-key.local.ts';
import { deriveClaimToken, hashClaimToken } from '#shared/claim-tokens.ts';
import type { ClaimEmailBouncedV1 } from '#shared/events/claim-email-bounced.v1.ts';
import { claimEmailBouncedV1Detail } from '#shared/events/claim-email-bounced.v1.ts';
import { demoIssuer } from '#shared/testing/fixtures.ts';
import { InMemoryStore } from '#shared/testing/in-memory-store.ts';
import type { OutgoingEmail } from './ports.ts';
import { makeRecordEmailProblem } from './record-email-problem.ts';
import { makeResendClaimEmail } from './resend-claim-email.ts';
import { makeSendClaimEmail } from './send-claim-email.ts';
import { makeSendReminders } from './send-reminders.ts';

const BASE = 'https://badges.example.edu';
const DAY = 86_400_000;
const T0 = new Date('2026-05-14T16:20:06.000Z');

/** A credential issued at T0 with its claim token, an issuer with branding, and a clock the test moves. */
const setup = async (opts: { locale?: string } = {}) => {
  const claimKey = createLocalClaimKey({ dataDir: mkdtempSync(join(tmpdir(), 'laurel-mail-')) });
  const store = new InMemoryStore();
  store.issuers.set(
    'demo',
    demoIssuer({ branding: { primaryColor: '#7a0019', logoUrl: 'https://demo.example.edu/l.png' } }),
  );
  store.credentials.set('c-1', {
    id: 'c-1',
    issuerSlug: 'demo',
    achievementId: 'intro-to-cs',
    ruleId: 'r',
    sourceEventId: 'e',
    recipientEmail: 'ada@example.edu',
    recipientName: 'Ada',
    ...(opts.locale ? { recipientLocale: opts.locale } : {}),
    document: { issuer: { name: 'Demo University' }, credentialSubject: { achievement: { name: 'Intro to CS' } } },
    issuedAt: T0.toISOString(),
    claimNonce: 'nonce-1',
    emailStatus: 'pending',
  });
  const token = await deriveClaimToken(claimKey, 'c-1', 'nonce-1');
  store.claims.set(hashClaimToken(token), {
    tokenHash: hashClaimToken(token),
    credentialId: 'c-1',
    expiresAt: new Date(T0.getTime() + 30 * DAY).toISOString(),
  });
  const sent: OutgoingEmail[] = [];
  const mailer = { send: async (e: OutgoingEmail) => ({ messageId: `m-${sent.push(e)}` }) };
  let now = T0;
  const clock = { now: () => now };
  const deps = { store, claimKey, mailer, clock, publicBaseUrl: BASE, reminderDays: [3, 14] };
  return {
    store,
    sent,
    token,
    claimKey,
    at: (days: number) => {
      now = new Date(T0.getTime() + days * DAY);
    },
    send: makeSendClaimEmail(deps),
    remind: makeSendReminders(deps),
    resend: makeResendClaimEmail({ ...deps, claimTokenTtlDays: 30 }),
  };
};

describe('claim email and reminders', () => {
  it('sends the first email branded and in the learner’s language, and schedules the first reminder', async () => {
    const { send, sent, store } = await setup({ locale: 'es' });
    await send({ credentialId: 'c-1' });
    expect(sent[0]?.subject).toBe('Demo University te ha otorgado «Intro to CS»');
    expect(sent[0]?.html).toContain('background:#7a0019');
    expect(sent[0]?.text).toContain(`${BASE}/unsubscribe/c-1.`);
    expect(store.reminders.get('c-1')).toEqual({ credentialId: 'c-1', step: 0, dueAt: '2026-05-17T16:20:06.000Z' });
  });

  it('reminds after 3 and 14 days, then stops; nothing before it is due', async () => {
    const { send, remind, sent, at, store } = await setup();
    await send({ credentialId: 'c-1' });
    at(2.9);
    expect(await remind()).toEqual({ sent: 0, cancelled: 0, failed: 0 });
    at(3);
    expect(await remind()).toEqual({ sent: 1, cancelled: 0, failed: 0 });
    expect(sent[1]?.subject).toMatch(/^Reminder: /);
    expect(sent[1]?.text).toContain('3 days ago');
    expect(sent[1]?.tags.kind).toBe('reminder');
    expect(await remind()).toEqual({ sent: 0, cancelled: 0, failed: 0 }); // same run again: already moved on
    at(14);
    expect(await remind()).toEqual({ sent: 1, cancelled: 0, failed: 0 });
    expect(store.reminders.size).toBe(0);
    at(40);
    expect(await remind()).toEqual({ sent: 0, cancelled: 0, failed: 0 });
    expect(sent).toHaveLength(3);
  });

  it('stops reminding once the credential is claimed, unsubscribed or bounced', async () => {
    for (const stop of ['claim', 'unsubscribe', 'bounce'] as const) {
      const { send, remind, sent, at, store, token } = await setup();
      await send({ credentialId: 'c-1' });
      const claim = store.claims.get(hashClaimToken(token));
      const credential = store.credentials.get('c-1');
      if (!claim || !credential) throw new Error('fixture');
      if (stop === 'claim') await store.redeemClaim(claim, T0.toISOString());
      if (stop === 'unsubscribe') credential.remindersStoppedAt = T0.toISOString();
      if (stop === 'bounce') credential.emailStatus = 'bounced';
      at(3);
      expect(await remind()).toEqual({ sent: 0, cancelled: 1, failed: 0 });
      expect(sent).toHaveLength(1);
      expect(store.reminders.size).toBe(0);
    }
  });

  it('keeps a reminder whose send failed for the next run', async () => {
    const { send, remind, at, store, claimKey } = await setup();
    await send({ credentialId: 'c-1' });
    const failing = makeSendReminders({
      store,
      claimKey,
      mailer: { send: async () => Promise.reject(new Error('smtp down')) },
      clock: { now: () => new Date(T0.getTime() + 3 * DAY) },
      publicBaseUrl: BASE,
      reminderDays: [3, 14],
    });
    expect(await failing()).toEqual({ sent: 0, cancelled: 0, failed: 1 });
    expect(store.reminders.get('c-1')?.step).toBe(0);
    at(3);
    expect((await remind()).sent).toBe(1);
  });
});

describe('resend to a corrected address', () => {
  it('mints a new link (the old one stops working), sends to the new address, and reschedules reminders', async () => {
    const { send, resend, sent, store, token, at } = await setup();
    await send({ credentialId: 'c-1' });
    at(1);
    const out = await resend({ credentialId: 'c-1', email: ' grace@example.edu ' });
    expect(out).toMatchObject({ credentialId: 'c-1', expiresAt: '2026-06-14T16:20:06.000Z' });
    expect(store.claims.has(hashClaimToken(token))).toBe(false);
    expect(sent[1]?.to).toBe('grace@example.edu');
    const newLink = sent[1]?.text.match(/\/claim\/([A-Za-z0-9_-]{43})/)?.[1] ?? '';
    expect(newLink).not.toBe(token);
    expect(store.claims.get(hashClaimToken(newLink))?.credentialId).toBe('c-1');
    expect(store.credentials.get('c-1')).toMatchObject({ recipientEmail: 'grace@example.edu', emailStatus: 'sent' });
    expect(store.reminders.get('c-1')?.dueAt).toBe('2026-05-18T16:20:06.000Z');
  });

  it('refuses a claimed credential, an unknown one and a malformed address', async () => {
    const { resend, store, token } = await setup();
    await expect(resend({ credentialId: 'nope' })).rejects.toMatchObject({ code: 'CREDENTIAL.NOT_FOUND', status: 404 });
    await expect(resend({ credentialId: 'c-1', email: 'not an address' })).rejects.toMatchObject({ status: 400 });
    const claim = store.claims.get(hashClaimToken(token));
    if (!claim) throw new Error('fixture');
    await store.redeemClaim(claim, T0.toISOString());
    await expect(resend({ credentialId: 'c-1' })).rejects.toMatchObject({ code: 'CREDENTIAL.ALREADY_CLAIMED' });
  });
});

describe('SES bounces and complaints', () => {
  const sesEvent = (eventType: 'Bounce' | 'Complaint', bounceType = 'Permanent', credentialId = 'c-1') => ({
    eventType,
    ...(eventType === 'Bounce'
      ? { bounce: { bounceType, bounceSubType: 'General' } }
      : { complaint: { complaintFeedbackType: 'abuse' } }),
    mail: { messageId: 'ses-1', tags: { credentialId: [credentialId], 'ses:configuration-set': ['laurel'] } },
  });

  it('marks a permanent bounce and a complaint, and publishes ClaimEmailBounced without personal data', async () => {
    const { store } = await setup();
    const published: ClaimEmailBouncedV1[] = [];
    const record = makeRecordEmailProblem({
      store,
      publisher: { claimEmailBounced: async (d) => void published.push(d) },
      clock: { now: () => T0 },
    });
    store.reminders.set('c-1', { credentialId: 'c-1', step: 0, dueAt: T0.toISOString() });
    expect(await record(sesEvent('Bounce'))).toEqual({ recorded: true, credentialId: 'c-1', kind: 'bounce' });
    expect(store.credentials.get('c-1')?.emailStatus).toBe('bounced');
    expect(store.reminders.size).toBe(0);
    expect(await record(sesEvent('Complaint'))).toMatchObject({ recorded: true, kind: 'complaint' });
    expect(store.credentials.get('c-1')?.emailStatus).toBe('complained');
    expect(published[0]).toEqual({
      version: 1,
      credentialId: 'c-1',
      issuerSlug: 'demo',
      achievementId: 'intro-to-cs',
      kind: 'bounce',
      subType: 'General',
      occurredAt: T0.toISOString(),
    });
    for (const p of published) expect(claimEmailBouncedV1Detail.safeParse(p).success).toBe(true);
    expect(JSON.stringify(published)).not.toContain('ada@example.edu');
  });

  it('ignores transient bounces, mail without our tag and unknown credentials', async () => {
    const { store } = await setup();
    const record = makeRecordEmailProblem({
      store,
      publisher: { claimEmailBounced: async () => Promise.reject(new Error('must not publish')) },
      clock: { now: () => T0 },
    });
    expect(await record(sesEvent('Bounce', 'Transient'))).toEqual({ recorded: false, reason: 'Transient bounce' });
    expect(await record({ ...sesEvent('Bounce'), mail: { messageId: 'x', tags: {} } })).toMatchObject({
      recorded: false,
    });
    expect(await record(sesEvent('Bounce', 'Permanent', 'nope'))).toEqual({
      recorded: false,
      reason: 'unknown credential',
    });
    expect(store.credentials.get('c-1')?.emailStatus).toBe('pending');
  });
});
