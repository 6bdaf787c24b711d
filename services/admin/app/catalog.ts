import type { z } from 'zod';
import { HttpError } from '#shared/runtime/errors.ts';
import type {
  Achievement,
  AchievementContent,
  AchievementVersion,
  AuditAction,
  AuditRecord,
} from '#shared/tables/app-table.ts';
import { type Actor, assertCanManage, forbidden, refOf } from '../domain/actor.ts';
import * as review from '../domain/review.ts';
import type { AchievementContentInput, achievementInput, achievementQuery } from '../domain/schemas.ts';
import { notFound } from './issuers.ts';
import type { Clock, ConsoleStore } from './ports.ts';

/** Every content field, present (possibly undefined) so that a PUT replaces the whole content. */
const contentOf = (input: AchievementContentInput): AchievementContent => ({
  name: input.name,
  description: input.description,
  criteria: input.criteria,
  image: input.image,
  achievementType: input.achievementType,
  validForDays: input.validForDays,
  alignments: input.alignments,
  tags: input.tags,
  level: input.level,
  creditsAvailable: input.creditsAvailable,
  fieldOfStudy: input.fieldOfStudy,
});

const pickContent = (v: AchievementContent): AchievementContent => contentOf(v as AchievementContentInput);

const changed = () =>
  new HttpError(409, 'ACHIEVEMENT.CHANGED', 'the achievement changed while you were working on it; reload and retry');

export interface CatalogDeps {
  store: ConsoleStore;
  clock: Clock;
  /** Approvals a version needs (REVIEW_APPROVALS_REQUIRED). */
  approvalsRequired: number;
}

/**
 * The achievement taxonomy and its committee review. An achievement is a catalog item (what award reads: the
 * published version's content, `status` draft/published/retired) plus its versions and an audit trail.
 *
 * - create: version 1, a draft; the catalog item shows it until something is published.
 * - edit: a draft is edited in place; a published version is never changed: editing makes version N+1, a draft,
 *   while N stays published and awardable; credentials record the version they were issued under.
 * - review: submit → approve × REVIEW_APPROVALS_REQUIRED (reviewers who did not author it) → publish (the catalog
 *   item takes the version's content; the previous published version is superseded) → retire (nothing more is
 *   awarded). Every step and comment is audited: who, what, when.
 */
