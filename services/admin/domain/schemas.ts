import { z } from 'zod';
import { isAchievementType, isAlignmentTargetType } from '#shared/credentials/open-badge.ts';
import { eventOutcome } from '#shared/tables/app-table.ts';

/**
 * What the console's API accepts: strict objects (an unknown field is an error, not silently dropped), bounded
 * text without control characters, and messages that name the field. Text is stored as given (markup included) and
 * escaped wherever it is shown; JSON encoding keeps it data.
 */

// biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
export const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .refine((s) => !CONTROL.test(s), 'must not contain control characters');

export const slug = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be lowercase letters and digits joined by hyphens');

export const webUrl = z
  .url({ protocol: /^https?$/, message: 'must be an http(s) URL' })
  .max(2048, 'must be at most 2048 characters');

/** EventBridge sources producers use; `aws.` and Laurel's own are reserved. */
export const sourceName = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[A-Za-z0-9._:/@+-]+$/, 'may hold letters, digits and . _ : / @ + - only')
  .refine((s) => !s.startsWith('aws.') && !/^laurel(\.|$)/.test(s), 'aws.* and laurel.* are reserved');

const identifier = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[\w.:@/+-]+$/, 'may hold letters, digits and . _ - : @ / + only');

export const issuerProfileInput = z.strictObject({
  name: text(200),
  url: webUrl,
  email: z.email('must be an email address').max(254).optional(),
  description: text(2000).optional(),
  image: webUrl.optional(),
});
export const issuerInput = issuerProfileInput.extend({ slug });

export const sourceInput = z.strictObject({ name: sourceName });

export const alignmentInput = z.strictObject({
  targetName: text(200),
  targetUrl: webUrl,
  targetDescription: text(1000).optional(),
  targetFramework: text(200).optional(),
  targetCode: text(100).optional(),
  targetType: z
    .string()
    .refine(
      isAlignmentTargetType,
      'must be an OB 3.0 AlignmentTargetType (CFItem for CASE; ceasn:Competency, ceterms:Credential or CTDL for Credential Engine) or ext:<Name> (e.g. ext:ESCOSkill, ext:ONETOccupation)',
    )
    .optional(),
});

export const achievementContentInput = z.strictObject({
  name: text(200),
  description: text(2000),
  criteria: z
    .strictObject({ narrative: text(5000).optional(), id: webUrl.optional() })
    .refine((c) => c.narrative !== undefined || c.id !== undefined, 'needs a narrative, a URL, or both'),
  image: webUrl.optional(),
  achievementType: z
    .string()
    .refine(isAchievementType, 'must be an OB 3.0 AchievementType (Badge, Course, MicroCredential, ...) or ext:<Name>')
    .optional(),
  alignments: z.array(alignmentInput).max(20, 'at most 20 alignments').optional(),
  tags: z.array(text(60)).max(30, 'at most 30 tags').optional(),
  level: text(60).optional(),
  creditsAvailable: z.number().min(0).max(1000).optional(),
  fieldOfStudy: text(200).optional(),
  validForDays: z.number().int().min(1).max(36_500).optional(),
});
export type AchievementContentInput = z.output<typeof achievementContentInput>;

export const achievementInput = achievementContentInput.extend({ id: slug, issuerSlug: slug });

export const commentInput = z.strictObject({ comment: text(5000) });
export const optionalCommentInput = z.strictObject({ comment: text(5000).optional() });

const mode = z.enum(['live', 'dry-run', 'off']);
const isoDateTime = z.iso.datetime({ offset: true, message: 'must be an ISO date-time, e.g. 2026-05-01T00:00:00Z' });

export const conditionsInput = z
  .strictObject({
    minScore: z.number().min(0).max(1_000_000).optional(),
    grades: z.array(text(16)).min(1).max(30).optional(),
    statuses: z.array(text(32)).min(1).max(30).optional(),
    occurredFrom: isoDateTime.optional(),
    occurredUntil: isoDateTime.optional(),
  })
  .refine(
    (c) => !c.occurredFrom || !c.occurredUntil || Date.parse(c.occurredFrom) <= Date.parse(c.occurredUntil),
    'occurredFrom must not be after occurredUntil',
  );

const matchRuleFields = {
  type: z.literal('match'),
  achievementId: slug,
  source: sourceName,
  kind: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be lowercase words joined by hyphens'),
  externalId: identifier,
  conditions: conditionsInput.default({}),
  mode,
  name: text(200).optional(),
};

