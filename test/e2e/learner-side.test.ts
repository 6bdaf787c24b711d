/// <reference lib="dom" />
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { Browser, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmtpMailer } from '#services/notify/adapters/mailer.smtp.ts';
import { makeSendReminders } from '#services/notify/app/send-reminders.ts';
import { AppStore } from '#shared/adapters/app-store.dynamodb.ts';
import { createLocalClaimKey } from '#shared/adapters/claim-key.local.ts';
import { verifyDocument } from '#shared/credentials/data-integrity.ts';
import { publicKeyFromMultibase, publicKeyMultibaseFromRaw } from '#shared/credentials/multikey.ts';
import { AchievementEarnedV1, type AchievementEarnedV1 as Earned } from '#shared/events/achievement-earned.v1.ts';
import { achievementEarned } from '#shared/testing/fixtures.ts';
import { launchChromium } from '../support/browser.ts';
import { startTestStack, type TestStack } from '../support/local-stack.ts';

const DAY = 86_400_000;
const run = promisify(execFile);
const require = createRequire(import.meta.url);
const axeSource = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
/** jsQR is CommonJS with an ES-style default export. */
const jsqrModule = require('jsqr') as { default: typeof import('jsqr').default };
const jsQR = jsqrModule.default;

/** A header of a caught email, whatever the case of its name. */
const header = (mail: { headers: Record<string, string | string[]> }, name: string) =>
  Object.entries(mail.headers).find(([k]) => k.toLowerCase() === name)?.[1];

let stack: TestStack;
let browser: Browser;
let store: AppStore;

