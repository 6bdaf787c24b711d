import { randomUUID } from 'node:crypto';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite as eddsaRdfc2022 } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import { verifyCredential as referenceVerify } from '@digitalbazaar/vc';
import { checkStatus } from '@digitalbazaar/vc-bitstring-status-list';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDynamoClient } from '#infra/local/dynamodb.ts';
import { statusCommands } from '#services/status/commands.ts';
import { AppStore } from '#shared/adapters/app-store.dynamodb.ts';
import { didWebToUrl } from '#shared/credentials/did-web.ts';
import { staticContext } from '#shared/credentials/document-loader.ts';
import { validateAchievementCredential } from '#shared/credentials/schema.ts';
import { AchievementEarnedV1 } from '#shared/events/achievement-earned.v1.ts';
import { achievementEarned } from '#shared/testing/fixtures.ts';
import { startTestStack, type TestStack } from '../support/local-stack.ts';

let stack: TestStack;
let bus: EventBridgeClient;
let store: AppStore;

const CLAIM_LINK = /https:\/\/[^\s"<>]+\/claim\/[A-Za-z0-9_-]{43}/;
const learner = () => ({ email: `learner-${randomUUID().slice(0, 8)}@example.edu`, name: 'Ada Lovelace' });

const put = async (...details: unknown[]) => {
  const out = await bus.send(
    new PutEventsCommand({
      Entries: details.map((d) => ({
        EventBusName: 'laurel',
        Source: 'demo.lms',
        DetailType: AchievementEarnedV1.detailType,
        Detail: JSON.stringify(d),
      })),
    }),
  );
  expect(out.FailedEntryCount).toBe(0);
};

/** Resolves DID documents and verification methods the way any outside verifier would: over HTTPS. */
const httpsLoader = async (url: string) => {
  const context = staticContext(url);
  if (context) return { contextUrl: null, documentUrl: url, document: context };
  if (url.startsWith('did:web:')) {
    const [did, fragment] = url.split('#');
    const res = await stack.request(didWebToUrl(did as string));
    expect(res.status).toBe(200);
    const doc = JSON.parse(res.text);
    const document = fragment
      ? {
          '@context': 'https://w3id.org/security/multikey/v1',
          ...doc.verificationMethod.find((m: { id: string }) => m.id === url),
        }
      : doc;
    return { contextUrl: null, documentUrl: url, document };
  }
  if (url.startsWith(`${stack.urls.api}/status/`)) {
    const res = await stack.request(url);
    expect(res.status).toBe(200);
    return { contextUrl: null, documentUrl: url, document: JSON.parse(res.text) };
  }
  throw new Error(`the verifier may not load ${url}`);
};

/** The reference stack: vc + eddsa-rdfc-2022 for the proof, vc-bitstring-status-list reading each status bit. */
const independentlyVerify = (credential: object) =>
  referenceVerify({
    credential,
    suite: new DataIntegrityProof({ cryptosuite: eddsaRdfc2022 }),
    documentLoader: httpsLoader,
    checkStatus: async (options) => {
      const result = await checkStatus({ ...options, verifyBitstringStatusListCredential: true });
      if (!result.verified) return { verified: false, error: result.error };
      const set = (result.results ?? []).filter((r) => r.status);
      return set.length === 0
        ? { verified: true }
        : { verified: false, error: new Error(`status: ${set.map((r) => r.credentialStatus.statusPurpose)}`) };
    },
  });

const issueTo = async (count: number) => {
  const learners = Array.from({ length: count }, () => ({
    email: `learner-${randomUUID().slice(0, 8)}@example.edu`,
    name: 'Ada Lovelace',
  }));
  const events = learners.map((learner) => achievementEarned({ eventId: `e2e-status-${randomUUID()}`, learner }));
  const out = await bus.send(
    new PutEventsCommand({
      Entries: events.map((e) => ({
        EventBusName: 'laurel',
        Source: 'demo.lms',
        DetailType: AchievementEarnedV1.detailType,
        Detail: JSON.stringify(e),
      })),
    }),
  );
  expect(out.FailedEntryCount).toBe(0);
  const mails = await Promise.all(
    learners.map((l) => stack.waitForMail((m) => m.to.some((t) => t.address === l.email))),
  );
  const records = await Promise.all(events.map((e) => store.getEvent(e.eventId)));
  return records.map((record, i) => ({
    id: record?.credentialIds[0] as string,
    eventId: events[i]?.eventId as string,
    claimLink: (mails[i]?.text ?? '').match(CLAIM_LINK)?.[0] as string,
  }));
};

const fetchCredential = async (id: string) => {
  const res = await stack.request(`/credentials/${id}`, { headers: { accept: 'application/ld+json' } });
  expect(res.status).toBe(200);
  return JSON.parse(res.text) as Record<string, unknown>;
};

beforeAll(async () => {
  stack = await startTestStack();
  bus = new EventBridgeClient({
    endpoint: stack.urls.bus,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  store = new AppStore(localDynamoClient(stack.urls.dynamo), 'laurel-app');
}, 120_000);

afterAll(async () => {
  bus?.destroy();
  await stack?.stop();
});

describe('local stack, end to end', () => {
  it('event → email → claim → a credential that verifies independently and fits the OB 3.0 schema', async () => {
    // Act: an integration engineer's PutEvents
    const who = learner();
    await put(achievementEarned({ eventId: `e2e-${randomUUID()}`, learner: who }));

    // The learner's email
    const mail = await stack.waitForMail((m) => m.to.some((t) => t.address === who.email));
    expect(mail.subject).toBe('Demo University awarded you “Introduction to Computer Science”');
    const link = (mail.text ?? '').match(CLAIM_LINK)?.[0] as string;
    expect(link).toBeDefined();
    expect(mail.html).toContain(link);

    // The claim page, then accept
    const page = await stack.request(link, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.text).toContain('Introduction to Computer Science');
    expect(page.text).toContain('Demo University');
    expect(page.text).toContain('How it is earned'); // criteria
    const accepted = await stack.request(link, { method: 'POST', headers: { accept: 'text/html' } });
    expect(accepted.status).toBe(303);
    const credentialUrl = accepted.headers.location as string;
    expect(credentialUrl).toMatch(/\/credentials\/[0-9a-f-]{36}$/);

    // The signed credential at its id
    const res = await stack.request(credentialUrl, { headers: { accept: 'application/ld+json' } });
    expect(res.status).toBe(200);
    const credential = JSON.parse(res.text);
    expect(credential.id).toBe(credentialUrl);
    expect(res.text).not.toContain(who.email);

    // An independent library verifies it, resolving the issuer's did:web from the server
    const verdict = await referenceVerify({
      credential,
      suite: new DataIntegrityProof({ cryptosuite: eddsaRdfc2022 }),
      documentLoader: httpsLoader,
      // Its revocation entry: the status list is fetched, verified, and its bit must be 0.
      checkStatus: async (options) => {
        const status = await checkStatus({ ...options, verifyBitstringStatusListCredential: true });
        return { verified: status.verified && (status.results ?? []).every((r) => !r.status), error: status.error };
      },
    });
    expect(verdict.error).toBeUndefined();
    expect(verdict.verified).toBe(true);

    // The official OB 3.0 AchievementCredential JSON Schema
    expect(validateAchievementCredential(credential)).toEqual({ valid: true, errors: [] });

    // Laurel's own verifier agrees, and the link is spent
    const verify = await stack.request('/credentials/verify', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ verifiableCredential: credential }),
    });
    expect(verify.status).toBe(200);
    expect(JSON.parse(verify.text).verified).toBe(true);
    expect((await stack.request(link, { headers: { accept: 'text/html' } })).status).toBe(410);
  });

  it('one credential and one email for an event delivered three times, concurrently', async () => {
    const who = learner();
    const event = achievementEarned({ eventId: `e2e-dup-${randomUUID()}`, learner: who });
    await Promise.all([put(event), put(event), put(event)]);
    await stack.waitForMail((m) => m.to.some((t) => t.address === who.email));
    await stack.bus.idle();
    const mails = (await stack.mail.client.list()).filter((m) => m.to.some((t) => t.address === who.email));
    expect(mails).toHaveLength(1);
    const record = await store.getEvent(event.eventId);
    expect(record).toMatchObject({ outcome: 'issued', credentialIds: [expect.any(String)] });
  });

  it('malformed events are recorded with a reason, issue nothing and send nothing', async () => {
    const who = learner();
    const good = achievementEarned({ learner: who });
    await put(
      { ...good, eventId: 'e2e-bad-missing', activity: undefined },
      { ...good, eventId: 'e2e-bad-types', learner: { email: 42 } },
      { ...good, eventId: 'e2e-bad-huge', activity: { ...good.activity, name: 'x'.repeat(200_000) } },
      { ...good, eventId: 'e2e-bad-html', learner: { ...who, name: '<script>alert(1)</script>' } },
    );
    await stack.bus.idle();
    for (const id of ['e2e-bad-missing', 'e2e-bad-types', 'e2e-bad-huge', 'e2e-bad-html'])
      expect(await store.getEvent(id)).toMatchObject({
        outcome: 'rejected',
        reasonCode: 'EVENT.INVALID',
        reason: expect.any(String),
      });
    const mails = (await stack.mail.client.list()).filter((m) => m.to.some((t) => t.address === who.email));
    expect(mails).toEqual([]);
    expect((await stack.request('/health')).status).toBe(200);
  });
});

