/// <reference lib="dom" />
import { randomUUID } from 'node:crypto';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AchievementEarnedV1 } from '#shared/events/achievement-earned.v1.ts';
import { achievementEarned } from '#shared/testing/fixtures.ts';
import { launchChromium } from '../support/browser.ts';
import { startTestStack, type TestStack } from '../support/local-stack.ts';

const INJECTION = '<img src=x onerror="window.__pwned=1">';

let stack: TestStack;
let browser: Browser;

beforeAll(async () => {
  stack = await startTestStack();
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('claiming in a real browser, on a phone', () => {
  it('shows the badge, accepts it, and lands on a verified credential page; injected markup stays inert', async () => {
    // Prepare: an event whose evidence carries markup
    const email = `phone-${randomUUID().slice(0, 8)}@example.edu`;
    const bus = new EventBridgeClient({
      endpoint: stack.urls.bus,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const detail = achievementEarned({
      eventId: `browser-${randomUUID()}`,
      learner: { email, name: 'Grace Hopper' },
      evidence: [{ name: INJECTION, narrative: INJECTION, url: 'https://lms.example.edu/portfolio/7' }],
    });
    await bus.send(
      new PutEventsCommand({
        Entries: [{ ...AchievementEarnedV1.toEntry(detail, 'demo.lms'), EventBusName: 'laurel' }],
      }),
    );
    bus.destroy();
    const mail = await stack.waitForMail((m) => m.to.some((t) => t.address === email));
    const link = (mail.text ?? '').match(/https:\/\/\S+\/claim\/[A-Za-z0-9_-]{43}/)?.[0] as string;

    const context = await browser.newContext({
      ignoreHTTPSErrors: true,
      viewport: { width: 390, height: 844 },
      isMobile: true,
    });
    const page = await context.newPage();
    const dialogs: string[] = [];
    page.on('dialog', async (d) => {
      dialogs.push(d.message());
      await d.dismiss();
    });

    // Act: open the claim link
    const response = await page.goto(link);
    expect(response?.status()).toBe(200);
    await expect(page.locator('h1').textContent()).resolves.toBe('Introduction to Computer Science');
    await expect(page.getByText('Grace Hopper, this credential is waiting for you').count()).resolves.toBe(1);
    await expect(page.getByRole('link', { name: INJECTION }).count()).resolves.toBe(1); // shown as text
    // Nothing overflows a phone's width
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);

    await page.getByRole('button', { name: 'Accept credential' }).click();
    await page.waitForURL(/\/credentials\/[0-9a-f-]{36}$/);

    // Assess: the public page, verified live, without the learner's email
    await expect(page.getByText('✔ Valid', { exact: true }).count()).resolves.toBe(1);
    const html = await page.content();
    expect(html).not.toContain(email);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(dialogs).toEqual([]);
    await context.close();
  });
});
