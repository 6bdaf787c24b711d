import type { CredentialIssuedV1 } from '#shared/events/credential-issued.v1.ts';
import { PermanentError } from '#shared/runtime/errors.ts';
import { firstReminder, makeComposeClaimEmail } from './compose.ts';
import type { ClaimKey, Clock, Mailer, NotifyStore } from './ports.ts';

export interface SendClaimEmailDeps {
  store: NotifyStore;
  claimKey: ClaimKey;
  mailer: Mailer;
  clock: Clock;
  publicBaseUrl: string;
  /** Days after this email when reminders go out while the credential is unclaimed (`CLAIM_REMINDER_DAYS`). */
  reminderDays?: readonly number[];
}

export type SendResult = { sent: true; messageId: string } | { sent: false; reason: string };

/**
 * Emails the learner the claim link of a newly issued credential.
 *
 * 1. Load the credential (consistently: it was written a moment ago); skip if its email already went out.
 * 2. Re-derive the claim token from the claim key and the credential's nonce, and check it is the stored one.
 * 3. Render HTML and text in the learner's language with the issuer's branding, send.
 * 4. Mark it sent and schedule the first reminder, in one write.
 */
export const makeSendClaimEmail = (deps: SendClaimEmailDeps) => {
  const { store, mailer, clock, reminderDays = [] } = deps;
  const compose = makeComposeClaimEmail(deps);
  return async (event: Pick<CredentialIssuedV1, 'credentialId'>): Promise<SendResult> => {
    const credential = await store.getCredential(event.credentialId, { consistent: true });
    if (!credential)
      throw new PermanentError('CREDENTIAL.NOT_FOUND', `credential ${event.credentialId} does not exist`);
    if (credential.emailStatus === 'sent') return { sent: false, reason: 'already sent' };
    const composed = await compose(credential);
    if ('skip' in composed) return { sent: false, reason: composed.skip };
    const { messageId } = await mailer.send(composed.email);
    const now = clock.now();
    const reminder = credential.remindersStoppedAt ? undefined : firstReminder(credential.id, now, reminderDays);
    await store.markEmailSent(credential.id, now.toISOString(), reminder);
    return { sent: true, messageId };
  };
};
