import { randomBytes } from 'node:crypto';
import type { AppStore } from '#shared/adapters/app-store.dynamodb.ts';
import { type AchievementEarnedV1, achievementEarnedV1Detail } from '#shared/events/achievement-earned.v1.ts';
import { HttpError } from '#shared/runtime/errors.ts';
import type { Achievement } from '#shared/tables/app-table.ts';
import { type Actor, canManage } from '../domain/actor.ts';
import type { Clock, ConsoleStore, PromotionPublisher } from './ports.ts';

/** At most this many rows an upload. */
export const MAX_BULK_ROWS = 2_000;
/** The event source bulk awards name in their records (Laurel's own, never a producer's). */
export const BULK_SOURCE = 'laurel.console';
const COLUMNS = ['email', 'name', 'achievement', 'score', 'evidenceurl'] as const;

/** RFC 4180 CSV: quoted fields (with "" for a quote), commas and newlines inside quotes, CRLF or LF. */
export const parseCsv = (text: string): string[][] => {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const src = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (quoted) {
      if (c === '"' && src[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"' && cell === '') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && src[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows.filter((r) => r.some((c) => c.trim() !== ''));
};

export interface BulkRow {
  /** 1-based line of the data row (the header is line 1, so the first row is line 2). */
  line: number;
  email: string;
  name: string;
  achievementId: string;
  problems: string[];
  event?: AchievementEarnedV1;
}

export interface BulkAwardDeps {
  store: ConsoleStore;
  awards: Pick<AppStore, 'recordDryRun' | 'getDryRun'>;
  publisher: PromotionPublisher;
  clock: Clock;
}

/**
 * CSV bulk award: a per-row validation report before anything is issued, then issuance through the award path.
 *
 * 1. validate: parse the CSV (email, name, achievement, optional score and evidenceUrl), build each row's
 *    `AchievementEarned` detail and check it with the event's own schema, and check the achievement is published and
 *    the actor administers its issuer. Nothing is written.
 * 2. issue: validate again (the CSV comes back from the report page), then for each valid row record a would-be
 *    award as `promoting` under a job's rule id and publish `DryRunAwardPromoted`: the award function issues it
 *    through the award path exactly as a promoted dry run (one credential per row, at most, however often it runs).
 * 3. progress: the job's records, counted by status (promoting, promoted, failed with why).
 */
export const makeBulkAward = ({ store, awards, publisher, clock }: BulkAwardDeps) => {
  const validate = async (actor: Actor, csv: string): Promise<BulkRow[]> => {
    const [header, ...data] = parseCsv(csv);
    if (!header) throw new HttpError(400, 'BULK.EMPTY', 'the CSV is empty');
    const index = Object.fromEntries(COLUMNS.map((c) => [c, header.findIndex((h) => h.trim().toLowerCase() === c)]));
    const missing = ['email', 'name', 'achievement'].filter((c) => index[c] === -1);
    if (missing.length > 0)
      throw new HttpError(400, 'BULK.HEADER', `the first line must name the columns; missing: ${missing.join(', ')}`);
    if (data.length > MAX_BULK_ROWS) throw new HttpError(400, 'BULK.TOO_MANY', `at most ${MAX_BULK_ROWS} rows`);
    const achievements = new Map<string, Achievement | undefined>();
    const at = clock.now().toISOString();
    const rows: BulkRow[] = [];
    for (const [i, cells] of data.entries()) {
      const cell = (c: (typeof COLUMNS)[number]) => (index[c] === -1 ? '' : (cells[index[c] ?? -1] ?? '').trim());
      const row: BulkRow = {
        line: i + 2,
        email: cell('email'),
        name: cell('name'),
        achievementId: cell('achievement'),
        problems: [],
      };
      if (!achievements.has(row.achievementId))
        achievements.set(
          row.achievementId,
          row.achievementId ? await store.getAchievement(row.achievementId) : undefined,
        );
      const achievement = achievements.get(row.achievementId);
      if (!achievement || !canManage(actor, achievement.issuerSlug))
        row.problems.push(`achievement: no achievement "${row.achievementId}" that you administer`);
      else if (achievement.status !== 'published')
        row.problems.push(`achievement: ${row.achievementId} is not published`);
      const score = cell('score');
      if (score !== '' && !Number.isFinite(Number(score))) row.problems.push('score: must be a number');
      const evidence = cell('evidenceurl');
      const detail = achievementEarnedV1Detail.safeParse({
        version: 1,
        eventId: 'bulk-row',
        occurredAt: at,
        learner: { email: row.email, ...(row.name && { name: row.name }) },
        activity: {
          kind: 'bulk-award',
          externalId: row.achievementId || 'none',
          ...(score !== '' && Number.isFinite(Number(score)) && { result: { score: Number(score) } }),
        },
        ...(evidence && { evidence: [{ url: evidence }] }),
      });
      if (!row.name) row.problems.push('name: must not be empty');
      if (!detail.success)
        for (const issue of detail.error.issues) {
          const path = issue.path.join('.');
          const name =
            path === 'learner.email'
              ? 'email'
              : path === 'learner.name'
                ? 'name'
                : path.startsWith('evidence')
                  ? 'evidenceUrl'
                  : path;
          row.problems.push(`${name}: ${issue.message}`);
        }
      else if (row.problems.length === 0) row.event = detail.data;
      rows.push(row);
    }
    return rows;
  };

  return {
    validate,

    issue: async (actor: Actor, csv: string) => {
      const rows = await validate(actor, csv);
      const valid = rows.filter((r) => r.event);
      if (valid.length === 0) throw new HttpError(400, 'BULK.NOTHING_VALID', 'no row is valid; nothing was issued');
      const job = randomBytes(6).toString('hex');
      const ruleId = `bulk-${job}`;
      const at = clock.now().toISOString();
      for (const row of valid) {
        const eventId = `${ruleId}-${row.line}`;
        const event = { ...(row.event as AchievementEarnedV1), eventId };
        await awards.recordDryRun({
          eventId,
          ruleId,
          achievementId: row.achievementId,
          source: BULK_SOURCE,
          event,
          status: 'promoting',
          recordedAt: at,
          promotedAt: at,
          promotedBy: { sub: actor.sub },
        });
        await publisher.dryRunPromoted({ version: 1, eventId, ruleId, promotedAt: at, promotedBy: actor.sub });
      }
      return { job, rows: rows.length, queued: valid.length, skipped: rows.length - valid.length };
    },

    /** A job's progress: rows are lines 2..rows+1 of its CSV; a line with no record was not valid (not issued). */
    progress: async (job: string, rows: number) => {
      if (!/^[0-9a-f]{12}$/.test(job) || !Number.isInteger(rows) || rows < 1 || rows > MAX_BULK_ROWS)
        throw new HttpError(404, 'BULK.NOT_FOUND', 'no such bulk award');
      const ruleId = `bulk-${job}`;
      const lines = Array.from({ length: rows }, (_, i) => i + 2);
      const records = (await Promise.all(lines.map((l) => awards.getDryRun(`${ruleId}-${l}`, ruleId)))).flatMap(
        (r, i) => (r ? [{ line: lines[i] ?? 0, record: r }] : []),
      );
      if (records.length === 0) throw new HttpError(404, 'BULK.NOT_FOUND', 'no such bulk award');
      const count = (status: string) => records.filter((r) => r.record.status === status).length;
      return {
        total: records.length,
        issuing: count('promoting'),
        issued: count('promoted'),
        failed: records
          .filter((r) => r.record.status === 'failed')
          .map((r) => ({ line: r.line, reason: r.record.reason ?? '' })),
      };
    },
  };
};
