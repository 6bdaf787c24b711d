import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDynamoClient } from '#infra/local/dynamodb.ts';
import { AppStore } from '#shared/adapters/app-store.dynamodb.ts';
import { unbakePng } from '#shared/credentials/baking/index.ts';
import { AchievementEarnedV1 } from '#shared/events/achievement-earned.v1.ts';
import { achievementEarned } from '#shared/testing/fixtures.ts';
import { run } from '../../scripts/verify.ts';
import { startTestStack, type TestStack } from '../support/local-stack.ts';

let stack: TestStack;
let bus: EventBridgeClient;
let store: AppStore;
let dir: string;

beforeAll(async () => {
  stack = await startTestStack();
  bus = new EventBridgeClient({
    endpoint: stack.urls.bus,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  store = new AppStore(localDynamoClient(stack.urls.dynamo), 'laurel-app');
  dir = await mkdtemp(join(tmpdir(), 'laurel-baked-'));
}, 120_000);

afterAll(async () => {
  bus?.destroy();
  await stack?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('a baked badge, end to end on the local stack', () => {
  it('downloads the PNG from the credential page’s link and the verifier CLI verifies it over HTTPS', async () => {
    // Prepare: an award
    const event = achievementEarned({ eventId: `e2e-baked-${randomUUID()}` });
    await bus.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: 'laurel',
            Source: 'demo.lms',
            DetailType: AchievementEarnedV1.detailType,
            Detail: JSON.stringify(event),
          },
        ],
      }),
    );
    await stack.bus.idle();
    const record = await store.getEvent(event.eventId);
    const id = (record as { credentialIds?: string[] } | undefined)?.credentialIds?.[0] as string;
    expect(id).toBeDefined();

    // Act: the page links the image; download it as a browser would
    const page = await stack.request(`/credentials/${id}`, { headers: { accept: 'text/html' } });
    const href = page.text.match(/href="([^"]+\?format=png)"/)?.[1] as string;
    expect(href).toBe(`${stack.urls.api}/credentials/${id}?format=png`);
    const png = await stack.request(href);
    const file = join(dir, 'badge.png');
    await writeFile(file, png.body);
    const lines: string[] = [];
    const status = await run([file, '--local-ca', stack.tls.certFile], { out: (l) => lines.push(l) });

    // Assess: the image carries the stored credential, and every check passes, status list included
    expect(png.status).toBe(200);
    expect(png.headers['content-type']).toBe('image/png');
    const baked = JSON.parse(unbakePng(new Uint8Array(png.body)) ?? '{}');
    expect(baked.id).toBe(`${stack.urls.api}/credentials/${id}`);
    expect(lines.at(-1)).toBe('VERIFIED (valid)');
    expect(lines.some((l) => l.startsWith('✘') || l.startsWith('!'))).toBe(false);
    expect(lines).toContain('✔ format      read from a baked PNG');
    expect(status).toBe(0);
  });
});
