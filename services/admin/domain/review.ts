import { HttpError } from '#shared/runtime/errors.ts';
import type { AchievementVersion, ActorRef } from '#shared/tables/app-table.ts';

/**
 * Committee review of an achievement version, as pure transitions:
 *
 *   draft ──submit──▶ in-review ──approve × N (reviewers, not an author)──▶ approved ──publish──▶ published
 *     ▲                  │ request changes / withdraw                          │ withdraw
 *     └──────────────────┴─────────────────────────────────────────────────────┘
 *   published ──(a newer version is published)──▶ superseded;  published ──retire──▶ retired
 *
 * Each returns the next version (rev bumped) or throws a 409 that says what state it is in and what to do.
 */

const conflict = (code: string, message: string) => new HttpError(409, code, message);

const require = (v: AchievementVersion, allowed: readonly AchievementVersion['status'][], action: string) => {
  if (!allowed.includes(v.status))
    throw conflict(
      'REVIEW.WRONG_STATE',
      `version ${v.version} of ${v.id} is ${v.status}; only a version that is ${allowed.join(' or ')} can be ${action}`,
    );
};

const next = (v: AchievementVersion, at: string, changes: Partial<AchievementVersion>): AchievementVersion => ({
  ...v,
  ...changes,
  rev: v.rev + 1,
  updatedAt: at,
});

export const submit = (v: AchievementVersion, at: string) => {
  require(v, ['draft'], 'submitted for review');
  return next(v, at, { status: 'in-review', submittedAt: at, approvals: [] });
};

export const withdraw = (v: AchievementVersion, at: string) => {
  require(v, ['in-review', 'approved'], 'withdrawn');
  return next(v, at, { status: 'draft', approvals: [] });
};

export const requestChanges = (v: AchievementVersion, at: string) => {
  require(v, ['in-review', 'approved'], 'sent back for changes');
  return next(v, at, { status: 'draft', approvals: [] });
};

/** One reviewer's approval; the version is approved once `required` distinct reviewers, none of them an author, approved. */
export const approve = (v: AchievementVersion, reviewer: ActorRef, required: number, at: string) => {
  require(v, ['in-review'], 'approved');
  if (v.authors.some((a) => a.sub === reviewer.sub))
    throw new HttpError(403, 'REVIEW.OWN_WORK', 'authors of a version cannot approve it; another reviewer must');
  if (v.approvals.some((a) => a.sub === reviewer.sub))
    throw conflict('REVIEW.ALREADY_APPROVED', `you already approved version ${v.version} of ${v.id}`);
  const approvals = [...v.approvals, { ...reviewer, at }];
  return next(v, at, { approvals, status: approvals.length >= required ? 'approved' : 'in-review' });
};

export const publish = (v: AchievementVersion, at: string) => {
  require(v, ['approved'], 'published (it needs its approvals first)');
  return next(v, at, { status: 'published', publishedAt: at });
};

/** The content of a draft changes: whoever edits it becomes one of its authors. */
export const edit = (v: AchievementVersion, author: ActorRef, content: Partial<AchievementVersion>, at: string) => {
  require(v, ['draft'], 'edited (withdraw it from review first)');
  const authors = v.authors.some((a) => a.sub === author.sub) ? v.authors : [...v.authors, author];
  return next(v, at, { ...content, authors });
};
