import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, SQSEvent } from 'aws-lambda';
import { createTransport } from 'nodemailer';
import { afterAll, describe, expect, it } from 'vitest';
import { createLocalSigner } from '#shared/adapters/signer.local.ts';
import { ENV } from '#shared/env.ts';
import { CredentialIssuedV1 } from '#shared/events/index.ts';
import { keys } from '#shared/tables/app-table.ts';
import { startTestStack, waitForMail } from '../../test/support/local-stack.ts';
import { demoEntry } from './demo-event.ts';
import { isListening } from './process.ts';

/**
 * The runner with fake handlers: they use the environment exactly as the services' wiring does (SDK clients built
 * without endpoints, SMTP from SMTP_HOST/PORT), so this checks the wiring of local mode, not the services.
 */
const fakeHandlers = {
  award: async (event: SQSEvent) => {
    const bus = new EventBridgeClient({});
    for (const record of event.Records) {
      const { detail } = JSON.parse(record.body);
      await bus.send(
        new PutEventsCommand({
          Entries: [
            {
              ...CredentialIssuedV1.toEntry({
                version: 1,
                credentialId: `cred-${detail.eventId}`,
                credentialUrl: `${process.env[ENV.PUBLIC_BASE_URL]}/credentials/cred-${detail.eventId}`,
                issuerSlug: 'demo',
                achievementId: 'intro-to-cs',
                ruleId: 'cs101-completed',
                sourceEventId: detail.eventId,
                issuedAt: new Date().toISOString(),
              }),
              EventBusName: process.env[ENV.EVENT_BUS_NAME],
            },
          ],
        }),
      );
    }
    bus.destroy();
    return { batchItemFailures: [] };
  },
  notify: async (event: SQSEvent) => {
    const smtp = createTransport({ host: process.env[ENV.SMTP_HOST], port: Number(process.env[ENV.SMTP_PORT]) });
    for (const record of event.Records) {
      const { detail } = JSON.parse(record.body);
      await smtp.sendMail({
        from: process.env[ENV.SENDER_ADDRESS],
        to: 'ada@example.edu',
        subject: `issued ${detail.credentialId}`,
        text: detail.credentialUrl,
      });
    }
    return { batchItemFailures: [] };
  },
  claim: async () => ({ statusCode: 200, body: 'claim' }),
  verify: async (event: APIGatewayProxyEventV2) => {
    const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));
    const issuer = await doc.send(
      new GetCommand({
        TableName: process.env[ENV.APP_TABLE_NAME],
        Key: keys.issuer(event.pathParameters?.slug ?? ''),
      }),
    );
    return issuer.Item
      ? { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(issuer.Item) }
      : { statusCode: 404, body: '' };
  },
};

const dataDir = await mkdtemp(join(tmpdir(), 'laurel-stack-'));
afterAll(() => rm(dataDir, { recursive: true, force: true }));

describe('startLocalStack', () => {
  it('runs event -> award -> CredentialIssued -> notify -> MailDev, serves the seeded issuer, and stops every part', async () => {
    // Prepare
    const stack = await startTestStack({ dataDir, handlers: fakeHandlers });
    const ports = { ...stack.ports };
    let certBefore = '';
    try {
      certBefore = stack.tls.cert;
      expect(process.env[ENV.PUBLIC_BASE_URL]).toBe(`https://localhost:${stack.ports.api}`);
      expect(stack.seed.created).toEqual(
        expect.arrayContaining([
          'source demo.lms',
          'issuer demo',
          'achievement intro-to-cs',
          'VC-API client laurel-local',
        ]),
      );

      // Act: the demo event, through the bus endpoint an AWS SDK producer would use
      const producer = new EventBridgeClient({
        endpoint: stack.urls.bus,
        region: 'us-east-1',
        credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
      });
      const out = await producer.send(new PutEventsCommand({ Entries: [demoEntry('laurel', { eventId: 'stack-1' })] }));
      producer.destroy();
      const mail = await stack.waitForMail((m) => m.subject === 'issued cred-stack-1');
      const issuer = await stack.request('/issuers/demo');
      await stack.bus.idle();

      // Assess
      expect(out.FailedEntryCount).toBe(0);
      expect(mail.text).toContain(`https://localhost:${stack.ports.api}/credentials/cred-stack-1`);
      expect(mail.from[0]?.address).toBe('badges@localhost');
      expect(issuer.status).toBe(200);
      const signer = createLocalSigner({ dataDir });
      expect(JSON.parse(issuer.text)).toMatchObject({
        slug: 'demo',
        url: `https://localhost:${stack.ports.api}`,
        publicKeyMultibase: await signer.publicKeyMultibase('local:demo'),
      });
    } finally {
      await stack.stop();
    }

    // Assess: nothing left listening
    for (const port of Object.values(ports)) expect(await isListening(port)).toBe(false);

    // Act: a restart on the same folder keeps the certificate, the tables and the caught mail
    const again = await startTestStack({ dataDir, handlers: fakeHandlers });
    try {
      expect(again.tls.cert).toBe(certBefore);
      expect(again.seed.created).toEqual([]);
      expect(again.seed.warnings).toEqual([]);
      await waitForMail(again, (m) => m.subject === 'issued cred-stack-1', 5_000);
    } finally {
      await again.stop();
    }
  }, 120_000);
});