describe('revocation on the local stack, judged by an independent verifier', () => {
  it('a revoked credential fails verification while its neighbours in the same list pass; its claim link says so', async () => {
    // Prepare: three credentials, one status list
    const issued = await issueTo(3);
    const credentials = await Promise.all(issued.map((c) => fetchCredential(c.id)));
    const lists = credentials.map((c) => (c.credentialStatus as { statusListCredential: string }).statusListCredential);
    expect(new Set(lists).size).toBe(1);
    for (const credential of credentials) {
      expect(validateAchievementCredential(credential)).toEqual({ valid: true, errors: [] });
      const before = await independentlyVerify(credential);
      expect(before.error).toBeUndefined();
      expect(before.verified).toBe(true);
    }
    const [target, ...neighbours] = issued;

    // Act: revoke the first, as the admin API or the CLI would (its CredentialRevoked goes to the local bus, which
    // must accept it or the command fails)
    const status = statusCommands({
      dynamo: localDynamoClient(stack.urls.dynamo),
      eventBridge: bus,
      tableName: 'laurel-app',
      busName: 'laurel',
      publicBaseUrl: stack.urls.api,
    });
    const result = await status.revoke({
      credentialId: target?.id as string,
      reason: 'issued in error (e2e)',
      actor: 'cli:e2e',
    });
    expect(result.outcome).toBe('changed');

    // Assess: the reference library reads the bit; neighbours unaffected
    const revoked = await independentlyVerify(credentials[0] as object);
    expect(revoked.verified).toBe(false);
    // Its signature is still good: it is the status (the revocation bit) that fails it.
    expect(revoked.results?.every((r) => r.verified)).toBe(true);
    const statusResult = (revoked as { statusResult?: { verified: boolean; error?: Error } }).statusResult;
    expect(statusResult?.verified).toBe(false);
    expect(statusResult?.error?.message).toBe('status: revocation');
    for (const [i] of neighbours.entries()) {
      const verdict = await independentlyVerify(credentials[i + 1] as object);
      expect(verdict.error).toBeUndefined();
      expect(verdict.verified).toBe(true);
    }
    // The list itself: a fresh, cacheable, signed document
    const list = await stack.request(lists[0] as string);
    expect(list.status).toBe(200);
    expect(list.headers['cache-control']).toBe('public, max-age=300');
    // The unclaimed credential's claim link says it was revoked
    const claim = await stack.request(target?.claimLink as string, { headers: { accept: 'text/html' } });
    expect(claim.status).toBe(410);
    expect(claim.text).toContain('This credential was revoked');
  });

  it('answers malformed and unknown status list ids with 404, and keeps serving the real list', async () => {
    for (const path of ['/status/00000000-0000-4000-8000-000000000000', '/status/not-a-list', '/status/a%2F..%2Fb']) {
      const res = await stack.request(path);
      expect(res.status, path).toBe(404);
      expect(JSON.parse(res.text), path).toMatchObject({ code: 'STATUS_LIST.NOT_FOUND' });
    }
    expect((await stack.request('/status/')).status).toBe(404);
  });
});
