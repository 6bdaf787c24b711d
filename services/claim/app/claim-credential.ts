import { hashClaimToken, isWellFormedClaimToken } from '#shared/claim-tokens.ts';
import type { CredentialRecord } from '#shared/tables/app-table.ts';
import type { ClaimStore, Clock } from './ports.ts';

export type ClaimState =
  | { state: 'unknown' }
  | { state: 'expired'; expiresAt: string }
  | { state: 'used'; credentialId: string }
  /** Revoked before it was claimed: the link can no longer accept it (revocation is final). */
  | { state: 'revoked'; revokedAt: string }
  /** Suspended before it was claimed: the link accepts it again once reinstated, while it lasts. */
  | { state: 'suspended'; expiresAt: string }
  | { state: 'open'; credential: CredentialRecord; expiresAt: string };

/**
 * Looks up a claim link.
 *
 * 1. A malformed token is unknown without a table read.
 * 2. The stored hash says whether it exists, was used, or has expired.
 * 3. A revoked (or suspended) credential cannot be accepted, and the page says so.
 * 4. An open link comes with its credential, for the page that shows the badge before the learner accepts.
 */
export const makeViewClaim =
  ({ store, clock }: { store: ClaimStore; clock: Clock }) =>
  async (token: string): Promise<ClaimState> => {
    if (!isWellFormedClaimToken(token)) return { state: 'unknown' };
    const claim = await store.getClaim(hashClaimToken(token));
    if (!claim) return { state: 'unknown' };
    if (claim.usedAt) return { state: 'used', credentialId: claim.credentialId };
    if (claim.expiresAt <= clock.now().toISOString()) return { state: 'expired', expiresAt: claim.expiresAt };
    const credential = await store.getCredential(claim.credentialId);
    if (!credential) return { state: 'unknown' };
    if (credential.revokedAt) return { state: 'revoked', revokedAt: credential.revokedAt };
    if (credential.suspendedAt) return { state: 'suspended', expiresAt: claim.expiresAt };
    return { state: 'open', credential, expiresAt: claim.expiresAt };
  };

export type AcceptResult = { accepted: true; credentialId: string } | Exclude<ClaimState, { state: 'open' }>;

/**
 * Accepts a claim: the token is spent and the credential marked claimed in one transaction, so two clicks (or two
 * devices) can never both redeem it.
 */
export const makeAcceptClaim = ({ store, clock }: { store: ClaimStore; clock: Clock }) => {
  const view = makeViewClaim({ store, clock });
  return async (token: string): Promise<AcceptResult> => {
    const current = await view(token);
    if (current.state !== 'open') return current;
    const outcome = await store.redeemClaim(
      { tokenHash: hashClaimToken(token), credentialId: current.credential.id, expiresAt: current.expiresAt },
      clock.now().toISOString(),
    );
    if (outcome === 'redeemed') return { accepted: true, credentialId: current.credential.id };
    // Lost a race with another accept, or expired in between: say which.
    const after = await view(token);
    return after.state === 'open' ? { state: 'unknown' } : after;
  };
};
