import { z } from 'zod';
import { deriveClaimToken, hashClaimToken, newClaimNonce } from '#shared/claim-tokens.ts';
import { learnerKey } from '#shared/learner-key.ts';
import { PermanentError } from '#shared/runtime/errors.ts';
import { firstReminder, makeComposeClaimEmail } from './compose.ts';
import type { ClaimKey, Clock, LearnerMailStore, Mailer } from './ports.ts';

export interface ResendClaimEmailDeps {
  store: LearnerMailStore;
  claimKey: ClaimKey;
  mailer: Mailer;
  clock: Clock;
  publicBaseUrl: string;
  /** Lifetime of the new link (`CLAIM_TOKEN_TTL_DAYS`). */
  claimTokenTtlDays: number;
  reminderDays?: readonly number[];
}

export interface ResendInput {
  credentialId: string;
  /** A corrected address; the stored one when absent. */
  email?: string;
}

export interface ResendResult {
  credentialId: string;
  messageId: string;
  /** When the new link stops working. */
  expiresAt: string;
}

const DAY_MS = 86_400_000;
const emailSchema = z.email().max(254);

/**
 * Sends a credential's claim email again, to a corrected address if given (for admins: a bounce, a typo, a lost
 * email). The old link stops working.
 *
 * 1. The credential must exist and be unclaimed; a corrected address must be an email address.
 * 2. A new claim nonce gives a new token; the credential (nonce, address, status pending), the new token's hash and
 *    the removal of the old one are written in one transaction that fails if the credential was claimed meanwhile.
 * 3. The email goes out (in the learner's language, branded) and is marked sent, with reminders scheduled anew.
 */
export const makeResendClaimEmail = (deps: ResendClaimEmailDeps) => {
  const { store, claimKey, mailer, clock, claimTokenTtlDays, reminderDays = [] } = deps;
  const compose = makeComposeClaimEmail(deps);
  return async (input: ResendInput): Promise<ResendResult> => {
    const credential = await store.getCredential(input.credentialId, { consistent: true });
    if (!credential)
      throw new PermanentError('CREDENTIAL.NOT_FOUND', `credential ${input.credentialId} does not exist`, {
        status: 404,
        expose: true,
      });
    if (credential.claimedAt)
      throw new PermanentError(
        'CREDENTIAL.ALREADY_CLAIMED',
        'the credential has been claimed; there is nothing to resend',
        {
          status: 409,
          expose: true,
        },
      );
    const address = input.email === undefined ? credential.recipientEmail : emailSchema.safeParse(input.email.trim());
    if (typeof address !== 'string' && !address.success)
      throw new PermanentError('EMAIL.INVALID', 'email must be an email address', { status: 400, expose: true });
    const recipientEmail = typeof address === 'string' ? address : address.data;

    const now = clock.now();
    const oldToken = await deriveClaimToken(claimKey, credential.id, credential.claimNonce);
    const claimNonce = newClaimNonce();
    const token = await deriveClaimToken(claimKey, credential.id, claimNonce);
    const claim = {
      tokenHash: hashClaimToken(token),
      credentialId: credential.id,
      expiresAt: new Date(now.getTime() + claimTokenTtlDays * DAY_MS).toISOString(),
    };
    const outcome = await store.replaceClaim(credential, {
      oldTokenHash: hashClaimToken(oldToken),
      claim,
      claimNonce,
      recipientEmail,
      // The console finds credentials by learner key (a MAC of the address): it follows a corrected address.
      learnerKey: await learnerKey(claimKey, recipientEmail),
    });
    if (outcome === 'conflict')
      throw new PermanentError('CREDENTIAL.CHANGED', 'the credential was claimed or resent meanwhile; try again', {
        status: 409,
        expose: true,
      });

    const updated = { ...credential, claimNonce, recipientEmail, emailStatus: 'pending' as const };
    const composed = await compose(updated);
    if ('skip' in composed) throw new Error('a claim link minted a moment ago reads as used');
    const { messageId } = await mailer.send(composed.email);
    const reminder = credential.remindersStoppedAt ? undefined : firstReminder(credential.id, now, reminderDays);
    await store.markEmailSent(credential.id, clock.now().toISOString(), reminder);
    return { credentialId: credential.id, messageId, expiresAt: claim.expiresAt };
  };
};
