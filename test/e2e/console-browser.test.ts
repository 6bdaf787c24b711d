/// <reference lib="dom" />
import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { achievementEarned } from '#shared/testing/fixtures.ts';
import { launchChromium } from '../support/browser.ts';
import { startTestStack, type TestStack } from '../support/local-stack.ts';

const INJECTION = '<img src=x onerror="window.__pwned=1">';

let stack: TestStack;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  stack = await startTestStack();
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  for (const c of contexts) await c.close();
  await browser?.close();
  await stack?.stop();
});

/** A signed-in browser for one of the local console users, on a laptop or a phone. */
const signedIn = async (who: string, device: 'laptop' | 'phone' = 'laptop'): Promise<Page> => {
  const user = stack.consoleUsers.users.find((u) => u.email.startsWith(`${who}@`));
  const context = await browser.newContext({
    ignoreHTTPSErrors: true,
    ...(device === 'phone'
      ? { viewport: { width: 390, height: 844 }, isMobile: true }
      : { viewport: { width: 1280, height: 800 } }),
  });
  contexts.push(context);
  const page = await context.newPage();
  page.on('dialog', () => {
    throw new Error('a dialog opened: injected script ran');
  });
  await page.goto(`${stack.urls.api}/admin`);
  await page.waitForURL(/\/admin\/sign-in$/);
  await page.getByLabel('Email').fill(user?.email ?? '');
  await page.getByLabel('Password').fill(user?.password ?? '');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/admin$/);
  return page;
};

