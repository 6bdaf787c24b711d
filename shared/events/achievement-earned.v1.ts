import { z } from 'zod';
import { defineEvent } from './define-event.ts';

/** Text a person typed: trimmed, bounded, no control characters. */
const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
    .refine((s) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(s), 'must not contain control characters');

/** Machine identifiers from the producer (course codes, kinds). */
const identifier = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[\w.:@/+-]+$/, 'may hold letters, digits and . _ - : @ / + only');

export const achievementEarnedV1Detail = z.strictObject({
  version: z.literal(1),
  /** The producer's idempotency key: a retried event carries the same one. */
  eventId: identifier(128),
  occurredAt: z.iso.datetime({ offset: true }),
  learner: z.strictObject({
    email: z.email().max(254),
    name: text(200)
      .refine((s) => !/[<>]/.test(s), 'must not contain markup')
      .optional(),
    externalId: identifier(128).optional(),
    /** The learner's language (BCP 47, e.g. `es`, `fr-CA`) for emails; the issuer's, then English, otherwise. */
    locale: z
      .string()
      .max(35)
      .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a BCP 47 language tag such as es or fr-CA')
      .optional(),
  }),
  activity: z.strictObject({
    /** Open vocabulary; recommended: course-completed, assessment-passed, program-completed, competency-demonstrated, attendance-recorded. */
    kind: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be lowercase words joined by hyphens'),
    externalId: identifier(128),
    name: text(300).optional(),
    result: z
      .strictObject({
        score: z.number().finite().min(0).max(1_000_000).optional(),
        grade: text(16).optional(),
        status: text(32).optional(),
      })
      .optional(),
  }),
  evidence: z
    .array(
      z.strictObject({
        url: z
          .url({ protocol: /^https?$/ })
          .max(2048)
          .optional(),
        name: text(300).optional(),
        narrative: text(5000).optional(),
      }),
    )
    .max(20)
    .optional(),
});

export type AchievementEarnedV1 = z.output<typeof achievementEarnedV1Detail>;

/** `AchievementEarned` v1: what an institution's systems emit when a learner achieved something. */
export const AchievementEarnedV1 = defineEvent({
  detailType: 'AchievementEarned',
  version: 1,
  detail: achievementEarnedV1Detail,
});
