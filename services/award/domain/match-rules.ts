import type { AchievementEarnedV1 } from '#shared/events/achievement-earned.v1.ts';
import type { Rule } from '#shared/tables/app-table.ts';

type Result = NonNullable<AchievementEarnedV1['activity']['result']>;

export type RuleVerdict = { rule: Rule; fires: true } | { rule: Rule; fires: false; reason: string };

const same = (a: string, b: string) => a.localeCompare(b, undefined, { sensitivity: 'accent' }) === 0;

/** Why a rule's conditions do not hold for this result, or undefined when they all do. */
export const unmetCondition = (rule: Rule, result: Result | undefined): string | undefined => {
  const { minScore, grades, statuses } = rule.conditions;
  if (minScore !== undefined) {
    if (result?.score === undefined) return `rule ${rule.id} needs a score of at least ${minScore}; the event has none`;
    if (result.score < minScore) return `rule ${rule.id} needs a score of at least ${minScore}; got ${result.score}`;
  }
  if (grades) {
    if (!result?.grade || !grades.some((g) => same(g, result.grade as string)))
      return `rule ${rule.id} needs a grade in [${grades.join(', ')}]; got ${result?.grade ?? 'none'}`;
  }
  if (statuses) {
    if (!result?.status || !statuses.some((s) => same(s, result.status as string)))
      return `rule ${rule.id} needs a status in [${statuses.join(', ')}]; got ${result?.status ?? 'none'}`;
  }
  return undefined;
};

/** Why the event's `occurredAt` falls outside the rule's date window (inclusive bounds), or undefined. */
export const outsideWindow = (rule: Rule, occurredAt: string): string | undefined => {
  const { occurredFrom, occurredUntil } = rule.conditions;
  const at = Date.parse(occurredAt);
  if (occurredFrom !== undefined && at < Date.parse(occurredFrom))
    return `rule ${rule.id} counts events from ${occurredFrom}; this one occurred at ${occurredAt}`;
  if (occurredUntil !== undefined && at > Date.parse(occurredUntil))
    return `rule ${rule.id} counts events until ${occurredUntil}; this one occurred at ${occurredAt}`;
  return undefined;
};

/** Evaluates every rule that matched the event's key, saying for each why it does not fire. */
export const evaluateRules = (rules: readonly Rule[], event: AchievementEarnedV1): RuleVerdict[] =>
  rules.map((rule) => {
    if (rule.mode === 'off') return { rule, fires: false, reason: `rule ${rule.id} is off` };
    const unmet = outsideWindow(rule, event.occurredAt) ?? unmetCondition(rule, event.activity.result);
    return unmet ? { rule, fires: false, reason: unmet } : { rule, fires: true };
  });
