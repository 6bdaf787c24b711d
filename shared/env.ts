/**
 * Environment variable names, shared by the CDK stacks (which set them), the Lambda wiring (which parses them once
 * at cold start) and the local runner (which sets them for its in-process handlers).
 */
export const ENV = {
  /** Single table holding issuers, achievements, rules, credentials, claim tokens and the event log. */
  APP_TABLE_NAME: 'APP_TABLE_NAME',
  /** Powertools idempotency table (partition key `id`, TTL `expiration`). */
  IDEMPOTENCY_TABLE_NAME: 'IDEMPOTENCY_TABLE_NAME',
  /** Event bus Laurel consumes from and publishes to. */
  EVENT_BUS_NAME: 'EVENT_BUS_NAME',
  /** Public origin of every URL Laurel mints, e.g. `https://badges.example.edu`. Its host is the did:web host. */
  PUBLIC_BASE_URL: 'PUBLIC_BASE_URL',
  /** KMS key (ECC_NIST_EDWARDS25519) that signs credentials. */
  SIGNING_KEY_ID: 'SIGNING_KEY_ID',
  /** KMS HMAC_256 key that derives claim tokens, so no token ever travels on the bus or rests in plain text. */
  CLAIM_KEY_ID: 'CLAIM_KEY_ID',
  /** `From` address of claim emails (a verified SES identity). */
  SENDER_ADDRESS: 'SENDER_ADDRESS',
  /** SES configuration set for delivery, bounce and complaint events. */
  SES_CONFIGURATION_SET: 'SES_CONFIGURATION_SET',
  /** Days a claim link stays valid. */
  CLAIM_TOKEN_TTL_DAYS: 'CLAIM_TOKEN_TTL_DAYS',
  /** `local` runs the same handlers with the local signer, local claim key and SMTP mailer. */
  LAUREL_MODE: 'LAUREL_MODE',
  /** Folder holding local keys, the DynamoDB Local files and the dead-letter file in local mode. */
  LAUREL_DATA_DIR: 'LAUREL_DATA_DIR',
  /** SMTP endpoint (local mode: MailDev). */
  SMTP_HOST: 'SMTP_HOST',
  SMTP_PORT: 'SMTP_PORT',
  /** Powertools names. */
  POWERTOOLS_SERVICE_NAME: 'POWERTOOLS_SERVICE_NAME',
  POWERTOOLS_METRICS_NAMESPACE: 'POWERTOOLS_METRICS_NAMESPACE',
} as const;

export type EnvName = keyof typeof ENV;

/** Default claim-link lifetime. */
export const DEFAULT_CLAIM_TOKEN_TTL_DAYS = 30;

/** Source Laurel publishes its own events under. */
export const LAUREL_EVENT_SOURCE = 'laurel';

/** Metrics namespace for business counters. */
export const METRICS_NAMESPACE = 'Laurel';