/** Reloads until the text shows (the pipeline runs asynchronously). */
const reloadUntil = async (page: Page, text: string, timeoutMs = 15_000) => {
  const deadline = Date.now() + timeoutMs;
  while ((await page.getByText(text).count()) === 0) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for "${text}" on ${page.url()}`);
    await new Promise((r) => setTimeout(r, 250));
    await page.reload();
  }
};

describe('the console in a real browser', () => {
  it('runs a program from sign-in to a bulk award; injected markup stays inert', async () => {
    const suffix = randomUUID().slice(0, 6);
    const issuerSlug = `dept-${suffix}`;
    const achievementId = `console-${suffix}`;
    const admin = await signedIn('admin');
    await expect(admin.locator('h1').textContent()).resolves.toBe('This week');

    // An issuer
    await admin.goto(`${stack.urls.api}/admin/issuers`);
    await admin.getByLabel('Slug (its did:web name)').fill(issuerSlug);
    await admin.getByLabel('Name', { exact: true }).fill(`Department ${INJECTION}`);
    await admin.getByLabel('Web site').fill('https://dept.example.edu');
    await admin.getByRole('button', { name: 'Create issuer' }).click();
    await expect(admin.getByText('Created issuer Department').count()).resolves.toBe(1);

    // An achievement, previewed, created, submitted
    await admin.goto(`${stack.urls.api}/admin/achievements`);
    await admin.getByLabel('Id (slug)').fill(achievementId);
    await admin.getByLabel('Issuer').selectOption(issuerSlug);
    await admin.getByLabel('Name', { exact: true }).fill(`Console Badge ${INJECTION}`);
    await admin.getByLabel('Description').fill(`Earned in the console test. ${INJECTION}`);
    await admin.getByLabel('Criteria', { exact: true }).fill('Finish the workshop.');
    await admin.getByRole('button', { name: 'Preview' }).click();
    await expect(
      admin
        .getByRole('region', { name: 'Preview: how a learner sees it' })
        .getByText(`Console Badge ${INJECTION}`)
        .count(),
    ).resolves.toBe(1);
    await admin.getByRole('button', { name: 'Create draft' }).click();
    await admin.waitForURL(new RegExp(`/admin/achievements/${achievementId}$`));
    await admin.getByRole('button', { name: 'Submit for review' }).click();
    await expect(admin.getByText('is in-review').count()).resolves.toBe(1);

    // Two reviewers approve (one on a phone)
    for (const [who, device] of [
      ['reviewer1', 'phone'],
      ['reviewer2', 'laptop'],
    ] as const) {
      const reviewer = await signedIn(who, device);
      await reviewer.goto(`${stack.urls.api}/admin/review`);
      await reviewer.getByRole('link', { name: `Console Badge ${INJECTION}` }).click();
      await reviewer.getByLabel('Comment', { exact: true }).first().fill(`Looks right ${INJECTION}`);
      await reviewer.getByRole('button', { name: 'Approve' }).click();
      await reviewer.waitForURL(new RegExp(`/admin/achievements/${achievementId}$`));
      if (device === 'phone') {
        const overflow = await reviewer.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow).toBeLessThanOrEqual(0);
      }
    }
    await admin.reload();
    await admin.getByRole('button', { name: 'Publish' }).click();
    await expect(admin.getByText('is published').count()).resolves.toBe(1);

    // A dry-run rule, and a matching event: a would-be award only
    const externalId = `CONSOLE-${suffix}`;
    await admin.goto(`${stack.urls.api}/admin/rules`);
    await admin.getByLabel('Id (slug)').fill(achievementId);
    await admin.getByLabel('Achievement id').fill(achievementId);
    await admin.getByLabel('Event source').fill('demo.lms');
    await admin.getByLabel('Activity kind').fill('course-completed');
    await admin.getByLabel('Activity external id').fill(externalId);
    await admin.getByLabel('Mode', { exact: true }).selectOption('dry-run');
    await admin.getByRole('button', { name: 'Create rule' }).click();
    await admin.waitForURL(new RegExp(`/admin/rules/${achievementId}$`));
    const email = `console-${suffix}@example.edu`;
    const event = achievementEarned({
      eventId: `console-dry-${randomUUID()}`,
      learner: { email, name: 'Dana Dry' },
      activity: { kind: 'course-completed', externalId },
    });
    await stack.putAchievementEarned(event);
    await reloadUntil(admin, event.eventId);
    await expect(
      admin
        .getByRole('row', { name: new RegExp(event.eventId) })
        .getByText('pending')
        .count(),
    ).resolves.toBe(1);

    // Live: the next event issues a credential and emails it
    await admin.goto(`${stack.urls.api}/admin/rules`);
    await admin.getByLabel(`Mode of ${achievementId}`).selectOption('live');
    await admin
      .getByRole('row', { name: new RegExp(achievementId) })
      .getByRole('button', { name: 'Set' })
      .click();
    await expect(
      admin
        .getByRole('row', { name: new RegExp(achievementId) })
        .getByRole('cell', { name: 'live', exact: true })
        .count(),
    ).resolves.toBe(1);
    await stack.putAchievementEarned({ ...event, eventId: `console-live-${randomUUID()}` });
    const mail = await stack.waitForMail((m) => m.to.some((t) => t.address === email));
    expect(mail.subject).toContain('Console Badge');
    await admin.goto(`${stack.urls.api}/admin/credentials`);
    await admin.getByLabel('Learner email').fill(email);
    await admin.getByRole('button', { name: 'Search' }).click();
    await expect(admin.getByRole('row', { name: new RegExp(achievementId) }).count()).resolves.toBe(1);

    // A CSV of 50 rows, two of them bad: reported before anything is issued
    const rows = Array.from({ length: 50 }, (_, i) =>
      i === 10
        ? `not-an-email,Bad Email,${achievementId},,`
        : i === 30
          ? `row31-${suffix}@example.edu,Unknown Badge,no-such-${suffix},,`
          : `bulk${i}-${suffix}@example.edu,Learner ${i},${achievementId},${i},`,
    );
    await admin.goto(`${stack.urls.api}/admin/bulk`);
    await admin.getByLabel('CSV file').setInputFiles({
      name: 'awards.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(['email,name,achievement,score,evidenceUrl', ...rows].join('\n')),
    });
    await admin.getByRole('button', { name: 'Check the file' }).click();
    await expect(admin.locator('#bulk-summary').textContent()).resolves.toBe('50 rows: 48 valid, 2 with problems.');
    await expect(admin.getByRole('row', { name: /^12 not-an-email/ }).count()).resolves.toBe(1);
    await expect(admin.getByRole('row', { name: new RegExp(`^32 row31-${suffix}`) }).count()).resolves.toBe(1);
    await admin.getByRole('button', { name: 'Issue 48 credentials' }).click();
    await admin.waitForURL(/\/admin\/bulk\/[0-9a-f]{12}\?rows=50$/);
    await expect(admin.locator('#bulk-progress').textContent()).resolves.toMatch(/of 48 issued/);
    // The page polls itself (a Refresh header, no script) until the award function has issued every row.
    await admin.waitForFunction(
      () => document.querySelector('#bulk-progress')?.textContent?.startsWith('48 of 48 issued'),
      undefined,
      {
        timeout: 40_000,
        polling: 500,
      },
    );
    await expect(admin.locator('h1').textContent()).resolves.toBe('Bulk award: done');
    await stack.waitForMail((m) => m.to.some((t) => t.address === `bulk49-${suffix}@example.edu`));

    // Nothing injected ever ran
    expect(await admin.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  }, 90_000);
});
