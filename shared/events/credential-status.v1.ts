import { z } from 'zod';
import { LAUREL_EVENT_SOURCE } from '../env.ts';
import { defineEvent } from './define-event.ts';

/**
 * A credential's status changed. No personal data, and neither the reason nor who asked (both stay in Laurel's audit
 * record): subscribers get ids to act on. `changedAt` is the time of the change itself, also when a retried command
 * announces it again, so (credentialId, detail-type, changedAt) identifies one change.
 */
const statusChangedV1Detail = z.strictObject({
  version: z.literal(1),
  credentialId: z.string().min(1),
  credentialUrl: z.url(),
  issuerSlug: z.string().min(1),
  achievementId: z.string().min(1),
  /** The `AchievementEarned` eventId the credential was issued for. */
  sourceEventId: z.string().min(1),
  /** `revocation` or `suspension`: the status list whose bit changed. */
  statusPurpose: z.enum(['revocation', 'suspension']),
  changedAt: z.iso.datetime({ offset: true }),
});

export type CredentialStatusChangedV1 = z.output<typeof statusChangedV1Detail>;
export type RevocationChangedV1 = CredentialStatusChangedV1 & { statusPurpose: 'revocation' };
export type SuspensionChangedV1 = CredentialStatusChangedV1 & { statusPurpose: 'suspension' };

/** `CredentialRevoked` v1: revoked for good; verifiers reading its status list now reject it. */
export const CredentialRevokedV1 = defineEvent({
  source: LAUREL_EVENT_SOURCE,
  detailType: 'CredentialRevoked',
  version: 1,
  detail: statusChangedV1Detail.extend({ statusPurpose: z.literal('revocation') }),
});

/** `CredentialSuspended` v1: on hold until reinstated. */
export const CredentialSuspendedV1 = defineEvent({
  source: LAUREL_EVENT_SOURCE,
  detailType: 'CredentialSuspended',
  version: 1,
  detail: statusChangedV1Detail.extend({ statusPurpose: z.literal('suspension') }),
});

/** `CredentialReinstated` v1: a suspension was lifted; the credential verifies again. */
export const CredentialReinstatedV1 = defineEvent({
  source: LAUREL_EVENT_SOURCE,
  detailType: 'CredentialReinstated',
  version: 1,
  detail: statusChangedV1Detail.extend({ statusPurpose: z.literal('suspension') }),
});
