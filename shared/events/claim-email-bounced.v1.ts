import { z } from 'zod';
import { LAUREL_EVENT_SOURCE } from '../env.ts';
import { defineEvent } from './define-event.ts';

/** No personal data: no address, no name, no diagnostic text (which can quote the address). */
export const claimEmailBouncedV1Detail = z.strictObject({
  version: z.literal(1),
  credentialId: z.string().min(1),
  issuerSlug: z.string().min(1),
  achievementId: z.string().min(1),
  /** `bounce`: the address does not take mail (permanent bounce); `complaint`: the learner marked it as spam. */
  kind: z.enum(['bounce', 'complaint']),
  /** SES's classification, e.g. `General`, `NoEmail`, `Suppressed`, `abuse`. */
  subType: z.string().max(64).optional(),
  occurredAt: z.iso.datetime({ offset: true }),
});

export type ClaimEmailBouncedV1 = z.output<typeof claimEmailBouncedV1Detail>;

/** `ClaimEmailBounced` v1: a claim email (or reminder) could not reach the learner; an admin can resend it. */
export const ClaimEmailBouncedV1 = defineEvent({
  source: LAUREL_EVENT_SOURCE,
  detailType: 'ClaimEmailBounced',
  version: 1,
  detail: claimEmailBouncedV1Detail,
});