const stackRuleFields = {
  type: z.literal('stack'),
  achievementId: slug,
  requires: z
    .array(slug)
    .min(1, 'needs at least one achievement')
    .max(20)
    .refine((a) => new Set(a).size === a.length, 'must not repeat an achievement'),
  threshold: z.number().int().min(1).optional(),
  mode,
  name: text(200).optional(),
};

const stackChecks = <T extends { achievementId: string; requires: string[]; threshold?: number | undefined }>(
  r: T,
  ctx: z.RefinementCtx,
) => {
  if (r.threshold !== undefined && r.threshold > r.requires.length)
    ctx.addIssue({
      code: 'custom',
      path: ['threshold'],
      message: 'must not exceed the number of required achievements',
    });
  if (r.requires.includes(r.achievementId))
    ctx.addIssue({ code: 'custom', path: ['requires'], message: 'must not include the pathway achievement itself' });
};

export const ruleInput = z.discriminatedUnion('type', [
  z.strictObject({ id: slug, ...matchRuleFields }),
  z.strictObject({ id: slug, ...stackRuleFields }).superRefine(stackChecks),
]);
export const ruleUpdateInput = z.discriminatedUnion('type', [
  z.strictObject(matchRuleFields),
  z.strictObject(stackRuleFields).superRefine(stackChecks),
]);
export type RuleInput = z.output<typeof ruleInput>;
export type RuleUpdateInput = z.output<typeof ruleUpdateInput>;

/** The rule tester: an event as the producer would send it (`source` and `detail`). */
export const ruleTestInput = z.strictObject({
  source: z.string().min(1).max(256),
  detail: z.record(z.string(), z.unknown()),
});

export const promoteInput = z.strictObject({
  /** Which dry-run records (by event id); all pending ones (up to 100) when absent. */
  eventIds: z.array(z.string().min(1).max(300)).min(1).max(100).optional(),
});

export const progressInput = z.strictObject({ email: z.email('must be an email address').max(254) });

const isoDay = z.iso.date('must be a date, YYYY-MM-DD');
const limit = (max: number, fallback: number) => z.coerce.number().int().min(1).max(max).default(fallback);

export const credentialState = z.enum(['pending', 'emailed', 'email-failed', 'claimed', 'suspended', 'revoked']);
export type CredentialState = z.output<typeof credentialState>;

export const credentialSearchInput = z.strictObject({
  email: z.email('must be an email address').max(254).optional(),
  achievementId: slug.optional(),
  issuerSlug: slug.optional(),
  state: credentialState.optional(),
  from: isoDay.optional(),
  to: isoDay.optional(),
  limit: limit(200, 50),
  cursor: z.string().max(2000).optional(),
});

export const resendInput = z.strictObject({ email: z.email('must be an email address').max(254).optional() });

export const sessionInput = z.strictObject({
  email: z.string().min(1).max(254),
  password: z.string().min(1).max(1024),
});

// ---- query strings ----

export const achievementQuery = z.strictObject({
  q: z.string().max(200).optional(),
  issuer: slug.optional(),
  status: z.enum(['draft', 'published', 'retired']).optional(),
  reviewStatus: z.enum(['draft', 'in-review', 'approved', 'published', 'retired']).optional(),
  type: z.string().max(100).optional(),
  tag: z.string().max(60).optional(),
});

export const ruleQuery = z.strictObject({
  achievementId: slug.optional(),
  type: z.enum(['match', 'stack']).optional(),
  mode: mode.optional(),
  source: z.string().max(256).optional(),
});

export const dryRunQuery = z.strictObject({
  status: z.enum(['pending', 'promoting', 'promoted', 'failed']).optional(),
  limit: limit(200, 50),
  cursor: z.string().max(2000).optional(),
});

export const eventQuery = z.strictObject({
  eventId: z.string().min(1).max(300).optional(),
  outcome: eventOutcome.optional(),
  from: isoDay.optional(),
  to: isoDay.optional(),
  limit: limit(200, 50),
  cursor: z.string().max(2000).optional(),
});

// ---- credential status ----

const credentialId = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be 1 to 128 letters, digits, - or _');

export const statusChangeInput = z.strictObject({ reason: text(500) });

export const bulkRevokeInput = z
  .strictObject({
    credentialIds: z.array(credentialId).min(1).max(1000).optional(),
    achievementId: slug.optional(),
    sourceEventId: z.string().min(1).max(128).optional(),
    reason: text(500),
    cursor: z.string().max(2000).optional(),
    limit: z.number().int().min(1).max(1000).optional(),
  })
  .refine(
    (b) => [b.credentialIds, b.achievementId, b.sourceEventId].filter((x) => x !== undefined).length === 1,
    'name exactly one of credentialIds, achievementId, sourceEventId',
  );
