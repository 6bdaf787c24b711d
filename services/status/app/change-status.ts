import { MAX_CHANGES_PER_COMMIT } from '#shared/adapters/status-store.dynamodb.ts';
import { urls } from '#shared/routes/manifest.ts';
import { PermanentError } from '#shared/runtime/errors.ts';
import type {
  CredentialStateRecord,
  StatusAction,
  StatusChangeRecord,
  StatusEntry,
  StatusPurpose,
} from '#shared/tables/app-table.ts';
import type { Clock, StatusChangeStore, StatusLookups, StatusPublisher } from './ports.ts';

export interface ChangeStatusDeps {
  store: StatusChangeStore;
  lookups: Pick<StatusLookups, 'getEvent'>;
  publisher: StatusPublisher;
  clock: Clock;
  publicBaseUrl: string;
}

/** Who asks and why: both go to the audit record, neither to the bus. */
export interface StatusCommand {
  credentialId: string;
  /** Why, for the audit record: 1–500 characters. */
  reason: string;
  /** Who: `admin:<user sub or email>`, `cli:<os user>`, …: 1–200 characters. */
  actor: string;
}

export interface StatusChangeResult {
  credentialId: string;
  action: StatusAction;
  /** `changed` now, or `unchanged` because it already was (its event is announced again, with the original time). */
  outcome: 'changed' | 'unchanged';
  /** When the change took effect (the earlier time when unchanged). */
  at: string;
}

/** Which credentials a bulk revocation takes: explicit ids, every credential of an achievement, or of one event. */
export type BulkSelector = { credentialIds: string[] } | { achievementId: string } | { sourceEventId: string };

export interface BulkRevokeInput {
  selector: BulkSelector;
  reason: string;
  actor: string;
  /** For `achievementId`: where the previous call stopped (its `nextCursor`). */
  cursor?: string;
  /** For `achievementId`: credentials per call (default 500, at most 1,000). */
  limit?: number;
}

export interface BulkRevokeResult {
  /** Credentials this call looked at. */
  matched: number;
  revoked: number;
  alreadyRevoked: number;
  /** Ids with no credential (unknown ids; for an achievement, indexes whose credential was never stored). */
  notFound: string[];
  /** Credentials without a revocation entry (issued before status lists), which cannot be revoked in a list. */
  notRevocable: string[];
  /** Present when more remain (achievement selector): pass it back as `cursor`. */
  nextCursor?: string;
}

export const MAX_BULK_IDS = 1_000;

const PURPOSE: Record<StatusAction, StatusPurpose> = {
  revoke: 'revocation',
  suspend: 'suspension',
  reinstate: 'suspension',
};

// biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

const invalid = (code: string, message: string) => new PermanentError(code, message, { status: 400 });

const checkText = (value: unknown, name: string, max: number): string => {
  if (typeof value !== 'string') throw invalid('STATUS.INVALID_INPUT', `${name} is required`);
  const text = value.trim();
  if (text.length === 0 || text.length > max)
    throw invalid('STATUS.INVALID_INPUT', `${name} must be 1 to ${max} characters`);
  if (CONTROL.test(text)) throw invalid('STATUS.INVALID_INPUT', `${name} must not contain control characters`);
  return text;
};

const checkId = (value: unknown): string => {
  if (typeof value !== 'string' || !/^[A-Za-z0-9_-]{1,128}$/.test(value))
    throw invalid('CREDENTIAL.INVALID_ID', 'a credential id is 1 to 128 letters, digits, - or _');
  return value;
};

/** How a credential stands for an action: change it, it already is so, or it cannot be done (with why). */
type Verdict =
  | { kind: 'change'; entry: StatusEntry }
  | { kind: 'already'; at: string }
  | { kind: 'refused'; code: string; status: number; message: string };

const judge = (record: CredentialStateRecord, action: StatusAction): Verdict => {
  const entry = record.statusEntries?.find((e) => e.purpose === PURPOSE[action]);
  const id = record.id;
  switch (action) {
    case 'revoke':
      if (record.revokedAt) return { kind: 'already', at: record.revokedAt };
      if (!entry)
        return {
          kind: 'refused',
          code: 'STATUS.NOT_REVOCABLE',
          status: 409,
          message: `credential ${id} has no revocation status entry (it was issued before status lists)`,
        };
      return { kind: 'change', entry };
    case 'suspend':
      if (record.revokedAt)
        return { kind: 'refused', code: 'CREDENTIAL.REVOKED', status: 409, message: `credential ${id} is revoked` };
      if (record.suspendedAt) return { kind: 'already', at: record.suspendedAt };
      if (!entry)
        return {
          kind: 'refused',
          code: 'STATUS.NOT_SUSPENDABLE',
          status: 409,
          message: `credential ${id} has no suspension status entry (its achievement is not suspendable)`,
        };
      return { kind: 'change', entry };
    case 'reinstate':
      if (record.revokedAt)
        return {
          kind: 'refused',
          code: 'STATUS.REVOCATION_FINAL',
          status: 409,
          message: `credential ${id} is revoked, and revocation is final: issue a new credential instead`,
        };
      if (record.suspendedAt && entry) return { kind: 'change', entry };
      if (record.reinstatedAt) return { kind: 'already', at: record.reinstatedAt };
      return {
        kind: 'refused',
        code: 'CREDENTIAL.NOT_SUSPENDED',
        status: 409,
        message: `credential ${id} is not suspended`,
      };
  }
};

