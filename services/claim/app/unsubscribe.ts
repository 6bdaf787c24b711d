import { readUnsubscribeToken } from '#shared/claim-tokens.ts';
import type { ClaimKey, Clock, UnsubscribeStore } from './ports.ts';

export type UnsubscribeResult = { state: 'unsubscribed'; credentialId: string } | { state: 'unknown' };

/**
 * Stops the claim reminders of one credential, from the signed link every reminder carries (no login).
 *
 * 1. The token must be one we signed for a credential id; anything else is unknown, without a table read.
 * 2. The credential remembers the opt-out and its pending reminder is removed, in one write; doing it twice is fine.
 */
export const makeUnsubscribe =
  ({ store, claimKey, clock }: { store: UnsubscribeStore; claimKey: ClaimKey; clock: Clock }) =>
  async (token: string): Promise<UnsubscribeResult> => {
    const credentialId = await readUnsubscribeToken(claimKey, token);
    if (!credentialId) return { state: 'unknown' };
    const credential = await store.getCredential(credentialId);
    if (!credential) return { state: 'unknown' };
    await store.stopReminders(credentialId, clock.now().toISOString());
    return { state: 'unsubscribed', credentialId };
  };

/** Checks an unsubscribe link without acting on it (the page a GET shows; link scanners must not unsubscribe). */
export const makeCheckUnsubscribe =
  ({ claimKey }: { claimKey: ClaimKey }) =>
  async (token: string): Promise<boolean> =>
    (await readUnsubscribeToken(claimKey, token)) !== undefined;
