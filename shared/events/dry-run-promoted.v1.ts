import { z } from 'zod';
import { LAUREL_EVENT_SOURCE } from '../env.ts';
import { defineEvent } from './define-event.ts';

/**
 * An admin promoted a dry-run award: the `award` function issues it, from the queue it reads `AchievementEarned` from.
 * No personal data: the learner is read from the dry-run record, which the console marked `promoting` before
 * publishing this.
 */
export const dryRunPromotedV1Detail = z.strictObject({
  version: z.literal(1),
  /** The event (and rule) of the dry-run record: also the issuance marker, so a promotion issues at most once. */
  eventId: z.string().min(1).max(300),
  ruleId: z.string().min(1).max(128),
  promotedAt: z.iso.datetime({ offset: true }),
  /** The admin's token subject (an opaque id, never an email). */
  promotedBy: z.string().min(1).max(256),
});

export type DryRunPromotedV1 = z.output<typeof dryRunPromotedV1Detail>;

export const DryRunPromotedV1 = defineEvent({
  source: LAUREL_EVENT_SOURCE,
  detailType: 'DryRunAwardPromoted',
  version: 1,
  detail: dryRunPromotedV1Detail,
});
