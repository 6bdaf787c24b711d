import type { AchievementEarnedV1 } from '#shared/events/achievement-earned.v1.ts';
import { PermanentError } from '#shared/runtime/errors.ts';
import type { StackRule } from '#shared/tables/app-table.ts';
import type { AwardInput } from './award-credential.ts';
import type { AwardStore } from './ports.ts';

/** Pathways of pathways are followed this deep, and no deeper (a rule cycle cannot loop). */
export const MAX_PATHWAY_DEPTH = 3;

/** The source pathway awards are recorded under. */
export const PATHWAY_SOURCE = 'laurel.pathway';

export interface PathwayDeps {
  store: Pick<AwardStore, 'findStackRules' | 'addProgress' | 'completeProgress' | 'recordDryRun'>;
  /** The award path: issues `rule.achievementId` for the (synthetic) event; returns the credential id. */
  issue: (
    rule: Pick<StackRule, 'id' | 'achievementId'>,
    input: AwardInput,
    now: Date,
    depth: number,
  ) => Promise<string>;
}

export interface Earned {
  achievementId: string;
  learner: AchievementEarnedV1['learner'];
  /** HMAC of the learner's email (shared/learner-key.ts): progress is keyed by it, never by the email. */
  learnerKey: string;
  now: Date;
  /** How many pathway awards led here. */
  depth: number;
}

/** How many of `requires` a stacking rule needs. */
export const needed = (rule: Pick<StackRule, 'requires' | 'threshold'>) =>
  Math.min(rule.threshold ?? rule.requires.length, rule.requires.length);

/**
 * The synthetic event a pathway award is issued for: its id is the issuance marker's event id, so a learner gets a
 * pathway once however often its requirements are re-earned or redelivered.
 */
export const pathwayEvent = (rule: Pick<StackRule, 'id'>, earned: Earned): AchievementEarnedV1 => ({
  version: 1,
  eventId: `pathway:${rule.id}:${earned.learnerKey}`,
  occurredAt: earned.now.toISOString(),
  learner: earned.learner,
  activity: { kind: 'program-completed', externalId: rule.id },
});

/**
 * After a credential is issued: advances every stacking rule that counts its achievement.
 *
 * 1. Find the stacking rules that require the achievement (one Query); skip those that are off.
 * 2. Add the achievement to the learner's progress on each (a set, so re-earning counts once).
 * 3. When the progress reaches the rule's threshold: a live rule issues the pathway achievement through the award
 *    path (which advances pathways in turn, up to MAX_PATHWAY_DEPTH); a dry-run rule records the would-be award.
 *    A pathway that cannot be issued (not published) is reported, and does not undo the credential that led here.
 */
export const makeAdvancePathways = ({ store, issue }: PathwayDeps) => {
  return async (earned: Earned): Promise<string[]> => {
    if (earned.depth >= MAX_PATHWAY_DEPTH) return [];
    const reasons: string[] = [];
    const rules = (await store.findStackRules(earned.achievementId)).filter((r) => r.mode !== 'off');
    for (const rule of rules) {
      const progress = await store.addProgress(
        rule.id,
        earned.learnerKey,
        earned.achievementId,
        earned.now.toISOString(),
      );
      const count = progress.earned.filter((id) => rule.requires.includes(id)).length;
      if (count < needed(rule)) continue;
      const event = pathwayEvent(rule, earned);
      if (rule.mode === 'dry-run') {
        await store.recordDryRun({
          eventId: event.eventId,
          ruleId: rule.id,
          achievementId: rule.achievementId,
          source: PATHWAY_SOURCE,
          event,
          status: 'pending',
          recordedAt: earned.now.toISOString(),
        });
        continue;
      }
      try {
        const credentialId = await issue(rule, { source: PATHWAY_SOURCE, event }, earned.now, earned.depth + 1);
        await store.completeProgress(rule.id, earned.learnerKey, credentialId);
      } catch (error) {
        if (!(error instanceof PermanentError)) throw error;
        reasons.push(`pathway ${rule.id}: ${error.message}`);
      }
    }
    return reasons;
  };
};
