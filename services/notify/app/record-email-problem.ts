import type { ClaimEmailBouncedV1 } from '#shared/events/claim-email-bounced.v1.ts';
import type { SesEmailProblem } from '#shared/events/ses-email-problem.ts';
import type { Clock, LearnerMailStore } from './ports.ts';

export interface RecordEmailProblemDeps {
  store: Pick<LearnerMailStore, 'getCredential' | 'markEmailProblem'>;
  publisher: { claimEmailBounced(detail: ClaimEmailBouncedV1): Promise<void> };
  clock: Clock;
}

export type ProblemResult =
  | { recorded: true; credentialId: string; kind: 'bounce' | 'complaint' }
  | { recorded: false; reason: string };

/**
 * Records what SES says about a claim email.
 *
 * 1. Find the credential from our own message tag (no address lookup); mail that is not a claim email is ignored.
 * 2. A transient bounce (mailbox full, try later) changes nothing: SES has retried already and may still deliver.
 * 3. A permanent bounce or a complaint marks the credential `bounced` / `complained` (admins see it, reminders stop)
 *    and publishes `ClaimEmailBounced` without personal data, so an admin tool or the institution's CRM can act.
 */
export const makeRecordEmailProblem =
  ({ store, publisher, clock }: RecordEmailProblemDeps) =>
  async (event: SesEmailProblem): Promise<ProblemResult> => {
    const credentialId = event.mail.tags.credentialId?.[0];
    if (!credentialId) return { recorded: false, reason: 'not a claim email' };
    const kind = event.eventType === 'Bounce' ? 'bounce' : 'complaint';
    if (kind === 'bounce' && event.bounce?.bounceType !== 'Permanent')
      return { recorded: false, reason: `${event.bounce?.bounceType ?? 'unknown'} bounce` };
    const credential = await store.getCredential(credentialId);
    if (!credential) return { recorded: false, reason: 'unknown credential' };
    const now = clock.now().toISOString();
    await store.markEmailProblem(credentialId, kind === 'bounce' ? 'bounced' : 'complained', now);
    const subType = kind === 'bounce' ? event.bounce?.bounceSubType : event.complaint?.complaintFeedbackType;
    await publisher.claimEmailBounced({
      version: 1,
      credentialId,
      issuerSlug: credential.issuerSlug,
      achievementId: credential.achievementId,
      kind,
      ...(subType ? { subType: subType.slice(0, 64) } : {}),
      occurredAt: now,
    });
    return { recorded: true, credentialId, kind };
  };
