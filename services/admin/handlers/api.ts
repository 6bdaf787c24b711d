import { z } from 'zod';
import { HttpError } from '#shared/runtime/errors.ts';
import {
  achievementItem,
  achievementVersionItem,
  anyRuleItem,
  auditItem,
  dryRunItem,
  eventRecordItem,
} from '#shared/tables/app-table.ts';
import type { makeActivity } from '../app/activity.ts';
import type { makeCatalog } from '../app/catalog.ts';
import type { makeCredentialStatus } from '../app/credential-status.ts';
import type { makeIssuers } from '../app/issuers.ts';
import type { makeRules } from '../app/rules.ts';
import type { makeSignIn } from '../app/session.ts';
import type { Actor, Role } from '../domain/actor.ts';
import { validateImage } from '../domain/images.ts';
import * as s from '../domain/schemas.ts';

/** What the routes call: the use cases, made once per cold start by the wiring. */
export interface AdminApiDeps {
  issuers: ReturnType<typeof makeIssuers>;
  catalog: ReturnType<typeof makeCatalog>;
  rules: ReturnType<typeof makeRules>;
  activity: ReturnType<typeof makeActivity>;
  credentialStatus: ReturnType<typeof makeCredentialStatus>;
  /** Local mode only; in AWS people sign in with the Cognito user pool. */
  signIn?: ReturnType<typeof makeSignIn>;
  /** Stores an uploaded image; returns its public URL. */
  saveImage: (image: ReturnType<typeof validateImage>, actor: Actor) => Promise<string>;
  openapi: () => unknown;
}

export interface RouteContext<B = unknown, Q = unknown> {
  actor: Actor;
  params: Record<string, string>;
  query: Q;
  body: B;
  /** Raw body and content type (image upload). */
  raw: { bytes: Buffer; contentType: string | undefined };
}

/** One route of the API: the manifest names it, this says who may call it, what it takes and what it does. */
export interface AdminRoute {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  summary: string;
  tag: string;
  /** Roles that may call it (any one suffices); `public` only for sign-in. Everything else is denied. */
  allow: readonly Role[] | 'public';
  query?: z.ZodType;
  body?: z.ZodType;
  /** `image`: the body is the file itself (image/png or image/svg+xml). */
  bodyKind?: 'json' | 'image';
  status?: number;
  /** The response body's schema, for the OpenAPI document. */
  response?: z.ZodType;
  handle: (deps: AdminApiDeps) => (ctx: RouteContext<never, never>) => Promise<unknown>;
}

const ANY: readonly Role[] = ['admin', 'issuer-admin', 'reviewer', 'viewer'];
const MANAGERS: readonly Role[] = ['admin', 'issuer-admin'];
const ADMINS: readonly Role[] = ['admin'];
const REVIEWERS: readonly Role[] = ['reviewer'];

const achievementView = z.object({ achievement: achievementItem, versions: z.array(achievementVersionItem) });
const issuerView = z.object({
  slug: z.string(),
  name: z.string(),
  url: z.string(),
  email: z.string().optional(),
  description: z.string().optional(),
  image: z.string().optional(),
  keys: z.array(
    z.object({ id: z.string(), type: z.string(), status: z.string(), publicKeyMultibase: z.string().optional() }),
  ),
});
const credentialView = z.object({
  id: z.string(),
  url: z.string(),
  issuerSlug: z.string(),
  achievementId: z.string(),
  achievementVersion: z.number(),
  ruleId: z.string(),
  sourceEventId: z.string(),
  recipientEmail: z.string(),
  recipientName: z.string().optional(),
  issuedAt: z.string(),
  state: s.credentialState,
  emailStatus: z.string(),
  claimedAt: z.string().optional(),
});
const statusChangeView = z.object({
  credentialId: z.string(),
  action: z.enum(['revoke', 'suspend', 'reinstate']),
  outcome: z.enum(['changed', 'unchanged']),
  at: z.string(),
});
const page = <T extends z.ZodType>(name: string, item: T) =>
  z.object({ [name]: z.array(item), cursor: z.string().optional() });

