import { achievementEarnedV1Detail } from '#shared/events/achievement-earned.v1.ts';
import type { DryRunPromotedV1 } from '#shared/events/dry-run-promoted.v1.ts';
import { PermanentError } from '#shared/runtime/errors.ts';
import type { AwardInput } from './award-credential.ts';
import type { AwardStore, Clock } from './ports.ts';

export interface PromoteDeps {
  store: Pick<AwardStore, 'getDryRun' | 'moveDryRun'>;
  /** The award path (`makeAwardCredential(...).issue`). */
  issue: (rule: { id: string; achievementId: string }, input: AwardInput, now: Date) => Promise<string>;
  clock: Clock;
}

export type PromoteResult =
  | { outcome: 'promoted'; credentialId: string }
  | { outcome: 'skipped'; reason: string }
  | { outcome: 'failed'; code: string; reason: string };

/**
 * Issues a dry-run award an admin promoted, exactly as the rule would have issued it live.
 *
 * 1. The dry-run record must be `promoting` (the console set it so before publishing); `promoted` is a redelivery.
 * 2. Its event goes through the award path under the original event id and rule id: the issuance marker makes a
 *    second promotion (or the same event arriving live later) find the first credential instead of issuing again.
 * 3. The record becomes `promoted` with the credential id, or `failed` with why (an achievement no longer
 *    published, say); transient errors are rethrown, so the queue retries.
 */
export const makePromoteDryRun =
  ({ store, issue, clock }: PromoteDeps) =>
  async (detail: DryRunPromotedV1): Promise<PromoteResult> => {
    const record = await store.getDryRun(detail.eventId, detail.ruleId);
    if (!record) return { outcome: 'skipped', reason: 'no such dry-run record' };
    if (record.status === 'promoted') return { outcome: 'skipped', reason: 'already promoted' };
    if (record.status !== 'promoting') return { outcome: 'skipped', reason: `the record is ${record.status}` };
    const now = clock.now();
    try {
      const event = achievementEarnedV1Detail.safeParse(record.event);
      if (!event.success) throw new PermanentError('DRYRUN.INVALID', 'the recorded event is no longer readable');
      const credentialId = await issue(
        { id: record.ruleId, achievementId: record.achievementId },
        { source: record.source, event: event.data },
        now,
      );
      await store.moveDryRun(record.eventId, record.ruleId, ['promoting'], 'promoted', {
        credentialId,
        promotedAt: now.toISOString(),
      });
      return { outcome: 'promoted', credentialId };
    } catch (error) {
      if (!(error instanceof PermanentError)) throw error;
      await store.moveDryRun(record.eventId, record.ruleId, ['promoting'], 'failed', { reason: error.message });
      return { outcome: 'failed', code: error.code, reason: error.message };
    }
  };
