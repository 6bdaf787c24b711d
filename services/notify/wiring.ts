import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { AppStore } from '#shared/adapters/app-store.dynamodb.ts';
import { EventBus } from '#shared/adapters/event-bus.eventbridge.ts';
import { makeClaimKey } from '#shared/adapters/key-factory.ts';
import { ENV } from '#shared/env.ts';
import { ClaimEmailBouncedV1 } from '#shared/events/claim-email-bounced.v1.ts';
import { systemClock } from '#shared/runtime/clock.ts';
import { readConfig } from '#shared/runtime/config.ts';
import { makeLogger, makeMetrics } from '#shared/runtime/logger.ts';
import { SesMailer } from './adapters/mailer.ses.ts';
import { SmtpMailer } from './adapters/mailer.smtp.ts';
import type { Mailer } from './app/ports.ts';
import { makeRecordEmailProblem } from './app/record-email-problem.ts';
import { makeResendClaimEmail } from './app/resend-claim-email.ts';
import { makeSendClaimEmail } from './app/send-claim-email.ts';
import { makeSendReminders } from './app/send-reminders.ts';

const MAIL_CONFIG = [
  ENV.APP_TABLE_NAME,
  ENV.PUBLIC_BASE_URL,
  ENV.CLAIM_KEY_ID,
  ENV.SENDER_ADDRESS,
  ENV.SES_CONFIGURATION_SET,
  ENV.CLAIM_REMINDER_DAYS,
  ENV.LAUREL_MODE,
  ENV.LAUREL_DATA_DIR,
  ENV.SMTP_HOST,
  ENV.SMTP_PORT,
] as const;

/** SES in AWS, SMTP (MailDev) in local mode. */
const makeMailer = (config: ReturnType<typeof readConfig<(typeof MAIL_CONFIG)[number]>>): Mailer =>
  config.LAUREL_MODE === 'local'
    ? new SmtpMailer({ host: config.SMTP_HOST, port: config.SMTP_PORT }, config.SENDER_ADDRESS)
    : new SesMailer(new SESv2Client({}), config.SENDER_ADDRESS, config.SES_CONFIGURATION_SET);

/** What every email-sending use case takes: store, claim key, mailer, clock, base URL, reminder schedule. */
const mailDeps = (env?: Record<string, string | undefined>) => {
  const config = readConfig(MAIL_CONFIG, env);
  const dynamo = new DynamoDBClient({});
  return {
    dynamo,
    deps: {
      store: new AppStore(dynamo, config.APP_TABLE_NAME),
      claimKey: makeClaimKey(config),
      mailer: makeMailer(config),
      clock: systemClock,
      publicBaseUrl: config.PUBLIC_BASE_URL,
      reminderDays: config.CLAIM_REMINDER_DAYS,
    },
  };
};

/** Composition root of the notify function: env → clients → adapters → use cases, once per cold start. */
export const wiring = () => {
  const { dynamo, deps } = mailDeps();
  const { IDEMPOTENCY_TABLE_NAME } = readConfig([ENV.IDEMPOTENCY_TABLE_NAME]);
  const idempotency = new IdempotencyConfig({ eventKeyJmesPath: 'credentialId', expiresAfterSeconds: 7 * 86_400 });
  const send = makeSendClaimEmail(deps);
  return {
    logger: makeLogger('notify'),
    metrics: makeMetrics('notify'),
    idempotency,
    /** One email per credential, however often `CredentialIssued` arrives. */
    sendClaimEmail: makeIdempotent(send, {
      persistenceStore: new DynamoDBPersistenceLayer({ tableName: IDEMPOTENCY_TABLE_NAME, awsSdkV3Client: dynamo }),
      config: idempotency,
    }),
  };
};

export type NotifyHandlerDeps = ReturnType<typeof wiring>;

/** The scheduled reminder run (function `remind`). */
export const remindWiring = () => {
  const { deps } = mailDeps();
  return { logger: makeLogger('remind'), metrics: makeMetrics('remind'), sendReminders: makeSendReminders(deps) };
};

export type RemindHandlerDeps = ReturnType<typeof remindWiring>;

/** SES bounces and complaints (function `emailEvents`). */
export const emailEventsWiring = () => {
  const config = readConfig([ENV.APP_TABLE_NAME, ENV.EVENT_BUS_NAME]);
  const bus = new EventBus(new EventBridgeClient({}), config.EVENT_BUS_NAME);
  return {
    logger: makeLogger('email-events'),
    metrics: makeMetrics('email-events'),
    idempotency: new IdempotencyConfig({}),
    recordEmailProblem: makeRecordEmailProblem({
      store: new AppStore(new DynamoDBClient({}), config.APP_TABLE_NAME),
      publisher: { claimEmailBounced: (detail) => bus.publish(ClaimEmailBouncedV1, detail) },
      clock: systemClock,
    }),
  };
};

export type EmailEventsHandlerDeps = ReturnType<typeof emailEventsWiring>;

/**
 * "Resend the claim email, to a corrected address if given", for the admin API. Its function needs
 * `app-table:read`, `app-table:write`, `claim-key:mac` and `ses:send`; the environment is read when this is called.
 */
export const resendWiring = (env?: Record<string, string | undefined>) => {
  const { deps } = mailDeps(env);
  const { CLAIM_TOKEN_TTL_DAYS } = readConfig([ENV.CLAIM_TOKEN_TTL_DAYS], env);
  return { resendClaimEmail: makeResendClaimEmail({ ...deps, claimTokenTtlDays: CLAIM_TOKEN_TTL_DAYS }) };
};
