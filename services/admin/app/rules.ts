import type { z } from 'zod';
import { needed } from '#services/award/app/pathways.ts';
import { evaluateRules } from '#services/award/domain/match-rules.ts';
import { describeIssues } from '#services/award/domain/read-event.ts';
import { AchievementEarnedV1 } from '#shared/events/achievement-earned.v1.ts';
import { learnerKey } from '#shared/learner-key.ts';
import { HttpError } from '#shared/runtime/errors.ts';
import type { AnyRule, DryRunRecord } from '#shared/tables/app-table.ts';
import { type Actor, assertCanManage, canManage, refOf } from '../domain/actor.ts';
import type { dryRunQuery, RuleInput, RuleUpdateInput, ruleQuery, ruleTestInput } from '../domain/schemas.ts';
import { notFound } from './issuers.ts';
import type { AwardPathStore, ClaimKey, Clock, ConsoleStore, PromotionPublisher } from './ports.ts';

export interface RulesDeps {
  store: ConsoleStore;
  award: AwardPathStore;
  publisher: PromotionPublisher;
  claimKey: ClaimKey;
  clock: Clock;
}

const conflict = () =>
  new HttpError(409, 'RULE.CHANGED', 'the rule changed while you were working on it; reload and retry');

/**
 * Issuance rules: match rules (source, activity kind, external id, plus conditions) and stacking rules (all of, or
 * N of, a set of achievements → a pathway achievement), each live, dry-run (the pilot) or off; the rule tester; the
 * dry-run records and their promotion; and a learner's progress on a pathway.
 */
