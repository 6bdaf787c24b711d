import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { AppStore } from '#shared/adapters/app-store.dynamodb.ts';
import { makeClaimKey } from '#shared/adapters/key-factory.ts';
import { ENV } from '#shared/env.ts';
import { systemClock } from '#shared/runtime/clock.ts';
import { readConfig } from '#shared/runtime/config.ts';
import { makeLogger, makeMetrics } from '#shared/runtime/logger.ts';
import { SesMailer } from './adapters/mailer.ses.ts';
import { SmtpMailer } from './adapters/mailer.smtp.ts';
import { makeSendClaimEmail } from './app/send-claim-email.ts';

/** Composition root: env → clients → adapters → use cases, once per cold start. */
export const wiring = () => {
  const config = readConfig([
    ENV.APP_TABLE_NAME,
    ENV.IDEMPOTENCY_TABLE_NAME,
    ENV.PUBLIC_BASE_URL,
    ENV.CLAIM_KEY_ID,
    ENV.SENDER_ADDRESS,
    ENV.SES_CONFIGURATION_SET,
    ENV.LAUREL_MODE,
    ENV.LAUREL_DATA_DIR,
    ENV.SMTP_HOST,
    ENV.SMTP_PORT,
  ]);
  const dynamo = new DynamoDBClient({});
  const mailer =
    config.LAUREL_MODE === 'local'
      ? new SmtpMailer({ host: config.SMTP_HOST, port: config.SMTP_PORT }, config.SENDER_ADDRESS)
      : new SesMailer(new SESv2Client({}), config.SENDER_ADDRESS, config.SES_CONFIGURATION_SET);
  const idempotency = new IdempotencyConfig({ eventKeyJmesPath: 'credentialId', expiresAfterSeconds: 7 * 86_400 });
  const send = makeSendClaimEmail({
    store: new AppStore(dynamo, config.APP_TABLE_NAME),
    claimKey: makeClaimKey(config),
    mailer,
    clock: systemClock,
    publicBaseUrl: config.PUBLIC_BASE_URL,
  });
  return {
    logger: makeLogger('notify'),
    metrics: makeMetrics('notify'),
    idempotency,
    /** One email per credential, however often `CredentialIssued` arrives. */
    sendClaimEmail: makeIdempotent(send, {
      persistenceStore: new DynamoDBPersistenceLayer({
        tableName: config.IDEMPOTENCY_TABLE_NAME,
        awsSdkV3Client: dynamo,
      }),
      config: idempotency,
    }),
  };
};

export type NotifyHandlerDeps = ReturnType<typeof wiring>;