interface Applied {
  changed: { record: CredentialStateRecord; at: string }[];
  already: { record: CredentialStateRecord; at: string }[];
  refused: { record: CredentialStateRecord; verdict: Extract<Verdict, { kind: 'refused' }> }[];
}

/**
 * Revocation, suspension and reinstatement of credentials (W3C Bitstring Status List), one or many at a time.
 *
 * 1. Load the credentials and judge each: change it, it already is so (announced again), or refuse with why.
 *    Revocation is final; suspension is reversible; a credential can be revoked before it is claimed.
 * 2. Group the changes by status list and commit each group (at most 49 credentials a transaction): the bits, each
 *    credential (conditioned on its current status) and an audit record (who, when, why, what), all or nothing.
 *    A credential changed meanwhile by someone else is judged again.
 * 3. Announce `CredentialRevoked` / `CredentialSuspended` / `CredentialReinstated` (ids only). Re-running a command
 *    is safe: what was done is not done twice, and its announcement goes out again with its original time.
 */
export const makeChangeStatus = ({ store, lookups, publisher, clock, publicBaseUrl }: ChangeStatusDeps) => {
  const links = urls(publicBaseUrl);

  const apply = async (
    records: CredentialStateRecord[],
    action: StatusAction,
    who: { actor: string; reason: string },
  ): Promise<Applied> => {
    const result: Applied = { changed: [], already: [], refused: [] };
    let pending = records;
    for (let round = 0; pending.length > 0; round++) {
      if (round >= 5) throw new Error(`status of ${pending.length} credentials kept changing during ${action}`);
      const at = clock.now().toISOString();
      const byList = new Map<string, { record: CredentialStateRecord; change: StatusChangeRecord }[]>();
      for (const record of pending) {
        const verdict = judge(record, action);
        if (verdict.kind === 'already') result.already.push({ record, at: verdict.at });
        else if (verdict.kind === 'refused') result.refused.push({ record, verdict });
        else {
          const { entry } = verdict;
          const group = byList.get(entry.listId) ?? [];
          group.push({
            record,
            change: {
              credentialId: record.id,
              action,
              at,
              actor: who.actor,
              reason: who.reason,
              purpose: entry.purpose,
              listId: entry.listId,
              index: entry.index,
            },
          });
          byList.set(entry.listId, group);
        }
      }
      const retry: string[] = [];
      for (const [listId, group] of byList) {
        for (let i = 0; i < group.length; i += MAX_CHANGES_PER_COMMIT) {
          const chunk = group.slice(i, i + MAX_CHANGES_PER_COMMIT);
          const out = await store.commitStatusChange({ listId, action, changes: chunk.map((c) => c.change) });
          if (out.committed) result.changed.push(...chunk.map((c) => ({ record: c.record, at })));
          else retry.push(...chunk.map((c) => c.record.id));
        }
      }
      pending = retry.length > 0 ? await store.getCredentials(retry) : [];
    }
    await announce(action, [...result.changed, ...result.already]);
    if (action === 'reinstate') await reannounceUnsent(result.changed.map((c) => c.record));
    return result;
  };

  const announce = async (action: StatusAction, items: { record: CredentialStateRecord; at: string }[]) => {
    if (items.length === 0) return;
    const details = items.map(({ record, at }) => ({
      version: 1 as const,
      credentialId: record.id,
      credentialUrl: links.credential(record.id),
      issuerSlug: record.issuerSlug,
      achievementId: record.achievementId,
      sourceEventId: record.sourceEventId,
      changedAt: at,
    }));
    if (action === 'revoke')
      await publisher.revoked(details.map((d) => ({ ...d, statusPurpose: 'revocation' as const })));
    else {
      const suspension = details.map((d) => ({ ...d, statusPurpose: 'suspension' as const }));
      await (action === 'suspend' ? publisher.suspended(suspension) : publisher.reinstated(suspension));
    }
  };

  /** A credential suspended before its claim email went out gets the email once reinstated (notify skips it meanwhile). */
  const reannounceUnsent = async (records: CredentialStateRecord[]) => {
    const unsent = records.filter((r) => r.emailStatus === 'pending' && !r.claimedAt);
    if (unsent.length === 0) return;
    await publisher.credentialIssued(
      unsent.map((r) => ({
        version: 1,
        credentialId: r.id,
        credentialUrl: links.credential(r.id),
        issuerSlug: r.issuerSlug,
        achievementId: r.achievementId,
        ruleId: r.ruleId,
        sourceEventId: r.sourceEventId,
        issuedAt: r.issuedAt,
      })),
    );
  };

  const single =
    (action: StatusAction) =>
    async (command: StatusCommand): Promise<StatusChangeResult> => {
      const credentialId = checkId(command.credentialId);
      const who = { reason: checkText(command.reason, 'reason', 500), actor: checkText(command.actor, 'actor', 200) };
      const [record] = await store.getCredentials([credentialId]);
      if (!record)
        throw new PermanentError('CREDENTIAL.NOT_FOUND', `credential ${credentialId} not found`, { status: 404 });
      const { changed, already, refused } = await apply([record], action, who);
      const [problem] = refused;
      if (problem)
        throw new PermanentError(problem.verdict.code, problem.verdict.message, { status: problem.verdict.status });
      const done = changed[0] ?? already[0];
      if (!done) throw new Error(`${action} of ${credentialId} had no outcome`);
      return { credentialId, action, outcome: changed.length > 0 ? 'changed' : 'unchanged', at: done.at };
    };

  /** The ids a selector names (one page of them for an achievement), validated. */
  const select = async (input: BulkRevokeInput): Promise<{ ids: string[]; nextCursor?: string }> => {
    const { selector } = input;
    if ('credentialIds' in selector) {
      if (!Array.isArray(selector.credentialIds) || selector.credentialIds.length === 0)
        throw invalid('STATUS.INVALID_INPUT', 'credentialIds must be a non-empty list');
      if (selector.credentialIds.length > MAX_BULK_IDS)
        throw invalid('STATUS.INVALID_INPUT', `at most ${MAX_BULK_IDS} credential ids a call`);
      return { ids: [...new Set(selector.credentialIds.map(checkId))] };
    }
    if ('achievementId' in selector) {
      const achievementId = checkText(selector.achievementId, 'achievementId', 128);
      const limit = input.limit ?? 500;
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_BULK_IDS)
        throw invalid('STATUS.INVALID_INPUT', `limit must be 1 to ${MAX_BULK_IDS}`);
      const page = await store.credentialIdsOfAchievement(achievementId, {
        limit,
        ...(input.cursor ? { cursor: input.cursor } : {}),
      });
      return { ids: page.ids, ...(page.cursor ? { nextCursor: page.cursor } : {}) };
    }
    if ('sourceEventId' in selector) {
      const eventId = checkText(selector.sourceEventId, 'sourceEventId', 128);
      const record = await lookups.getEvent(eventId);
      if (!record) throw new PermanentError('EVENT.NOT_FOUND', `event ${eventId} not found`, { status: 404 });
      return { ids: record.credentialIds };
    }
    throw invalid('STATUS.INVALID_INPUT', 'select credentialIds, achievementId or sourceEventId');
  };

  return {
    /** Revokes one credential, for good. Throws 404 for an unknown id, 409 when it has no revocation entry. */
    revoke: single('revoke'),
    /** Suspends one credential (its achievement must be suspendable). 409 when revoked or not suspendable. */
    suspend: single('suspend'),
    /** Lifts a suspension. 409 when revoked (final) or not suspended. */
    reinstate: single('reinstate'),
    /**
     * Revokes many credentials: by ids (≤ 1,000 a call), every credential of an event, or an achievement's page by
     * page (`nextCursor`). Unknown and unrevocable ones are listed, not fatal; re-running is harmless.
     */
    revokeMany: async (input: BulkRevokeInput): Promise<BulkRevokeResult> => {
      const who = { reason: checkText(input.reason, 'reason', 500), actor: checkText(input.actor, 'actor', 200) };
      const { ids, nextCursor } = await select(input);
      const records = await store.getCredentials(ids);
      const found = new Set(records.map((r) => r.id));
      const { changed, already, refused } = await apply(records, 'revoke', who);
      return {
        matched: ids.length,
        revoked: changed.length,
        alreadyRevoked: already.length,
        notFound: ids.filter((id) => !found.has(id)),
        notRevocable: refused.map((r) => r.record.id),
        ...(nextCursor ? { nextCursor } : {}),
      };
    },
    /** A credential's status history (audit records), oldest first. */
    history: async (credentialId: string) => store.statusChangesOf(checkId(credentialId)),
  };
};

export type ChangeStatus = ReturnType<typeof makeChangeStatus>;
