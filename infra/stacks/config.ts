import type { App } from 'aws-cdk-lib';

/** Deployment settings, read once from CDK context (`-c key=value` or cdk.json) and validated. */
export interface LaurelConfig {
  /** Public host every URL and did:web identifier uses, e.g. `badges.example.edu`. */
  domain: string;
  /** `From` address of claim emails; its domain becomes the SES email identity. */
  senderAddress: string;
  /** Administrators: they receive alarm notifications now, console access in a later release. */
  adminEmails: readonly string[];
  /** Console users besides the admins (who also get alarms): the review committee and read-only viewers. */
  reviewerEmails: readonly string[];
  viewerEmails: readonly string[];
  /** ACM certificate (same region as the API) for `domain`; without it the API keeps its execute-api URL only. */
  certificateArn?: string;
  /** Generations of signing keys (Ed25519 and RSA); raise by one to rotate (see StatefulStack). @default 1 */
  keyGenerations: number;
  /** VC-API clients: one Cognito app client per name. @default ['default'] */
  vcApiClients: readonly string[];
  /** Cognito domain prefix for the VC-API token endpoint (unique per region). @default `laurel-<account>` */
  authDomainPrefix?: string;
  /** Pin the stacks to an account/region; left unset, the stacks are environment-agnostic. */
  account?: string;
  region?: string;
}

/** Used when no `domain` is given, so `cdk synth` works out of the box. */
export const DEFAULT_DOMAIN = 'badges.example.edu';

const HOST = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const EMAIL = /^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/;

export const CONTEXT_KEYS = [
  'domain',
  'senderAddress',
  'adminEmails',
  'reviewerEmails',
  'viewerEmails',
  'certificateArn',
  'account',
  'region',
  'keyGenerations',
  'vcApiClients',
  'authDomainPrefix',
] as const;

const optional = (app: App, key: (typeof CONTEXT_KEYS)[number]): string | undefined => {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new Error(`context "${key}" must be a string`);
  return value.trim();
};

/** Reads and checks the context, failing synth early with a readable message rather than deploying a broken issuer. */
export function readConfig(app: App): LaurelConfig {
  const domain = (optional(app, 'domain') ?? DEFAULT_DOMAIN).toLowerCase();
  if (!HOST.test(domain)) throw new Error(`context "domain" must be a host name such as ${DEFAULT_DOMAIN}`);

  const senderAddress = optional(app, 'senderAddress') ?? `no-reply@${domain}`;
  if (!EMAIL.test(senderAddress)) throw new Error('context "senderAddress" must be an email address');

  const adminEmails = (optional(app, 'adminEmails') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  const badAdmin = adminEmails.find((e) => !EMAIL.test(e));
  if (badAdmin !== undefined) throw new Error('context "adminEmails" must be comma-separated email addresses');
  const emailList = (key: 'reviewerEmails' | 'viewerEmails') => {
    const list = (optional(app, key) ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0);
    if (list.some((e) => !EMAIL.test(e))) throw new Error(`context "${key}" must be comma-separated email addresses`);
    return list;
  };
  const reviewerEmails = emailList('reviewerEmails');
  const viewerEmails = emailList('viewerEmails');

  const certificateArn = optional(app, 'certificateArn');
  if (certificateArn !== undefined && !certificateArn.startsWith('arn:')) {
    throw new Error('context "certificateArn" must be an ACM certificate ARN');
  }

  const keyGenerations = Number(optional(app, 'keyGenerations') ?? '1');
  if (!Number.isInteger(keyGenerations) || keyGenerations < 1 || keyGenerations > 20) {
    throw new Error('context "keyGenerations" must be a whole number from 1 to 20');
  }
  const vcApiClients = (optional(app, 'vcApiClients') ?? 'default')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (vcApiClients.length === 0 || vcApiClients.some((c) => !/^[a-z0-9][a-z0-9-]{0,40}$/.test(c))) {
    throw new Error('context "vcApiClients" must be comma-separated names (lowercase letters, digits, hyphens)');
  }
  const authDomainPrefix = optional(app, 'authDomainPrefix');
  if (authDomainPrefix !== undefined && !/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(authDomainPrefix)) {
    throw new Error('context "authDomainPrefix" must be lowercase letters, digits and hyphens');
  }

  return {
    domain,
    senderAddress,
    adminEmails,
    reviewerEmails,
    viewerEmails,
    certificateArn,
    keyGenerations,
    vcApiClients,
    ...(authDomainPrefix ? { authDomainPrefix } : {}),
    account: optional(app, 'account'),
    region: optional(app, 'region'),
  };
}

/** The domain part of an email address. */
export const emailDomain = (address: string): string => address.slice(address.lastIndexOf('@') + 1).toLowerCase();