beforeAll(async () => {
  // The reminder schedule is driven by the test (through the use case's clock, and runScheduled), not by time.
  stack = await startTestStack({ scheduleIntervalMs: false });
  store = new AppStore(
    new DynamoDBClient({
      endpoint: stack.urls.dynamo,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
    stack.tables.app,
  );
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

/** Puts an AchievementEarned for a fresh learner on the bus and returns the claim email it leads to. */
const earn = async (learner: Partial<Earned['learner']> = {}) => {
  const email = `learner-${randomUUID().slice(0, 8)}@example.edu`;
  const bus = new EventBridgeClient({
    endpoint: stack.urls.bus,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const detail = achievementEarned({
    eventId: `learner-${randomUUID()}`,
    learner: { email, name: 'Grace Hopper', ...learner },
  });
  await bus.send(
    new PutEventsCommand({ Entries: [{ ...AchievementEarnedV1.toEntry(detail, 'demo.lms'), EventBusName: 'laurel' }] }),
  );
  bus.destroy();
  const mail = await stack.waitForMail((m) => m.to.some((t) => t.address === email));
  const link = (mail.text ?? '').match(/https:\/\/\S+\/claim\/[A-Za-z0-9_-]{43}/)?.[0] as string;
  const credentialId = (header(mail, 'x-laurel-credentialid') as string | undefined) ?? '';
  return { email, mail, link, credentialId };
};

/** axe-core in the page: WCAG 2.0/2.1 A and AA rules; the serious and critical violations. */
const seriousViolations = async (page: Page) => {
  await page.evaluate(axeSource);
  const result = await page.evaluate(() =>
    (
      window as unknown as {
        axe: {
          run: (
            ctx: Document,
            o: object,
          ) => Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }>;
        };
      }
    ).axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }),
  );
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
};

/** The issuer's Ed25519 key from its DID document, fetched over HTTPS like any verifier would. */
const issuerKey = async (document: { proof: { verificationMethod: string }[] }) => {
  const vm = document.proof[0]?.verificationMethod as string;
  const did = vm.split('#')[0] as string;
  const path = `/${did.split(':').slice(3).join('/')}/did.json`;
  const didDoc = JSON.parse((await stack.request(path)).body.toString()) as {
    verificationMethod: { id: string; publicKeyMultibase?: string }[];
  };
  const method = didDoc.verificationMethod.find((m) => m.id === vm);
  return publicKeyFromMultibase(method?.publicKeyMultibase as string);
};

const verifiesAgainstIssuer = async (document: Record<string, unknown>) =>
  (
    await verifyDocument(document, {
      resolvePublicKey: async () => issuerKey(document as { proof: { verificationMethod: string }[] }),
    })
  ).verified;

describe('the learner’s side, on a phone', () => {
  it('claims from the email, shares, downloads and adds to a wallet; accessible and untracked', async () => {
    // Prepare: the claim email, a phone-sized browser that records every request it makes
    const { link, credentialId, email } = await earn();
    const origin = new URL(stack.urls.api).origin;
    const context = await browser.newContext({
      ignoreHTTPSErrors: true,
      viewport: { width: 390, height: 844 },
      isMobile: true,
    });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
    const page = await context.newPage();
    const requested: string[] = [];
    page.on('request', (r) => requested.push(r.url()));
    const cspErrors: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
    });

    // Act: claim page, accept, the credential page
    await page.goto(link);
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Accept credential' }).click();
    await page.waitForURL(/\/credentials\/[0-9a-f-]{36}$/);
    const pageUrl = page.url();
    expect(pageUrl).toBe(`${origin}/credentials/${credentialId}`);

    // Assess: accessible, fits the phone, no email, OpenGraph preview
    expect(await seriousViolations(page)).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    expect(await page.content()).not.toContain(email);
    await expect(page.locator('meta[property="og:title"]').getAttribute('content')).resolves.toBe(
      'Introduction to Computer Science — Demo University',
    );
    await expect(page.locator('meta[property="og:url"]').getAttribute('content')).resolves.toBe(pageUrl);

    // LinkedIn: add to profile with the certification's fields, and share in a post
    const addHref = (await page.getByRole('link', { name: 'Add to LinkedIn profile' }).getAttribute('href')) as string;
    const add = new URL(addHref);
    expect(`${add.origin}${add.pathname}`).toBe('https://www.linkedin.com/profile/add');
    const now = new Date();
    expect(Object.fromEntries(add.searchParams)).toMatchObject({
      startTask: 'CERTIFICATION_NAME',
      name: 'Introduction to Computer Science',
      organizationName: 'Demo University',
      issueYear: String(now.getUTCFullYear()),
      issueMonth: String(now.getUTCMonth() + 1),
      certUrl: pageUrl,
      certId: credentialId,
    });
    const shareHref = (await page
      .getByRole('link', { name: 'Share in a LinkedIn post' })
      .getAttribute('href')) as string;
    expect(new URL(shareHref).searchParams.get('url')).toBe(pageUrl);

    // Copy link runs under the strict CSP (its hash), and the embed snippet is escaped text
    await page.getByRole('button', { name: 'Copy link' }).click();
    // The clipboard write is asynchronous: wait for the status the script writes once it is done.
    await page.waitForFunction(() => document.querySelector('#copy-link-status')?.textContent === 'Copied.', null, {
      timeout: 5000,
    });
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(pageUrl);
    const snippet = await page.locator('#embed-code').inputValue();
    expect(snippet).toContain(`<a href="${pageUrl}"`);
    expect(cspErrors).toEqual([]);

    // Downloads: the JSON file verifies on its own against the issuer's published key
    const json = await stack.request(`/credentials/${credentialId}/credential.json`);
    expect(json.headers['content-disposition']).toMatch(
      /^attachment; filename="introduction-to-computer-science-[0-9a-f]{8}\.json"$/,
    );
    const downloaded = JSON.parse(json.body.toString()) as Record<string, unknown>;
    expect(downloaded.id).toBe(pageUrl);
    expect(await verifiesAgainstIssuer(downloaded)).toBe(true);

    // The PDF renders (pdftoppm) and its QR code decodes to the page's URL
    const pdf = await stack.request(`/credentials/${credentialId}/certificate.pdf`);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const dir = await mkdtemp(join(tmpdir(), 'laurel-pdf-'));
    try {
      await writeFile(join(dir, 'c.pdf'), pdf.body);
      await run('pdftoppm', ['-png', '-r', '150', '-singlefile', join(dir, 'c.pdf'), join(dir, 'c')]);
      const png = PNG.sync.read(await readFile(join(dir, 'c.png')));
      const code = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
      expect(code?.data).toBe(pageUrl);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }

    // The wallet page (this browser claimed it), accessible; a scripted OpenID4VCI wallet takes the offer
    await page.getByRole('link', { name: 'Add to a wallet' }).click();
    await page.waitForURL(/\/wallet\//);
    expect(await seriousViolations(page)).toEqual([]);
    const deepLink = (await page.getByRole('link', { name: 'Open in my wallet app' }).getAttribute('href')) as string;
    const offer = JSON.parse(new URL(deepLink).searchParams.get('credential_offer') as string);
    expect(offer.credential_issuer).toBe(origin);
    const issuerMeta = JSON.parse((await stack.request('/.well-known/openid-credential-issuer')).body.toString());
    const asMeta = JSON.parse((await stack.request('/.well-known/oauth-authorization-server')).body.toString());
    const token = JSON.parse(
      (
        await stack.request(asMeta.token_endpoint, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            grant_type: 'urn:ietf:params:oauth:grant-type:pre-authorized_code',
            'pre-authorized_code':
              offer.grants['urn:ietf:params:oauth:grant-type:pre-authorized_code']['pre-authorized_code'],
          }).toString(),
        })
      ).body.toString(),
    );
    const { c_nonce } = JSON.parse(
      (await stack.request(issuerMeta.nonce_endpoint, { method: 'POST' })).body.toString(),
    );
    const { privateKey, publicKey } = await generateKeyPair('EdDSA', { extractable: true });
    const mb = publicKeyMultibaseFromRaw(Buffer.from((await exportJWK(publicKey)).x as string, 'base64url'));
    const did = `did:key:${mb}`;
    const proof = await new SignJWT({ nonce: c_nonce })
      .setProtectedHeader({ alg: 'EdDSA', typ: 'openid4vci-proof+jwt', kid: `${did}#${mb}` })
      .setAudience(issuerMeta.credential_issuer)
      .setIssuedAt()
      .sign(privateKey);
    const issued = await stack.request(issuerMeta.credential_endpoint, {
      method: 'POST',
      headers: { authorization: `Bearer ${token.access_token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ credential_configuration_id: 'OpenBadgeCredential', proofs: { jwt: [proof] } }),
    });
    expect(issued.status).toBe(200);
    const bound = JSON.parse(issued.body.toString()).credentials[0].credential;
    expect(bound.credentialSubject.id).toBe(did);
    expect(await verifiesAgainstIssuer(bound)).toBe(true);

    // No tracking: every request the browser made went to our own origin
    expect(requested.filter((u) => new URL(u).origin !== origin)).toEqual([]);
    await context.close();
  });
});

describe('reminders, on schedule', () => {
  it('remind after 3 and 14 days in the learner’s language, and stop once claimed', async () => {
    // Prepare: a Spanish-speaking learner; the remind use case on the stack's own table, mail server and claim key
    const { email, mail, link } = await earn({ locale: 'es-ES' });
    expect(mail.subject).toBe('Demo University te ha otorgado «Introduction to Computer Science»');
    let now = new Date();
    const remind = makeSendReminders({
      store,
      claimKey: createLocalClaimKey({ dataDir: stack.dataDir }),
      mailer: new SmtpMailer({ host: '127.0.0.1', port: stack.ports.smtp }, 'badges@localhost'),
      clock: { now: () => now },
      publicBaseUrl: stack.urls.api,
      reminderDays: [3, 14],
    });
    const mailsTo = async () => (await stack.mail.client.list()).filter((m) => m.to.some((t) => t.address === email));
    const start = now.getTime();

    // Act and assess: nothing after two days; a reminder after three
    now = new Date(start + 2 * DAY);
    await remind();
    expect(await mailsTo()).toHaveLength(1);
    now = new Date(start + 3 * DAY + 60_000);
    expect((await remind()).sent).toBeGreaterThanOrEqual(1);
    const reminder = await stack.waitForMail(
      (m) => m.to.some((t) => t.address === email) && m.subject.startsWith('Recordatorio'),
    );
    expect(reminder.text).toContain('/unsubscribe/');
    // (The List-Unsubscribe headers are checked in the mailer and email tests: MailDev's parser folds list headers away.)

    // The learner claims; the 14-day reminder never goes
    const claimed = await stack.request(link, { method: 'POST' });
    expect(claimed.status).toBe(303);
    now = new Date(start + 14 * DAY + 60_000);
    await remind();
    expect(await mailsTo()).toHaveLength(2);

    // The deployed function runs the same use case on its schedule (here invoked as the local runner would)
    await expect(stack.runScheduled('remind')).resolves.toMatchObject({ failed: 0 });
  });

  it('stop after the signed unsubscribe link is used', async () => {
    const { email, mail, credentialId } = await earn();
    const unsubscribe = (mail.text ?? '').match(/https:\/\/\S+\/unsubscribe\/\S+/)?.[0] as string;
    expect((await stack.request(unsubscribe)).status).toBe(200); // only asks
    expect((await store.getCredential(credentialId))?.remindersStoppedAt).toBeUndefined();
    const done = await stack.request(unsubscribe, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(done.status).toBe(200);
    expect((await store.getCredential(credentialId))?.remindersStoppedAt).toBeDefined();
    const remind = makeSendReminders({
      store,
      claimKey: createLocalClaimKey({ dataDir: stack.dataDir }),
      mailer: new SmtpMailer({ host: '127.0.0.1', port: stack.ports.smtp }, 'badges@localhost'),
      clock: { now: () => new Date(Date.now() + 4 * DAY) },
      publicBaseUrl: stack.urls.api,
      reminderDays: [3, 14],
    });
    await remind();
    expect((await stack.mail.client.list()).filter((m) => m.to.some((t) => t.address === email))).toHaveLength(1);
  });
});

describe('bounces', () => {
  it('a synthetic SES bounce on the local bus marks the credential bounced', async () => {
    const { credentialId } = await earn();
    const routed = stack.bus.deliverAwsEvent({
      source: 'aws.ses',
      detailType: 'Email Bounced',
      detail: {
        eventType: 'Bounce',
        bounce: {
          bounceType: 'Permanent',
          bounceSubType: 'General',
          bouncedRecipients: [{ emailAddress: 'x@example.edu' }],
        },
        mail: { messageId: 'ses-local-1', timestamp: new Date().toISOString(), tags: { credentialId: [credentialId] } },
      },
    });
    expect(routed.routedTo).toEqual(['emailEvents']);
    await stack.bus.idle();
    expect(await store.getCredential(credentialId)).toMatchObject({ emailStatus: 'bounced' });
  });
});
