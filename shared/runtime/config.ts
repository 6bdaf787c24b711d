import { z } from 'zod';
import { DEFAULT_CLAIM_REMINDER_DAYS, DEFAULT_CLAIM_TOKEN_TTL_DAYS, DEFAULT_REVIEW_APPROVALS, ENV } from '../env.ts';

const required = z.string().min(1);

/** Every variable any service may read; each service picks what it needs and fails fast at cold start. */
const fields = {
  [ENV.APP_TABLE_NAME]: required,
  [ENV.IDEMPOTENCY_TABLE_NAME]: required,
  [ENV.EVENT_BUS_NAME]: required,
  [ENV.PUBLIC_BASE_URL]: z.url({ protocol: /^https$/ }).transform((u) => u.replace(/\/+$/, '')),
  [ENV.SIGNING_KEY_ID]: required,
  [ENV.CLAIM_KEY_ID]: required,
  [ENV.JWT_SIGNING_KEY_ID]: required,
  [ENV.VC_API_TOKEN_ISSUER]: z.url(),
  [ENV.CONSOLE_CLIENT_ID]: required,
  [ENV.CONSOLE_TOKEN_ISSUER]: z.url({ protocol: /^https$/ }),
  [ENV.CONSOLE_AUTH_DOMAIN]: z.url({ protocol: /^https$/ }).transform((u) => u.replace(/\/+$/, '')),
  [ENV.SENDER_ADDRESS]: required,
  [ENV.SES_CONFIGURATION_SET]: z.string().optional(),
  [ENV.CLAIM_TOKEN_TTL_DAYS]: z.coerce.number().int().min(1).max(365).default(DEFAULT_CLAIM_TOKEN_TTL_DAYS),
  [ENV.CLAIM_REMINDER_DAYS]: z
    .string()
    .regex(/^\s*(\d{1,3}\s*(,\s*\d{1,3}\s*)*)?$/, 'comma-separated whole days, e.g. 3,14')
    .default(DEFAULT_CLAIM_REMINDER_DAYS.join(','))
    .transform((s) =>
      s
        .split(',')
        .map((d) => d.trim())
        .filter((d) => d.length > 0)
        .map(Number)
        .filter((d) => d > 0)
        .sort((a, b) => a - b),
    ),
  [ENV.REVIEW_APPROVALS_REQUIRED]: z.coerce.number().int().min(1).max(10).default(DEFAULT_REVIEW_APPROVALS),
  [ENV.LAUREL_MODE]: z.enum(['aws', 'local']).default('aws'),
  [ENV.LAUREL_DATA_DIR]: z.string().optional(),
  [ENV.SMTP_HOST]: z.string().default('localhost'),
  [ENV.SMTP_PORT]: z.coerce.number().int().default(1025),
} as const;

type Fields = typeof fields;
type Name = keyof Fields;

/**
 * Parses the named variables from `env` (default `process.env`) once; a missing or malformed one stops the cold
 * start with a message naming it. In local mode, AWS key ids and the console's Cognito settings are not needed.
 */
export const readConfig = <N extends Name>(
  names: readonly N[],
  env: Record<string, string | undefined> = process.env,
): { [K in N]: z.output<Fields[K]> } => {
  const local = env[ENV.LAUREL_MODE] === 'local';
  const shape: Record<string, z.ZodType> = {};
  for (const name of names) {
    const awsOnly =
      name === ENV.SIGNING_KEY_ID ||
      name === ENV.CLAIM_KEY_ID ||
      name === ENV.JWT_SIGNING_KEY_ID ||
      name === ENV.CONSOLE_CLIENT_ID ||
      name === ENV.CONSOLE_TOKEN_ISSUER ||
      name === ENV.CONSOLE_AUTH_DOMAIN;
    shape[name] = awsOnly && local ? fields[name].optional() : fields[name];
  }
  if (local) shape[ENV.LAUREL_DATA_DIR] = required;
  const parsed = z.object(shape).safeParse(env);
  if (!parsed.success)
    throw new Error(`configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data as { [K in N]: z.output<Fields[K]> };
};
