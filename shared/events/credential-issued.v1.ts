import { z } from 'zod';
import { LAUREL_EVENT_SOURCE } from '../env.ts';
import { defineEvent } from './define-event.ts';

/** No personal data: subscribers read the credential (or Laurel's table) for anything more. */
export const credentialIssuedV1Detail = z.strictObject({
  version: z.literal(1),
  credentialId: z.string().min(1),
  credentialUrl: z.url(),
  issuerSlug: z.string().min(1),
  achievementId: z.string().min(1),
  ruleId: z.string().min(1),
  /** The `AchievementEarned` eventId that led to this credential. */
  sourceEventId: z.string().min(1),
  issuedAt: z.iso.datetime({ offset: true }),
});

export type CredentialIssuedV1 = z.output<typeof credentialIssuedV1Detail>;

/** `CredentialIssued` v1: a credential was signed and stored; its claim email is next. */
export const CredentialIssuedV1 = defineEvent({
  source: LAUREL_EVENT_SOURCE,
  detailType: 'CredentialIssued',
  version: 1,
  detail: credentialIssuedV1Detail,
});