const p = <B = never, Q = never>(
  fn: (deps: AdminApiDeps, ctx: RouteContext<B, Q>) => Promise<unknown>,
): AdminRoute['handle'] => ((deps: AdminApiDeps) => (ctx: RouteContext<B, Q>) => fn(deps, ctx)) as AdminRoute['handle'];

/**
 * Every route of the console's API. The manifest (shared/routes/manifest.ts) lists the same method and path for
 * each, and the OpenAPI document is generated from this table, so the three cannot disagree (a test checks).
 */
export const adminRoutes: readonly AdminRoute[] = [
  {
    method: 'POST',
    path: '/admin/api/session',
    summary: 'Sign in (local mode): email and password for a bearer token',
    tag: 'session',
    allow: 'public',
    body: s.sessionInput,
    response: z.object({ token: z.string(), tokenType: z.literal('Bearer'), expiresAt: z.string() }),
    handle: p<z.output<typeof s.sessionInput>>(async (d, { body }) => {
      if (!d.signIn) throw new HttpError(404, 'AUTH.LOCAL_ONLY', "sign in with the institution's Cognito user pool");
      return d.signIn(body.email, body.password);
    }),
  },
  {
    method: 'GET',
    path: '/admin/api/openapi.json',
    summary: 'This API, as an OpenAPI 3.1 document',
    tag: 'session',
    allow: ANY,
    handle: p(async (d) => d.openapi()),
  },
  {
    method: 'GET',
    path: '/admin/api/me',
    summary: 'Who the token says you are, and your roles',
    tag: 'session',
    allow: ANY,
    response: z.object({
      sub: z.string(),
      email: z.string().optional(),
      roles: z.array(z.string()),
      issuers: z.array(z.string()),
    }),
    handle: p(async (_d, { actor }) => ({
      sub: actor.sub,
      ...(actor.email ? { email: actor.email } : {}),
      roles: [...actor.roles].sort(),
      issuers: actor.issuers,
    })),
  },
  // ---- issuers and sources ----
  {
    method: 'GET',
    path: '/admin/api/issuers',
    summary: 'List issuers',
    tag: 'issuers',
    allow: ANY,
    response: z.object({ issuers: z.array(issuerView) }),
    handle: p(async (d) => ({ issuers: await d.issuers.list() })),
  },
  {
    method: 'POST',
    path: '/admin/api/issuers',
    summary: 'Create an issuer (a Profile with its own did:web and signing key)',
    tag: 'issuers',
    allow: ADMINS,
    body: s.issuerInput,
    status: 201,
    response: issuerView,
    handle: p<z.output<typeof s.issuerInput>>(async (d, { body }) => d.issuers.create(body)),
  },
  {
    method: 'GET',
    path: '/admin/api/issuers/{slug}',
    summary: 'One issuer',
    tag: 'issuers',
    allow: ANY,
    response: issuerView,
    handle: p(async (d, { params }) => d.issuers.get(params.slug ?? '')),
  },
  {
    method: 'PUT',
    path: '/admin/api/issuers/{slug}',
    summary: "Replace an issuer's profile (name, url, email, description, image)",
    tag: 'issuers',
    allow: MANAGERS,
    body: s.issuerProfileInput,
    response: issuerView,
    handle: p<z.output<typeof s.issuerProfileInput>>(async (d, { actor, params, body }) =>
      d.issuers.update(actor, params.slug ?? '', body),
    ),
  },
  {
    method: 'GET',
    path: '/admin/api/sources',
    summary: 'Event sources allowed to award',
    tag: 'issuers',
    allow: ANY,
    response: z.object({ sources: z.array(z.string()) }),
    handle: p(async (d) => d.issuers.listSources()),
  },
  {
    method: 'POST',
    path: '/admin/api/sources',
    summary: 'Allow an event source',
    tag: 'issuers',
    allow: ADMINS,
    body: s.sourceInput,
    status: 201,
    handle: p<z.output<typeof s.sourceInput>>(async (d, { body }) => d.issuers.addSource(body.name)),
  },
  {
    method: 'POST',
    path: '/admin/api/images',
    summary: 'Upload a badge image (PNG or SVG, at most 256 KB); returns its stable public URL',
    tag: 'achievements',
    allow: MANAGERS,
    bodyKind: 'image',
    status: 201,
    response: z.object({ url: z.string(), id: z.string(), contentType: z.string(), bytes: z.number() }),
    handle: p(async (d, { actor, raw }) => {
      const image = validateImage(raw.bytes, raw.contentType);
      const url = await d.saveImage(image, actor);
      return { url, id: image.id, contentType: image.contentType, bytes: image.bytes };
    }),
  },
  // ---- achievements and review ----
  {
    method: 'GET',
    path: '/admin/api/achievements',
    summary: 'Search and filter the catalog',
    tag: 'achievements',
    allow: ANY,
    query: s.achievementQuery,
    response: z.object({ achievements: z.array(achievementItem) }),
    handle: p<never, z.output<typeof s.achievementQuery>>(async (d, { query }) => d.catalog.list(query)),
  },
  {
    method: 'POST',
    path: '/admin/api/achievements',
    summary: 'Create an achievement (version 1, a draft)',
    tag: 'achievements',
    allow: MANAGERS,
    body: s.achievementInput,
    status: 201,
    response: achievementView,
    handle: p<z.output<typeof s.achievementInput>>(async (d, { actor, body }) => d.catalog.create(actor, body)),
  },
  {
    method: 'GET',
    path: '/admin/api/achievements/{id}',
    summary: 'An achievement with all its versions',
    tag: 'achievements',
    allow: ANY,
    response: achievementView,
    handle: p(async (d, { params }) => d.catalog.get(params.id ?? '')),
  },
  {
    method: 'PUT',
    path: '/admin/api/achievements/{id}',
    summary: 'Edit: a draft in place; a published achievement gets a new draft version',
    tag: 'achievements',
    allow: MANAGERS,
    body: s.achievementContentInput,
    response: achievementView,
    handle: p<s.AchievementContentInput>(async (d, { actor, params, body }) =>
      d.catalog.edit(actor, params.id ?? '', body),
    ),
  },
  {
    method: 'GET',
    path: '/admin/api/achievements/{id}/history',
    summary: 'Audit trail and review comments: who did what, when',
    tag: 'review',
    allow: ANY,
    response: z.object({ entries: z.array(auditItem) }),
    handle: p(async (d, { params }) => d.catalog.history(params.id ?? '')),
  },
  {
    method: 'POST',
    path: '/admin/api/achievements/{id}/comments',
    summary: 'Comment on the newest version',
    tag: 'review',
    allow: ['admin', 'issuer-admin', 'reviewer'],
    body: s.commentInput,
    status: 201,
    response: auditItem,
    handle: p<z.output<typeof s.commentInput>>(async (d, { actor, params, body }) =>
      d.catalog.comment(actor, params.id ?? '', body.comment),
    ),
  },
  ...(
    [
      ['submit', 'Submit the draft for committee review', MANAGERS],
      ['withdraw', 'Withdraw from review back to draft', MANAGERS],
      ['publish', 'Publish the approved version (it becomes the one awarded)', MANAGERS],
    ] as const
  ).map(
    ([action, summary, allow]): AdminRoute => ({
      method: 'POST',
      path: `/admin/api/achievements/{id}/${action}`,
      summary,
      tag: 'review',
      allow,
      response: achievementView,
      handle: p(async (d, { actor, params }) => d.catalog[action](actor, params.id ?? '')),
    }),
  ),
  {
    method: 'POST',
    path: '/admin/api/achievements/{id}/approve',
    summary: 'Approve the version in review (reviewers who did not author it)',
    tag: 'review',
    allow: REVIEWERS,
    body: s.optionalCommentInput,
    response: achievementView,
    handle: p<z.output<typeof s.optionalCommentInput>>(async (d, { actor, params, body }) =>
      d.catalog.approve(actor, params.id ?? '', body.comment),
    ),
  },
  {
    method: 'POST',
    path: '/admin/api/achievements/{id}/request-changes',
    summary: 'Send the version in review back to draft, saying why',
    tag: 'review',
    allow: REVIEWERS,
    body: s.commentInput,
    response: achievementView,
    handle: p<z.output<typeof s.commentInput>>(async (d, { actor, params, body }) =>
      d.catalog.requestChanges(actor, params.id ?? '', body.comment),
    ),
  },
  {
    method: 'POST',
    path: '/admin/api/achievements/{id}/retire',
    summary: 'Retire a published achievement: nothing more is awarded',
    tag: 'review',
    allow: MANAGERS,
    body: s.optionalCommentInput,
    response: achievementView,
    handle: p<z.output<typeof s.optionalCommentInput>>(async (d, { actor, params, body }) =>
      d.catalog.retire(actor, params.id ?? '', body.comment),
    ),
  },
  // ---- rules ----
  {
    method: 'GET',
    path: '/admin/api/rules',
    summary: 'List rules',
    tag: 'rules',
    allow: ANY,
    query: s.ruleQuery,
    response: z.object({ rules: z.array(anyRuleItem) }),
    handle: p<never, z.output<typeof s.ruleQuery>>(async (d, { query }) => d.rules.list(query)),
  },
  {
    method: 'POST',
    path: '/admin/api/rules',
    summary: 'Create a match rule or a stacking rule',
    tag: 'rules',
    allow: MANAGERS,
    body: s.ruleInput,
    status: 201,
    response: anyRuleItem,
    handle: p<s.RuleInput>(async (d, { actor, body }) => d.rules.create(actor, body)),
  },
  {
    method: 'POST',
    path: '/admin/api/rules/test',
    summary: 'The rule tester: which rules an event would fire, and why not',
    tag: 'rules',
    allow: ANY,
    body: s.ruleTestInput,
    handle: p<z.output<typeof s.ruleTestInput>>(async (d, { body }) => d.rules.test(body)),
  },
  {
    method: 'GET',
    path: '/admin/api/rules/{id}',
    summary: 'One rule',
    tag: 'rules',
    allow: ANY,
    response: anyRuleItem,
    handle: p(async (d, { params }) => d.rules.get(params.id ?? '')),
  },
  {
    method: 'PUT',
    path: '/admin/api/rules/{id}',
    summary: 'Replace a rule (its mode included: live, dry-run, off)',
    tag: 'rules',
    allow: MANAGERS,
    body: s.ruleUpdateInput,
    response: anyRuleItem,
    handle: p<s.RuleUpdateInput>(async (d, { actor, params, body }) => d.rules.update(actor, params.id ?? '', body)),
  },
  {
    method: 'GET',
    path: '/admin/api/rules/{id}/dry-runs',
    summary: "A dry-run rule's would-be awards, newest first",
    tag: 'rules',
    allow: MANAGERS,
    query: s.dryRunQuery,
    response: page('items', dryRunItem),
    handle: p<never, z.output<typeof s.dryRunQuery>>(async (d, { actor, params, query }) =>
      d.rules.dryRuns(actor, params.id ?? '', query),
    ),
  },
  {
    method: 'POST',
    path: '/admin/api/rules/{id}/dry-runs/promote',
    summary: 'Promote would-be awards to real ones (issued and emailed through the award path)',
    tag: 'rules',
    allow: MANAGERS,
    body: s.promoteInput,
    status: 202,
    response: z.object({
      promoted: z.array(z.string()),
      skipped: z.array(z.object({ eventId: z.string(), reason: z.string() })),
    }),
    handle: p<z.output<typeof s.promoteInput>>(async (d, { actor, params, body }) =>
      d.rules.promote(actor, params.id ?? '', body.eventIds),
    ),
  },
  {
    method: 'POST',
    path: '/admin/api/rules/{id}/progress',
    summary: "A learner's progress on a stacking rule (by email, sent in the body, never in a URL)",
    tag: 'rules',
    allow: MANAGERS,
    body: s.progressInput,
    handle: p<z.output<typeof s.progressInput>>(async (d, { actor, params, body }) =>
      d.rules.progress(actor, params.id ?? '', body.email),
    ),
  },
  // ---- activity ----
  {
    method: 'GET',
    path: '/admin/api/events',
    summary: 'The event log: received, issued, no-match, dry-run, rejected with reason',
    tag: 'activity',
    allow: ANY,
    query: s.eventQuery,
    response: page('events', eventRecordItem),
    handle: p<never, z.output<typeof s.eventQuery>>(async (d, { query }) => d.activity.events(query)),
  },
  {
    method: 'POST',
    path: '/admin/api/credentials/search',
    summary: 'Search credentials by learner email, achievement, issuer, state',
    tag: 'credentials',
    allow: MANAGERS,
    body: s.credentialSearchInput,
    response: page('credentials', credentialView),
    handle: p<z.output<typeof s.credentialSearchInput>>(async (d, { actor, body }) =>
      d.activity.searchCredentials(actor, body),
    ),
  },
  {
    method: 'GET',
    path: '/admin/api/credentials/{id}',
    summary: 'One credential, with its signed document',
    tag: 'credentials',
    allow: MANAGERS,
    response: credentialView.extend({ document: z.record(z.string(), z.unknown()) }),
    handle: p(async (d, { actor, params }) => d.activity.credential(actor, params.id ?? '')),
  },
  {
    method: 'POST',
    path: '/admin/api/credentials/{id}/resend',
    summary: 'Resend the claim email with a new link (the old one stops working), optionally to a corrected address',
    tag: 'credentials',
    allow: MANAGERS,
    body: s.resendInput,
    response: z.object({ credentialId: z.string(), expiresAt: z.string() }),
    handle: p<z.output<typeof s.resendInput>>(async (d, { actor, params, body }) =>
      d.activity.resend(actor, params.id ?? '', body.email),
    ),
  },
  ...(
    [
      ['revoke', 'Revoke a credential for good (its status list bit is set), with a reason'],
      ['suspend', 'Suspend a credential (reversible), with a reason'],
      ['reinstate', 'Lift a suspension, with a reason'],
    ] as const
  ).map(
    ([action, summary]): AdminRoute => ({
      method: 'POST',
      path: `/admin/api/credentials/{id}/${action}`,
      summary,
      tag: 'credentials',
      allow: MANAGERS,
      body: s.statusChangeInput,
      response: statusChangeView,
      handle: p<z.output<typeof s.statusChangeInput>>(async (d, { actor, params, body }) =>
        d.credentialStatus[action](actor, params.id ?? '', body.reason),
      ),
    }),
  ),
  {
    method: 'POST',
    path: '/admin/api/credentials/revoke',
    summary: 'Revoke many credentials: by ids, every credential of an achievement (page by page), or of one event',
    tag: 'credentials',
    allow: MANAGERS,
    body: s.bulkRevokeInput,
    response: z.object({
      matched: z.number(),
      revoked: z.number(),
      alreadyRevoked: z.number(),
      notFound: z.array(z.string()),
      notRevocable: z.array(z.string()),
      nextCursor: z.string().optional(),
    }),
    handle: p<z.output<typeof s.bulkRevokeInput>>(async (d, { actor, body }) =>
      d.credentialStatus.revokeMany(actor, {
        selector: body.credentialIds
          ? { credentialIds: body.credentialIds }
          : body.achievementId
            ? { achievementId: body.achievementId }
            : { sourceEventId: body.sourceEventId ?? '' },
        reason: body.reason,
        cursor: body.cursor,
        limit: body.limit,
      }),
    ),
  },
];
