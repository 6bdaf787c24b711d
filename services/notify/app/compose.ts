import { deriveClaimToken, hashClaimToken, unsubscribeToken } from '#shared/claim-tokens.ts';
import { urls } from '#shared/routes/manifest.ts';
import { PermanentError } from '#shared/runtime/errors.ts';
import type { ClaimRecord, CredentialRecord } from '#shared/tables/app-table.ts';
import { renderClaimEmail } from '../domain/claim-email.ts';
import type { ClaimKey, NotifyStore, OutgoingEmail } from './ports.ts';

interface Named {
  name?: unknown;
  description?: unknown;
}

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
const DAY_MS = 86_400_000;

export type Composed =
  | { email: OutgoingEmail; claim: ClaimRecord }
  | { skip: 'already claimed' | 'revoked' | 'suspended' };

/**
 * The claim email (or a reminder) of a credential, ready to send: the token re-derived from the claim key and the
 * credential's nonce (never stored), checked against the stored hash; texts from the signed document (achievement
 * and issuer as issued); the issuer's branding and language; the unsubscribe link of its reminders.
 */
export const makeComposeClaimEmail = (deps: { store: NotifyStore; claimKey: ClaimKey; publicBaseUrl: string }) => {
  const links = urls(deps.publicBaseUrl);
  return async (credential: CredentialRecord, opts: { reminderAt?: Date } = {}): Promise<Composed> => {
    // No claim email (nor reminder) for a revoked credential; a suspended one gets its email once reinstated.
    if (credential.revokedAt) return { skip: 'revoked' };
    if (credential.suspendedAt) return { skip: 'suspended' };
    const token = await deriveClaimToken(deps.claimKey, credential.id, credential.claimNonce);
    const claim = await deps.store.getClaim(hashClaimToken(token));
    if (!claim) throw new PermanentError('CLAIM.NOT_FOUND', `credential ${credential.id} has no claim token`);
    if (claim.usedAt) return { skip: 'already claimed' };
    const issuer = await deps.store.getIssuer(credential.issuerSlug);
    const doc = credential.document as { issuer?: Named; credentialSubject?: { achievement?: Named } };
    const achievement = doc.credentialSubject?.achievement ?? {};
    const unsubscribe = links.unsubscribe(await unsubscribeToken(deps.claimKey, credential.id));
    const email = renderClaimEmail({
      recipientName: credential.recipientName,
      achievementName: str(achievement.name) ?? 'your achievement',
      achievementDescription: str(achievement.description),
      issuerName: str(doc.issuer?.name) ?? issuer?.name ?? 'Your institution',
      claimUrl: links.claim(token),
      expiresAt: claim.expiresAt,
      branding: issuer?.branding,
      locales: [credential.recipientLocale, issuer?.branding?.locale],
      unsubscribeUrl: unsubscribe,
      ...(opts.reminderAt
        ? {
            reminder: {
              daysSinceAward: Math.max(
                1,
                Math.round((opts.reminderAt.getTime() - Date.parse(credential.issuedAt)) / DAY_MS),
              ),
            },
          }
        : {}),
    });
    return {
      claim,
      email: {
        ...email,
        to: credential.recipientEmail,
        tags: {
          credentialId: credential.id,
          issuer: credential.issuerSlug,
          kind: opts.reminderAt ? 'reminder' : 'claim',
        },
      },
    };
  };
};

/** The first reminder after an email sent at `sentAt`, per the schedule (days after the email); none if empty. */
export const firstReminder = (credentialId: string, sentAt: Date, scheduleDays: readonly number[]) => {
  const days = scheduleDays[0];
  return days === undefined
    ? undefined
    : { credentialId, step: 0, dueAt: new Date(sentAt.getTime() + days * DAY_MS).toISOString() };
};
