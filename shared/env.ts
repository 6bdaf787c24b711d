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
  /** The current KMS RSA_2048 key for the VC-JWT form (issuers name their own keys; this is the newest generation). */
  JWT_SIGNING_KEY_ID: 'JWT_SIGNING_KEY_ID',
  /**
   * Issuer (`iss`) of the OAuth 2.0 access tokens the VC-API issue route accepts: the Cognito user pool's URL in AWS
   * (its JWKS is `<issuer>/.well-known/jwks.json`), the local token endpoint's in local mode.
   */
  VC_API_TOKEN_ISSUER: 'VC_API_TOKEN_ISSUER',
  /** The console's Cognito app client (authorization code + PKCE): the `aud` of the ID tokens its pages accept. */
  CONSOLE_CLIENT_ID: 'CONSOLE_CLIENT_ID',
  /** Issuer (`iss`) of the console's ID tokens: the user pool's URL (its JWKS is `<issuer>/.well-known/jwks.json`). */
  CONSOLE_TOKEN_ISSUER: 'CONSOLE_TOKEN_ISSUER',
  /** Base URL of the user pool's hosted UI (`https://<prefix>.auth.<region>.amazoncognito.com`): authorize, token, logout. */
  CONSOLE_AUTH_DOMAIN: 'CONSOLE_AUTH_DOMAIN',
  /** KMS HMAC_256 key that derives claim tokens, so no token ever travels on the bus or rests in plain text. */
  CLAIM_KEY_ID: 'CLAIM_KEY_ID',
  /** `From` address of claim emails (a verified SES identity). */
  SENDER_ADDRESS: 'SENDER_ADDRESS',
  /** SES configuration set for delivery, bounce and complaint events. */
  SES_CONFIGURATION_SET: 'SES_CONFIGURATION_SET',
  /** Days a claim link stays valid. */
  CLAIM_TOKEN_TTL_DAYS: 'CLAIM_TOKEN_TTL_DAYS',
  /** Days after the claim email when reminders go out while unclaimed, comma-separated (default `3,14`; empty: none). */
  CLAIM_REMINDER_DAYS: 'CLAIM_REMINDER_DAYS',
  /** Reviewer approvals an achievement version needs before it can be published (default 2). */
  REVIEW_APPROVALS_REQUIRED: 'REVIEW_APPROVALS_REQUIRED',
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

/** Default reminder schedule: days after the claim email. */
export const DEFAULT_CLAIM_REMINDER_DAYS = [3, 14] as const;

/** Default number of reviewer approvals an achievement version needs. */
export const DEFAULT_REVIEW_APPROVALS = 2;

/** Default claim-link lifetime. */
export const DEFAULT_CLAIM_TOKEN_TTL_DAYS = 30;

/** Source Laurel publishes its own events under. */
export const LAUREL_EVENT_SOURCE = 'laurel';

/** Metrics namespace for business counters. */
export const METRICS_NAMESPACE = 'Laurel';
