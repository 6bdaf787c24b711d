import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLocalClaimKey } from '#shared/adapters/claim-key.local.ts';
import { deriveClaimToken, hashClaimToken } from '#shared/claim-tokens.ts';
import type { CredentialIssuedV1 } from '#shared/events/credential-issued.v1.ts';
import { InMemoryStore } from '#shared/testing/in-memory-store.ts';
import type { OutgoingEmail } from './ports.ts';
import { makeSendClaimEmail } from './send-claim-email.ts';

const BASE = 'https://badges.example.edu';

const setup = async (opts: { used?: boolean } = {}) => {
  const claimKey = createLocalClaimKey({ dataDir: mkdtempSync(join(tmpdir(), 'laurel-notify-')) });
  const store = new InMemoryStore();
  store.credentials.set('c-1', {
    id: 'c-1',
    issuerSlug: 'demo',
    achievementId: 'intro-to-cs',
    ruleId: 'r',
    sourceEventId: 'e',
    recipientEmail: 'ada@example.edu',
    recipientName: 'Ada <b>Lovelace</b>',
    document: {
      issuer: { name: 'Demo University' },
      credentialSubject: { achievement: { name: 'Introduction to Computer Science', description: 'CS101' } },
    },
    issuedAt: '2026-05-14T16:20:05Z',
    claimNonce: 'nonce-1',
    emailStatus: 'pending',
  });
  const token = await deriveClaimToken(claimKey, 'c-1', 'nonce-1');
  store.claims.set(hashClaimToken(token), {
    tokenHash: hashClaimToken(token),
    credentialId: 'c-1',
    expiresAt: '2026-06-13T16:20:05Z',
    usedAt: opts.used ? '2026-05-15T00:00:00Z' : undefined,
  });
  const sent: OutgoingEmail[] = [];
  const mailer = {
    fail: false,
    send: async (e: OutgoingEmail) => {
      if (mailer.fail) throw new Error('smtp down');
      sent.push(e);
      return { messageId: `m-${sent.length}` };
    },
  };
  const send = makeSendClaimEmail({
    store,
    claimKey,
    mailer,
    clock: { now: () => new Date('2026-05-14T16:20:06Z') },
    publicBaseUrl: BASE,
  });
  return { store, send, sent, token, mailer };
};

const issued = { credentialId: 'c-1' } as CredentialIssuedV1;

describe('send claim email', () => {
  it('emails the learner the claim link and marks the credential', async () => {
    const { send, sent, token, store } = await setup();
    expect(await send(issued)).toEqual({ sent: true, messageId: 'm-1' });
    expect(sent).toHaveLength(1);
    expect(sent[0]?.to).toBe('ada@example.edu');
    expect(sent[0]?.text).toContain(`${BASE}/claim/${token}`);
    expect(sent[0]?.html).toContain('Ada &lt;b&gt;Lovelace&lt;/b&gt;');
    expect(sent[0]?.tags).toEqual({ credentialId: 'c-1', issuer: 'demo', kind: 'claim' });
    expect(store.credentials.get('c-1')).toMatchObject({
      emailStatus: 'sent',
      emailSentAt: '2026-05-14T16:20:06.000Z',
    });
  });

  it('sends once, however often the event arrives', async () => {
    const { send, sent } = await setup();
    await send(issued);
    expect(await send(issued)).toEqual({ sent: false, reason: 'already sent' });
    expect(sent).toHaveLength(1);
  });

  it('does not email a credential already claimed', async () => {
    const { send, sent } = await setup({ used: true });
    expect(await send(issued)).toEqual({ sent: false, reason: 'already claimed' });
    expect(sent).toHaveLength(0);
  });

  it('fails for a retry when the mail server fails, leaving the credential pending', async () => {
    const { send, mailer, store } = await setup();
    mailer.fail = true;
    await expect(send(issued)).rejects.toThrow('smtp down');
    expect(store.credentials.get('c-1')?.emailStatus).toBe('pending');
  });

  it('never emails a revoked credential, nor a suspended one until it is reinstated', async () => {
    // Prepare
    const { send, sent, store } = await setup();
    const record = store.credentials.get('c-1');
    if (record) record.revokedAt = '2026-05-14T16:20:06Z';
    // Act / Assess
    expect(await send(issued)).toEqual({ sent: false, reason: 'revoked' });
    if (record) {
      delete record.revokedAt;
      record.suspendedAt = '2026-05-14T16:20:06Z';
    }
    expect(await send(issued)).toEqual({ sent: false, reason: 'suspended' });
    expect(sent).toEqual([]);
    expect(store.credentials.get('c-1')?.emailStatus).toBe('pending');
    if (record) delete record.suspendedAt;
    expect(await send(issued)).toMatchObject({ sent: true });
  });

  it('treats an unknown credential as permanent', async () => {
    const { send } = await setup();
    await expect(send({ credentialId: 'nope' } as CredentialIssuedV1)).rejects.toMatchObject({
      code: 'CREDENTIAL.NOT_FOUND',
    });
  });
});
