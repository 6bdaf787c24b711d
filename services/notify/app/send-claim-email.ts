import { deriveClaimToken, hashClaimToken } from '#shared/claim-tokens.ts';
import type { CredentialIssuedV1 } from '#shared/events/credential-issued.v1.ts';
import { urls } from '#shared/routes/manifest.ts';
import { PermanentError } from '#shared/runtime/errors.ts';
import { renderClaimEmail } from '../domain/claim-email.ts';
import type { ClaimKey, Clock, Mailer, NotifyStore } from './ports.ts';

export interface SendClaimEmailDeps {
  store: NotifyStore;
  claimKey: ClaimKey;
  mailer: Mailer;
  clock: Clock;
  publicBaseUrl: string;
}

export type SendResult = { sent: true; messageId: string } | { sent: false; reason: string };

interface Named {
  name?: unknown;
  description?: unknown;
}
const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

/**
 * Emails the learner the claim link of a newly issued credential.
 *
 * 1. Load the credential (consistently: it was written a moment ago); skip if its email already went out.
 * 2. Re-derive the claim token from the claim key and the credential's nonce, and check it is the stored one.
 * 3. Render HTML and text from the signed document (achievement and issuer as issued), send, mark sent.
 */
export const makeSendClaimEmail = ({ store, claimKey, mailer, clock, publicBaseUrl }: SendClaimEmailDeps) => {
  const links = urls(publicBaseUrl);
  return async (event: CredentialIssuedV1): Promise<SendResult> => {
    const credential = await store.getCredential(event.credentialId, { consistent: true });
    if (!credential)
      throw new PermanentError('CREDENTIAL.NOT_FOUND', `credential ${event.credentialId} does not exist`);
    if (credential.emailStatus === 'sent') return { sent: false, reason: 'already sent' };

    const token = await deriveClaimToken(claimKey, credential.id, credential.claimNonce);
    const claim = await store.getClaim(hashClaimToken(token));
    if (!claim) throw new PermanentError('CLAIM.NOT_FOUND', `credential ${credential.id} has no claim token`);
    if (claim.usedAt) return { sent: false, reason: 'already claimed' };

    const doc = credential.document as { issuer?: Named; credentialSubject?: { achievement?: Named } };
    const achievement = doc.credentialSubject?.achievement ?? {};
    const email = renderClaimEmail({
      recipientName: credential.recipientName,
      achievementName: str(achievement.name) ?? 'your achievement',
      achievementDescription: str(achievement.description),
      issuerName: str(doc.issuer?.name) ?? 'Your institution',
      claimUrl: links.claim(token),
      expiresAt: claim.expiresAt,
    });
    const { messageId } = await mailer.send({
      ...email,
      to: credential.recipientEmail,
      tags: { credentialId: credential.id, issuer: credential.issuerSlug },
    });
    await store.markEmailSent(credential.id, clock.now().toISOString());
    return { sent: true, messageId };
  };
};
