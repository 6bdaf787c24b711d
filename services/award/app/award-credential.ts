import { randomBytes, randomUUID } from 'node:crypto';
import { deriveClaimToken, hashClaimToken, newClaimNonce } from '#shared/claim-tokens.ts';
import { toDateTimeStamp } from '#shared/credentials/date-time.ts';
import { signingMethod } from '#shared/credentials/issuer-keys.ts';
import { buildOpenBadgeCredential } from '#shared/credentials/open-badge.ts';
import { credentialStatusOf } from '#shared/credentials/status-list.ts';
import type { AchievementEarnedV1 } from '#shared/events/achievement-earned.v1.ts';
import { learnerKey } from '#shared/learner-key.ts';
import { urls } from '#shared/routes/manifest.ts';
import { PermanentError } from '#shared/runtime/errors.ts';
import type { EventOutcome, Rule, StatusPurpose } from '#shared/tables/app-table.ts';
import { evaluateRules } from '../domain/match-rules.ts';
import type { Rejection } from '../domain/read-event.ts';
import { makeAdvancePathways } from './pathways.ts';
import type { AwardStore, ClaimKey, Clock, CredentialSigner, IssuedPublisher, StatusAllocator } from './ports.ts';

export interface AwardInput {
  /** The EventBridge `source` the producer used. */
  source: string;
  event: AchievementEarnedV1;
}

export interface AwardResult {
  outcome: EventOutcome;
  credentialIds: string[];
  reasons: string[];
}

export interface AwardDeps {
  store: AwardStore;
  signer: CredentialSigner;
  claimKey: ClaimKey;
  publisher: IssuedPublisher;
  /** Random, never-shared Bitstring Status List indexes (revocation, and suspension when the achievement allows). */
  statusAllocator: StatusAllocator;
  clock: Clock;
  publicBaseUrl: string;
  claimTokenTtlDays: number;
}

const DAY_MS = 86_400_000;

/**
 * Turns a valid `AchievementEarned` into credentials.
 *
 * 1. The event's source must be one the institution allows.
 * 2. Rules keyed on (source, activity kind, activity external id) are evaluated against the result.
 * 3. For each live rule that fires: allocate its status list indexes, build the Open Badge, sign it, store it with its claim token hash and issuance
 *    marker in one transaction, then publish `CredentialIssued`. A redelivery finds the marker and only republishes.
 * 4. The event's outcome is recorded with every reason, so nothing is dropped silently.
 */
