import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { expect } from 'vitest';
import { LOCAL_BUS_NAME } from '#infra/local/config.ts';
import type { CaughtMail } from '#infra/local/mail.ts';
import { type LocalStack, type LocalStackOptions, startLocalStack } from '#infra/local/stack.ts';
import { AchievementEarnedV1 } from '#shared/events/achievement-earned.v1.ts';
import { type HttpsResponse, httpsRequest } from './https.ts';

export interface TestStack extends LocalStack {
  /** Resolves with the first caught email matching `predicate`; rejects after `timeoutMs`. */
  waitForMail(predicate: (mail: CaughtMail) => boolean, timeoutMs?: number): Promise<CaughtMail>;
  /** HTTPS request to the local API (a path such as `/health`, or a full URL), trusting its certificate. */
  request(
    pathOrUrl: string,
    init?: { method?: string; headers?: Record<string, string>; body?: string | Buffer },
  ): Promise<HttpsResponse>;
  /**
   * Puts `AchievementEarned` details from `demo.lms` on the bus as a producer does (PutEvents through the AWS SDK, to
   * the local EventBridge endpoint), and expects every entry accepted. The details go as given, unchecked.
   */
  putAchievementEarned(...details: unknown[]): Promise<void>;
}

/**
 * Starts the whole local stack for an end-to-end test: free ports, a fresh temporary data folder (removed by
 * `stop()`), quiet output, and retries after 200 ms instead of seconds. The process environment is set for the
 * handlers, as `npm start` does; run e2e files in their own worker (the default `forks` pool does).
 */
export async function startTestStack(opts: Partial<LocalStackOptions> = {}): Promise<TestStack> {
  const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'laurel-e2e-')));
  const stack = await startLocalStack({
    quiet: true,
    ...opts,
    dataDir,
    ports: { api: 0, bus: 0, smtp: 0, mailWeb: 0, dynamo: 0, ...opts.ports },
    queueSettings: { visibilityTimeoutMs: 200, ...opts.queueSettings },
  });
  let producer: EventBridgeClient | undefined;
  return {
    ...stack,
    waitForMail: (predicate, timeoutMs) => waitForMail(stack, predicate, timeoutMs),
    request: (pathOrUrl, init = {}) =>
      httpsRequest(pathOrUrl.startsWith('https://') ? pathOrUrl : `${stack.urls.api}${pathOrUrl}`, {
        ca: stack.tls.cert,
        ...init,
      }),
    async putAchievementEarned(...details) {
      producer ??= new EventBridgeClient({
        endpoint: stack.urls.bus,
        region: 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      });
      const out = await producer.send(
        new PutEventsCommand({
          Entries: details.map((d) => ({
            EventBusName: LOCAL_BUS_NAME,
            Source: 'demo.lms',
            DetailType: AchievementEarnedV1.detailType,
            Detail: JSON.stringify(d),
          })),
        }),
      );
      expect(out.FailedEntryCount, 'entries the bus refused').toBe(0);
    },
    async stop() {
      producer?.destroy();
      await stack.stop();
      if (!opts.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Polls MailDev until an email matches `predicate`. */
export async function waitForMail(
  stack: Pick<LocalStack, 'mail'>,
  predicate: (mail: CaughtMail) => boolean,
  timeoutMs = 15_000,
): Promise<CaughtMail> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = (await stack.mail.client.list()).find(predicate);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no matching email within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
