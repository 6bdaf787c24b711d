import type { z } from 'zod';
import { learnerKey } from '#shared/learner-key.ts';
import { urls } from '#shared/routes/manifest.ts';
import { HttpError } from '#shared/runtime/errors.ts';
import type { CredentialStateRecord } from '#shared/tables/app-table.ts';
import { type Actor, canSeeLearners } from '../domain/actor.ts';
import type { CredentialState, credentialSearchInput, eventQuery } from '../domain/schemas.ts';
import { notFound } from './issuers.ts';
import type { ClaimKey, Clock, ConsoleStore } from './ports.ts';

const DAY_MS = 86_400_000;

/** Where a credential stands, for the console: revoked and suspended first, then claim and email. */
export const credentialState = (c: CredentialStateRecord): CredentialState => {
  if (c.revokedAt) return 'revoked';
  if (c.suspendedAt && (!c.reinstatedAt || c.reinstatedAt < c.suspendedAt)) return 'suspended';
  if (c.claimedAt) return 'claimed';
  if (c.emailStatus === 'sent') return 'emailed';
  if (c.emailStatus === 'pending') return 'pending';
  return 'email-failed';
};

/**
 * A day window [from, to] in UTC: `to` defaults to today, `from` to `defaultDays` before it; at most `maxDays` long.
 */
export const dayWindow = (q: { from?: string; to?: string }, now: Date, defaultDays: number, maxDays: number) => {
  const to = q.to ? new Date(`${q.to}T00:00:00Z`) : now;
  const from = q.from ? new Date(`${q.from}T00:00:00Z`) : new Date(to.getTime() - (defaultDays - 1) * DAY_MS);
  if (from > to) throw new HttpError(400, 'REQUEST.INVALID', 'from: must not be after to');
  if ((to.getTime() - from.getTime()) / DAY_MS >= maxDays)
    throw new HttpError(400, 'REQUEST.INVALID', `from: the window may span at most ${maxDays} days`);
  return { from, to };
};

export interface ActivityDeps {
  store: ConsoleStore;
  claimKey: ClaimKey;
  clock: Clock;
  publicBaseUrl: string;
  /** notify's resend use case: a new claim nonce and token (the old link stops working) and the email again. */
  resend: (input: { credentialId: string; email?: string }) => Promise<{ credentialId: string; expiresAt: string }>;
}

/** The event log, and credentials: search (by learner email, achievement, issuer, state), one, resend its claim email. */
export const makeActivity = ({ store, claimKey, clock, publicBaseUrl, resend }: ActivityDeps) => {
  const links = urls(publicBaseUrl);

  /** What the console shows of a credential (the signed document only on the single view). */
  const summary = (c: CredentialStateRecord) => ({
    id: c.id,
    url: links.credential(c.id),
    issuerSlug: c.issuerSlug,
    achievementId: c.achievementId,
    achievementVersion: c.achievementVersion ?? 1,
    ruleId: c.ruleId,
    sourceEventId: c.sourceEventId,
    recipientEmail: c.recipientEmail,
    ...(c.recipientName ? { recipientName: c.recipientName } : {}),
    issuedAt: c.issuedAt,
    state: credentialState(c),
    emailStatus: c.emailStatus,
    ...(c.emailSentAt ? { emailSentAt: c.emailSentAt } : {}),
    ...(c.claimedAt ? { claimedAt: c.claimedAt } : {}),
    ...(c.revokedAt ? { revokedAt: c.revokedAt } : {}),
    ...(c.suspendedAt ? { suspendedAt: c.suspendedAt } : {}),
  });

  const loadVisible = async (actor: Actor, id: string) => {
    const credential = await store.getCredential(id);
    // Someone who may not see it learns nothing, not even that it exists.
    if (!credential || !canSeeLearners(actor, credential.issuerSlug)) throw notFound('credential');
    return credential;
  };

  return {
    /** The event log: one event by id, or a window of days (newest first), optionally one outcome only. */
    events: async (q: z.output<typeof eventQuery>) => {
      if (q.eventId) {
        const record = await store.getEvent(q.eventId);
        return { events: record ? [record] : [] };
      }
      const { from, to } = dayWindow(q, clock.now(), 7, 31);
      const page = await store.eventLog({
        from,
        to,
        limit: q.limit,
        ...(q.cursor && { cursor: q.cursor }),
        ...(q.outcome && { keep: (r) => r.outcome === q.outcome }),
      });
      return { events: page.items, ...(page.cursor && { cursor: page.cursor }) };
    },

    /**
     * Credential search. By email: the email becomes its learner key (an HMAC) and one Query finds that learner's
     * credentials. Otherwise a window of issue days. Issuer admins see their issuers' credentials only.
     */
    searchCredentials: async (actor: Actor, q: z.output<typeof credentialSearchInput>) => {
      const keep = (c: CredentialStateRecord) =>
        canSeeLearners(actor, c.issuerSlug) &&
        (!q.achievementId || c.achievementId === q.achievementId) &&
        (!q.issuerSlug || c.issuerSlug === q.issuerSlug) &&
        (!q.state || credentialState(c) === q.state);
      if (q.email) {
        const all = await store.credentialsOfLearner(await learnerKey(claimKey, q.email));
        return { credentials: all.filter(keep).slice(0, q.limit).map(summary) };
      }
      const { from, to } = dayWindow(q, clock.now(), 30, 92);
      const page = await store.credentialLog({ from, to, limit: q.limit, keep, ...(q.cursor && { cursor: q.cursor }) });
      return { credentials: page.items.map(summary), ...(page.cursor && { cursor: page.cursor }) };
    },

    credential: async (actor: Actor, id: string) => {
      const credential = await loadVisible(actor, id);
      return { ...summary(credential), document: credential.document };
    },

    /** Resends the claim email: a new link (the old one stops working), optionally to a corrected address. */
    resend: async (actor: Actor, id: string, email?: string) => {
      await loadVisible(actor, id);
      const result = await resend({ credentialId: id, ...(email ? { email } : {}) });
      return { credentialId: result.credentialId, expiresAt: result.expiresAt };
    },
  };
};
