import type { ChangeStatus } from '#services/status/app/change-status.ts';

/**
 * The operator's credential status commands (`laurel credential revoke | suspend | reinstate | status`), over the
 * status use cases so they can be tested without AWS.
 *
 *   credential revoke <id> [<id> …] --reason "…"      one credential, or up to 1,000 at once
 *   credential revoke --achievement <id> --reason "…"  every credential of an achievement, page by page
 *   credential revoke --event <eventId> --reason "…"   every credential an AchievementEarned event led to
 *   credential suspend <id> --reason "…"               (a suspendable achievement's credentials only)
 *   credential reinstate <id> --reason "…"             (lifts a suspension; revocation is final)
 *   credential status <id>                             its status history (who, when, why)
 */
export interface CredentialCommandInput {
  verb: string | undefined;
  ids: string[];
  reason?: string | undefined;
  achievement?: string | undefined;
  event?: string | undefined;
  actor: string;
}

const USAGE =
  'usage: credential revoke <id>… | --achievement <id> | --event <eventId> --reason "…"; ' +
  'credential suspend|reinstate <id> --reason "…"; credential status <id>';

/** Runs one command; `progress` hears about each page of a bulk revocation. Returns what to print. */
export const runCredentialCommand = async (
  status: ChangeStatus,
  input: CredentialCommandInput,
  progress: (line: string) => void = () => {},
): Promise<string> => {
  const { verb, ids, reason = '', actor } = input;
  switch (verb) {
    case 'revoke': {
      const selectors = [ids.length > 0, input.achievement !== undefined, input.event !== undefined];
      if (selectors.filter(Boolean).length !== 1) throw new Error(USAGE);
      if (ids.length === 1) {
        const result = await status.revoke({ credentialId: ids[0] as string, reason, actor });
        return result.outcome === 'changed'
          ? `credential ${result.credentialId} revoked`
          : `credential ${result.credentialId} was already revoked (${result.at})`;
      }
      const selector = input.achievement
        ? { achievementId: input.achievement }
        : input.event
          ? { sourceEventId: input.event }
          : { credentialIds: ids };
      const total = {
        matched: 0,
        revoked: 0,
        alreadyRevoked: 0,
        notFound: [] as string[],
        notRevocable: [] as string[],
      };
      let cursor: string | undefined;
      do {
        const page = await status.revokeMany({ selector, reason, actor, ...(cursor ? { cursor } : {}) });
        total.matched += page.matched;
        total.revoked += page.revoked;
        total.alreadyRevoked += page.alreadyRevoked;
        total.notFound.push(...page.notFound);
        total.notRevocable.push(...page.notRevocable);
        cursor = page.nextCursor;
        if (cursor) progress(`… ${total.matched} credentials so far (${total.revoked} revoked)`);
      } while (cursor);
      return [
        `${total.revoked} revoked, ${total.alreadyRevoked} already revoked, of ${total.matched} matched`,
        ...(total.notFound.length ? [`not found: ${total.notFound.join(', ')}`] : []),
        ...(total.notRevocable.length ? [`no revocation entry (cannot revoke): ${total.notRevocable.join(', ')}`] : []),
      ].join('\n');
    }
    case 'suspend':
    case 'reinstate': {
      if (ids.length !== 1 || input.achievement || input.event) throw new Error(USAGE);
      const result = await status[verb]({ credentialId: ids[0] as string, reason, actor });
      const done = verb === 'suspend' ? 'suspended' : 'reinstated';
      return result.outcome === 'changed'
        ? `credential ${result.credentialId} ${done}`
        : `credential ${result.credentialId} was already ${done} (${result.at})`;
    }
    case 'status': {
      if (ids.length !== 1) throw new Error(USAGE);
      const history = await status.history(ids[0] as string);
      if (history.length === 0) return `credential ${ids[0]}: no status changes`;
      return history.map((c) => `${c.at}  ${c.action.padEnd(9)} by ${c.actor}: ${c.reason}`).join('\n');
    }
    default:
      throw new Error(USAGE);
  }
};