export const makeAwardCredential = (deps: AwardDeps) => {
  const { store, signer, claimKey, publisher, statusAllocator, clock, publicBaseUrl, claimTokenTtlDays } = deps;
  const links = urls(publicBaseUrl);

  /**
   * Issues `rule.achievementId` to the event's learner: the award path every issuance takes (a live rule's event, a
   * promoted dry run, a pathway), advancing the learner's pathways afterwards.
   */
  const issueFor = async (
    rule: Pick<Rule, 'id' | 'achievementId'>,
    input: AwardInput,
    now: Date,
    depth = 0,
  ): Promise<string> => {
    const { event } = input;
    const achievement = await store.getAchievement(rule.achievementId);
    if (!achievement)
      throw new PermanentError(
        'ACHIEVEMENT.NOT_FOUND',
        `rule ${rule.id} names achievement ${rule.achievementId}, which does not exist`,
      );
    if (achievement.status !== 'published')
      throw new PermanentError(
        'ACHIEVEMENT.NOT_PUBLISHED',
        `achievement ${achievement.id} is ${achievement.status}, not published`,
      );
    const issuer = await store.getIssuer(achievement.issuerSlug);
    if (!issuer) throw new PermanentError('ISSUER.NOT_FOUND', `issuer ${achievement.issuerSlug} does not exist`);

    const credentialId = randomUUID();
    const issuedAt = toDateTimeStamp(now);
    // The active Ed25519 key and the issuer's DID (did:web, or did:key in did:key mode): rotation-aware.
    const method = signingMethod(issuer, publicBaseUrl);
    const issuerDid = method.issuerDid;
    // Status indexes come before the signature: the credential names them, so revocation works from the first second.
    const purposes: StatusPurpose[] = achievement.suspendable ? ['revocation', 'suspension'] : ['revocation'];
    const statusEntries = await Promise.all(
      purposes.map((purpose) =>
        statusAllocator.allocateStatusIndex({
          issuerSlug: issuer.slug,
          purpose,
          credentialId,
          achievementId: achievement.id,
          at: issuedAt,
        }),
      ),
    );
    const unsigned = buildOpenBadgeCredential({
      credentialId,
      credentialUrl: links.credential(credentialId),
      achievementUrl: links.achievement(issuer.slug, achievement.id),
      issuer,
      issuerDid,
      achievement,
      recipientEmail: event.learner.email,
      salt: randomBytes(16).toString('hex'),
      validFrom: issuedAt,
      validUntil: achievement.validForDays
        ? toDateTimeStamp(new Date(now.getTime() + achievement.validForDays * DAY_MS))
        : undefined,
      evidence: event.evidence,
      result: event.activity.result,
      credentialStatus: credentialStatusOf(statusEntries, links.statusList),
    });
    const document = await signer.sign(unsigned, {
      keyRef: method.keyRef,
      verificationMethod: method.verificationMethod,
      created: issuedAt,
    });

    const learner = await learnerKey(claimKey, event.learner.email);
    const claimNonce = newClaimNonce();
    const token = await deriveClaimToken(claimKey, credentialId, claimNonce);
    const saved = await store.saveIssuance(
      {
        id: credentialId,
        issuerSlug: issuer.slug,
        achievementId: achievement.id,
        ruleId: rule.id,
        sourceEventId: event.eventId,
        recipientEmail: event.learner.email,
        recipientName: event.learner.name,
        achievementVersion: achievement.version ?? 1,
        learnerKey: learner,
        ...(event.learner.locale ? { recipientLocale: event.learner.locale } : {}),
        document,
        issuedAt,
        statusEntries,
        claimNonce,
        emailStatus: 'pending',
      },
      {
        tokenHash: hashClaimToken(token),
        credentialId,
        expiresAt: new Date(now.getTime() + claimTokenTtlDays * DAY_MS).toISOString(),
      },
    );
    const id = saved.created ? credentialId : saved.existingCredentialId;
    const stored = saved.created ? { issuedAt } : await store.getCredential(id);
    await publisher.credentialIssued({
      version: 1,
      credentialId: id,
      credentialUrl: links.credential(id),
      issuerSlug: issuer.slug,
      achievementId: achievement.id,
      ruleId: rule.id,
      sourceEventId: event.eventId,
      issuedAt: stored?.issuedAt ?? issuedAt,
    });
    await pathways({ achievementId: achievement.id, learner: event.learner, learnerKey: learner, now, depth });
    return id;
  };
  const pathways = makeAdvancePathways({ store, issue: issueFor });

  const award = async (input: AwardInput): Promise<AwardResult> => {
    const { source, event } = input;
    const now = clock.now();
    const result = await decide();
    await store.recordEvent({
      eventId: event.eventId,
      source,
      detailType: 'AchievementEarned',
      outcome: result.outcome,
      reasonCode: result.reasonCode,
      reason: result.reasons.join('; ') || undefined,
      credentialIds: result.credentialIds,
      receivedAt: now.toISOString(),
    });
    return { outcome: result.outcome, credentialIds: result.credentialIds, reasons: result.reasons };

    async function decide(): Promise<AwardResult & { reasonCode?: string }> {
      if (!(await store.isSourceAllowed(source)))
        return {
          outcome: 'rejected',
          reasonCode: 'SOURCE.UNKNOWN',
          credentialIds: [],
          reasons: [`source ${source} is not an allowed source`],
        };

      const { kind, externalId } = event.activity;
      const rules = await store.findRules(source, kind, externalId);
      if (rules.length === 0)
        return {
          outcome: 'no-match',
          reasonCode: 'RULE.NO_MATCH',
          credentialIds: [],
          reasons: [`no rule for source ${source}, kind ${kind}, external id ${externalId}`],
        };

      const verdicts = evaluateRules(rules, event);
      const reasons = verdicts.flatMap((v) => (v.fires ? [] : [v.reason]));
      const live = verdicts.filter((v) => v.fires && v.rule.mode === 'live').map((v) => v.rule);
      const dryRun = verdicts.filter((v) => v.fires && v.rule.mode === 'dry-run').map((v) => v.rule);
      reasons.push(...dryRun.map((r) => `rule ${r.id} is in dry-run: would award ${r.achievementId}`));
      // The pilot: what a dry-run rule would award is kept for review (and promotion), never issued or emailed.
      for (const rule of dryRun)
        await store.recordDryRun({
          eventId: event.eventId,
          ruleId: rule.id,
          achievementId: rule.achievementId,
          source,
          event,
          status: 'pending',
          recordedAt: now.toISOString(),
        });

      const credentialIds: string[] = [];
      let reasonCode: string | undefined;
      for (const rule of live) {
        try {
          credentialIds.push(await issueFor(rule, input, now));
        } catch (error) {
          if (!(error instanceof PermanentError)) throw error;
          reasonCode ??= error.code;
          reasons.push(error.message);
        }
      }
      if (credentialIds.length > 0) return { outcome: 'issued', credentialIds, reasons };
      if (reasonCode) return { outcome: 'rejected', reasonCode, credentialIds, reasons };
      if (dryRun.length > 0) return { outcome: 'dry-run', credentialIds, reasons };
      return { outcome: 'no-match', reasonCode: 'RULE.CONDITIONS_UNMET', credentialIds, reasons };
    }
  };
  /** `award(input)` evaluates an event; `award.issue` is the award path itself (promotions use it). */
  return Object.assign(award, { issue: issueFor });
};

/** Records an event that could not be read as `AchievementEarned` v1, with why. Nothing is issued. */
export const makeRecordRejection =
  ({ store, clock }: { store: Pick<AwardStore, 'recordRejection'>; clock: Clock }) =>
  async ({ deliveryId, ...record }: Rejection) => {
    await store.recordRejection(
      { ...record, outcome: 'rejected', credentialIds: [], receivedAt: clock.now().toISOString() },
      deliveryId,
    );
  };