export const makeCatalog = ({ store, clock, approvalsRequired }: CatalogDeps) => {
  const now = () => clock.now().toISOString();

  const loadHead = async (id: string) => {
    const head = await store.getAchievement(id);
    if (!head) throw notFound('achievement');
    return head;
  };

  /**
   * The newest version. Achievements created before versions existed (the CLI, the demo seed) have none stored:
   * their catalog item stands for version 1.
   */
  const loadLatest = async (head: Achievement): Promise<{ version: AchievementVersion; stored: boolean }> => {
    const n = head.latestVersion ?? head.version ?? 1;
    const stored = await store.getVersion(head.id, n);
    if (stored) return { version: stored, stored: true };
    const at = head.updatedAt ?? head.createdAt ?? now();
    return {
      stored: false,
      version: {
        ...pickContent(head),
        id: head.id,
        issuerSlug: head.issuerSlug,
        version: n,
        status: head.status,
        authors: [{ sub: 'system' }],
        approvals: [],
        rev: 0,
        createdAt: at,
        updatedAt: at,
      },
    };
  };

  const audit = (
    v: AchievementVersion,
    action: AuditAction,
    actor: Actor,
    at: string,
    comment?: string,
  ): AuditRecord => ({
    achievementId: v.id,
    version: v.version,
    action,
    actor: refOf(actor),
    at,
    ...(comment ? { comment } : {}),
  });

  /** Writes the new latest version (and head changes) or answers 409 if anyone got there first. */
  const save = async (
    head: Achievement,
    latest: { version: AchievementVersion; stored: boolean },
    updated: AchievementVersion,
    entries: AuditRecord[],
    headChanges: Partial<Achievement> = {},
    extraVersions: { item: AchievementVersion; expectRev: number | 'absent' }[] = [],
  ) => {
    const at = updated.updatedAt;
    const outcome = await store.writeAchievement({
      head: {
        item: { ...head, ...headChanges, latestVersion: updated.version, latestStatus: updated.status, updatedAt: at },
        expect: 'present',
      },
      versions: [{ item: updated, expectRev: latest.stored ? latest.version.rev : 'absent' }, ...extraVersions],
      audit: entries,
    });
    if (outcome === 'conflict') throw changed();
    return view(await loadHead(head.id));
  };

  const view = async (head: Achievement) => {
    const versions = await store.listVersions(head.id);
    return { achievement: head, versions: versions.length > 0 ? versions : [(await loadLatest(head)).version] };
  };

  const matches = (a: Achievement, q: z.output<typeof achievementQuery>) => {
    if (q.issuer && a.issuerSlug !== q.issuer) return false;
    if (q.status && a.status !== q.status) return false;
    if (q.reviewStatus && (a.latestStatus ?? a.status) !== q.reviewStatus) return false;
    if (q.type && a.achievementType !== q.type) return false;
    if (q.tag && !(a.tags ?? []).some((t) => t.toLowerCase() === q.tag?.toLowerCase())) return false;
    if (q.q) {
      const needle = q.q.toLowerCase();
      const hay = [a.id, a.name, a.description, a.fieldOfStudy, a.level, ...(a.tags ?? [])].join(' ').toLowerCase();
      if (!hay.includes(needle)) return false;
    }
    return true;
  };

  return {
    /** The catalog, filtered and sorted by name. */
    list: async (q: z.output<typeof achievementQuery>) => {
      const all = await store.listAchievements();
      return {
        achievements: all
          .filter((a) => matches(a, q))
          .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id)),
      };
    },

    get: async (id: string) => view(await loadHead(id)),

    history: async (id: string) => {
      await loadHead(id);
      return { entries: await store.listAudit(id) };
    },

    create: async (actor: Actor, input: z.output<typeof achievementInput>) => {
      assertCanManage(actor, input.issuerSlug);
      if (!(await store.getIssuer(input.issuerSlug))) throw notFound('issuer');
      const at = now();
      const content = contentOf(input);
      const version: AchievementVersion = {
        ...content,
        id: input.id,
        issuerSlug: input.issuerSlug,
        version: 1,
        status: 'draft',
        authors: [refOf(actor)],
        approvals: [],
        rev: 0,
        createdAt: at,
        updatedAt: at,
      };
      const head: Achievement = {
        ...content,
        id: input.id,
        issuerSlug: input.issuerSlug,
        status: 'draft',
        version: 1,
        latestVersion: 1,
        latestStatus: 'draft',
        createdAt: at,
        updatedAt: at,
      };
      const outcome = await store.writeAchievement({
        head: { item: head, expect: 'absent' },
        versions: [{ item: version, expectRev: 'absent' }],
        audit: [audit(version, 'created', actor, at)],
      });
      if (outcome === 'conflict') throw new HttpError(409, 'ACHIEVEMENT.EXISTS', `achievement ${input.id} exists`);
      return view(head);
    },

    edit: async (actor: Actor, id: string, input: AchievementContentInput) => {
      const head = await loadHead(id);
      assertCanManage(actor, head.issuerSlug);
      if (head.status === 'retired') throw new HttpError(409, 'ACHIEVEMENT.RETIRED', `achievement ${id} is retired`);
      const latest = await loadLatest(head);
      const at = now();
      const content = contentOf(input);
      if (latest.version.status === 'published') {
        // A published version never changes: the edit is version N+1, a draft; N stays awardable.
        const draft: AchievementVersion = {
          ...content,
          id,
          issuerSlug: head.issuerSlug,
          version: latest.version.version + 1,
          status: 'draft',
          authors: [refOf(actor)],
          approvals: [],
          rev: 0,
          createdAt: at,
          updatedAt: at,
        };
        const backfill = latest.stored ? [] : [{ item: latest.version, expectRev: 'absent' as const }];
        const outcome = await store.writeAchievement({
          head: {
            item: { ...head, latestVersion: draft.version, latestStatus: 'draft', updatedAt: at },
            expect: 'present',
          },
          versions: [{ item: draft, expectRev: 'absent' }, ...backfill],
          audit: [audit(draft, 'edited', actor, at)],
        });
        if (outcome === 'conflict') throw changed();
        return view(await loadHead(id));
      }
      const updated = review.edit(latest.version, refOf(actor), content, at);
      // Until something is published, the catalog item shows the draft.
      const headContent = head.status === 'draft' ? content : {};
      return save(head, latest, updated, [audit(updated, 'edited', actor, at)], headContent);
    },

    submit: async (actor: Actor, id: string) => {
      const head = await loadHead(id);
      assertCanManage(actor, head.issuerSlug);
      const latest = await loadLatest(head);
      const updated = review.submit(latest.version, now());
      return save(head, latest, updated, [audit(updated, 'submitted', actor, updated.updatedAt)]);
    },

    withdraw: async (actor: Actor, id: string) => {
      const head = await loadHead(id);
      assertCanManage(actor, head.issuerSlug);
      const latest = await loadLatest(head);
      const updated = review.withdraw(latest.version, now());
      return save(head, latest, updated, [audit(updated, 'withdrawn', actor, updated.updatedAt)]);
    },

    approve: async (actor: Actor, id: string, comment?: string) => {
      const head = await loadHead(id);
      const latest = await loadLatest(head);
      const updated = review.approve(latest.version, refOf(actor), approvalsRequired, now());
      return save(head, latest, updated, [audit(updated, 'approved', actor, updated.updatedAt, comment)]);
    },

    requestChanges: async (actor: Actor, id: string, comment: string) => {
      const head = await loadHead(id);
      const latest = await loadLatest(head);
      const updated = review.requestChanges(latest.version, now());
      return save(head, latest, updated, [audit(updated, 'changes-requested', actor, updated.updatedAt, comment)]);
    },

    publish: async (actor: Actor, id: string) => {
      const head = await loadHead(id);
      assertCanManage(actor, head.issuerSlug);
      const latest = await loadLatest(head);
      const published = review.publish(latest.version, now());
      const extra: { item: AchievementVersion; expectRev: number | 'absent' }[] = [];
      if (head.status === 'published' && head.version !== undefined && head.version !== published.version) {
        const previous = await store.getVersion(id, head.version);
        if (previous)
          extra.push({
            item: { ...previous, status: 'superseded', rev: previous.rev + 1, updatedAt: published.updatedAt },
            expectRev: previous.rev,
          });
      }
      return save(
        head,
        latest,
        published,
        [audit(published, 'published', actor, published.updatedAt)],
        { ...pickContent(published), status: 'published', version: published.version },
        extra,
      );
    },

    retire: async (actor: Actor, id: string, comment?: string) => {
      const head = await loadHead(id);
      assertCanManage(actor, head.issuerSlug);
      if (head.status !== 'published')
        throw new HttpError(
          409,
          'REVIEW.WRONG_STATE',
          `achievement ${id} is ${head.status}; only a published one can be retired`,
        );
      const at = now();
      const n = head.version ?? 1;
      const stored = await store.getVersion(id, n);
      const current = stored ?? (await loadLatest(head)).version;
      const retired: AchievementVersion = { ...current, status: 'retired', rev: current.rev + 1, updatedAt: at };
      const latestIsCurrent = (head.latestVersion ?? n) === n;
      const outcome = await store.writeAchievement({
        head: {
          item: {
            ...head,
            status: 'retired',
            ...(latestIsCurrent ? { latestStatus: 'retired' as const } : {}),
            updatedAt: at,
          },
          expect: 'present',
        },
        versions: [{ item: retired, expectRev: stored ? stored.rev : 'absent' }],
        audit: [audit(retired, 'retired', actor, at, comment)],
      });
      if (outcome === 'conflict') throw changed();
      return view(await loadHead(id));
    },

    comment: async (actor: Actor, id: string, comment: string) => {
      const head = await loadHead(id);
      // Reviewers comment on anything; issuer admins on their own issuer's achievements.
      if (!actor.roles.has('reviewer') && !actor.roles.has('admin') && !actor.issuers.includes(head.issuerSlug))
        throw forbidden(`you do not administer issuer ${head.issuerSlug}`);
      const latest = await loadLatest(head);
      const entry = audit(latest.version, 'commented', actor, now(), comment);
      await store.appendAudit(entry);
      return entry;
    },
  };
};