export const makeRules = ({ store, award, publisher, claimKey, clock }: RulesDeps) => {
  const loadRule = async (id: string) => {
    const rule = await store.getRule(id);
    if (!rule) throw notFound('rule');
    return rule;
  };

  /** The achievement a rule awards (or requires) must exist, and the actor must administer its issuer. */
  const checkAchievement = async (actor: Actor, id: string, field: string) => {
    const achievement = await store.getAchievement(id);
    if (!achievement) throw new HttpError(400, 'REQUEST.INVALID', `${field}: achievement ${id} does not exist`);
    assertCanManage(actor, achievement.issuerSlug);
    return achievement;
  };

  const checkRule = async (actor: Actor, rule: RuleInput | (RuleUpdateInput & { id: string })) => {
    await checkAchievement(actor, rule.achievementId, 'achievementId');
    if (rule.type === 'match') {
      if (!(await award.isSourceAllowed(rule.source)))
        throw new HttpError(400, 'SOURCE.UNKNOWN', `source: ${rule.source} is not an allowed source; add it first`);
    } else {
      for (const id of rule.requires) await checkAchievement(actor, id, 'requires');
    }
  };

  const toStored = (rule: RuleInput | (RuleUpdateInput & { id: string }), createdAt: string, at: string): AnyRule =>
    rule.type === 'stack'
      ? { ...rule, createdAt, updatedAt: at }
      : { ...rule, conditions: rule.conditions, createdAt, updatedAt: at };

  return {
    list: async (q: z.output<typeof ruleQuery>) => {
      const rules = await store.listRules();
      return {
        rules: rules
          .filter(
            (r) =>
              (!q.achievementId ||
                r.achievementId === q.achievementId ||
                (r.type === 'stack' && r.requires.includes(q.achievementId))) &&
              (!q.type || (r.type ?? 'match') === q.type) &&
              (!q.mode || r.mode === q.mode) &&
              (!q.source || (r.type !== 'stack' && r.source === q.source)),
          )
          .sort((a, b) => a.id.localeCompare(b.id)),
      };
    },

    get: async (id: string) => loadRule(id),

    create: async (actor: Actor, input: RuleInput) => {
      await checkRule(actor, input);
      const at = clock.now().toISOString();
      const rule = toStored(input, at, at);
      if ((await store.saveRule(rule)) === 'conflict')
        throw new HttpError(409, 'RULE.EXISTS', `rule ${input.id} exists`);
      return rule;
    },

    update: async (actor: Actor, id: string, input: RuleUpdateInput) => {
      const previous = await loadRule(id);
      if ((previous.type ?? 'match') !== input.type)
        throw new HttpError(
          409,
          'RULE.TYPE_CHANGE',
          `rule ${id} is a ${previous.type ?? 'match'} rule; create a new rule instead`,
        );
      await checkAchievement(actor, previous.achievementId, 'achievementId');
      await checkRule(actor, { ...input, id });
      const rule = toStored(
        { ...input, id },
        previous.createdAt ?? clock.now().toISOString(),
        clock.now().toISOString(),
      );
      if ((await store.saveRule(rule, previous)) === 'conflict') throw conflict();
      return rule;
    },

    /**
     * The rule tester: what would happen to this event, without recording or issuing anything.
     * 1. The detail is read with the contract (every problem named). 2. The source must be allowed. 3. The rules on its
     * match key are evaluated exactly as award does, each with why it would or would not fire, and whether its
     * achievement could be awarded. Stacking rules are not evaluated (they follow issued credentials).
     */
    test: async (input: z.output<typeof ruleTestInput>) => {
      const parsed = AchievementEarnedV1.detail.safeParse(input.detail);
      if (!parsed.success)
        return { valid: false, problems: describeIssues(parsed.error), outcome: 'rejected', rules: [] };
      const event = parsed.data;
      if (!(await award.isSourceAllowed(input.source)))
        return {
          valid: true,
          sourceAllowed: false,
          outcome: 'rejected',
          reason: `source ${input.source} is not an allowed source`,
          rules: [],
        };
      const { kind, externalId } = event.activity;
      const matched = await award.findRules(input.source, kind, externalId);
      const verdicts = evaluateRules(matched, event);
      const rules = await Promise.all(
        verdicts.map(async (v) => {
          const achievement = await award.getAchievement(v.rule.achievementId);
          const awardable = achievement?.status === 'published';
          return {
            ruleId: v.rule.id,
            mode: v.rule.mode,
            achievementId: v.rule.achievementId,
            fires: v.fires,
            ...(v.fires ? {} : { reason: v.reason }),
            achievementStatus: achievement?.status ?? 'missing',
            wouldIssue: v.fires && v.rule.mode === 'live' && awardable,
            wouldRecordDryRun: v.fires && v.rule.mode === 'dry-run',
            ...(v.fires && v.rule.mode === 'live' && !awardable
              ? { problem: `achievement ${v.rule.achievementId} is ${achievement?.status ?? 'missing'}, not published` }
              : {}),
          };
        }),
      );
      const outcome =
        matched.length === 0
          ? 'no-match'
          : rules.some((r) => r.wouldIssue)
            ? 'issued'
            : rules.some((r) => r.problem)
              ? 'rejected'
              : rules.some((r) => r.wouldRecordDryRun)
                ? 'dry-run'
                : 'no-match';
      return {
        valid: true,
        sourceAllowed: true,
        outcome,
        ...(matched.length === 0
          ? { reason: `no rule for source ${input.source}, kind ${kind}, external id ${externalId}` }
          : {}),
        rules,
      };
    },

    dryRuns: async (actor: Actor, id: string, q: z.output<typeof dryRunQuery>) => {
      const rule = await loadRule(id);
      await checkAchievement(actor, rule.achievementId, 'achievementId');
      return store.listDryRuns(id, {
        limit: q.limit,
        ...(q.cursor && { cursor: q.cursor }),
        ...(q.status && { status: q.status }),
      });
    },

    /**
     * Promotes would-be awards to real ones.
     * 1. The records (the given ones, or every pending one up to 100) move to `promoting`, one conditional write each,
     *    so a record is handed on once. 2. A `DryRunAwardPromoted` event per record goes on the bus; the award
     *    function issues it through the award path (same signing, storage, claim email), idempotently.
     */
    promote: async (actor: Actor, id: string, eventIds?: string[]) => {
      const rule = await loadRule(id);
      await checkAchievement(actor, rule.achievementId, 'achievementId');
      const records: (DryRunRecord | { eventId: string; missing: true })[] = eventIds
        ? await Promise.all(
            eventIds.map(async (e) => (await award.getDryRun(e, id)) ?? { eventId: e, missing: true as const }),
          )
        : (await store.listDryRuns(id, { limit: 100, status: 'pending' })).items;
      const promoted: string[] = [];
      const skipped: { eventId: string; reason: string }[] = [];
      const at = clock.now().toISOString();
      for (const record of records) {
        if ('missing' in record) {
          skipped.push({ eventId: record.eventId, reason: 'no dry-run record of this rule for this event' });
          continue;
        }
        const moved = await award.moveDryRun(record.eventId, id, ['pending', 'failed', 'promoting'], 'promoting', {
          promotedAt: at,
          promotedBy: refOf(actor),
        });
        if (!moved) {
          skipped.push({ eventId: record.eventId, reason: `it is ${record.status}` });
          continue;
        }
        await publisher.dryRunPromoted({
          version: 1,
          eventId: record.eventId,
          ruleId: id,
          promotedAt: at,
          promotedBy: actor.sub,
        });
        promoted.push(record.eventId);
      }
      return { promoted, skipped };
    },

    /** A learner's progress on a stacking rule, looked up by email (turned into the learner key, never stored). */
    progress: async (actor: Actor, id: string, email: string) => {
      const rule = await loadRule(id);
      if (rule.type !== 'stack') throw new HttpError(409, 'RULE.NOT_STACK', `rule ${id} is not a stacking rule`);
      if (!canManage(actor, (await checkAchievement(actor, rule.achievementId, 'achievementId')).issuerSlug))
        throw notFound('rule');
      const progress = await award.getProgress(id, await learnerKey(claimKey, email));
      const earned = (progress?.earned ?? []).filter((a) => rule.requires.includes(a));
      return {
        ruleId: id,
        requires: rule.requires,
        needed: needed(rule),
        earned,
        missing: rule.requires.filter((a) => !earned.includes(a)),
        complete: earned.length >= needed(rule),
        ...(progress?.credentialId ? { credentialId: progress.credentialId } : {}),
      };
    },
  };
};
