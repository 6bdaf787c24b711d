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
  handle: (deps: AdminApiDeps, ctx: RouteContext) => Promise<unknown>;
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

/** What a route's schema hands its handler: the parsed value, or nothing when the route has no such schema. */
type Parsed<S> = S extends z.ZodType ? z.output<S> : never;

/**
 * One route, its key (method and path, as the manifest spells it) and who may call it first. The handler's `body`
 * and `query` are typed from the route's own schemas, so the two cannot drift apart.
 */
const route = <B extends z.ZodType | undefined = undefined, Q extends z.ZodType | undefined = undefined>(
  key: `${AdminRoute['method']} /admin/api/${string}`,
  allow: AdminRoute['allow'],
  spec: Omit<AdminRoute, 'method' | 'path' | 'allow' | 'body' | 'query' | 'handle'> & {
    body?: B;
    query?: Q;
    handle: (deps: AdminApiDeps, ctx: RouteContext<Parsed<B>, Parsed<Q>>) => Promise<unknown>;
  },
): AdminRoute => {
  const [method, path] = key.split(' ') as [AdminRoute['method'], string];
  return { method, path, allow, ...spec, handle: spec.handle as AdminRoute['handle'] };
};

/**
 * Every route of the console's API. The manifest (shared/routes/manifest.ts) lists the same method and path for
 * each, and the OpenAPI document is generated from this table, so the three cannot disagree (a test checks).
 */
export const adminRoutes: readonly AdminRoute[] = [
  route('POST /admin/api/session', 'public', {
    summary: 'Sign in (local mode): email and password for a bearer token',
    tag: 'session',
    body: s.sessionInput,
    response: z.object({ token: z.string(), tokenType: z.literal('Bearer'), expiresAt: z.string() }),
    handle: async (d, { body }) => {
      if (!d.signIn) throw new HttpError(404, 'AUTH.LOCAL_ONLY', "sign in with the institution's Cognito user pool");
      return d.signIn(body.email, body.password);
    },
  }),
  route('GET /admin/api/openapi.json', ANY, {
    summary: 'This API, as an OpenAPI 3.1 document',
    tag: 'session',
    handle: async (d) => d.openapi(),
  }),
  route('GET /admin/api/me', ANY, {
    summary: 'Who the token says you are, and your roles',
    tag: 'session',
    response: z.object({
      sub: z.string(),
      email: z.string().optional(),
      roles: z.array(z.string()),
      issuers: z.array(z.string()),
    }),
    handle: async (_d, { actor }) => ({
      sub: actor.sub,
      ...(actor.email ? { email: actor.email } : {}),
      roles: [...actor.roles].sort(),
      issuers: actor.issuers,
    }),
  }),
  // ---- issuers and sources ----
  route('GET /admin/api/issuers', ANY, {
    summary: 'List issuers',
    tag: 'issuers',
    response: z.object({ issuers: z.array(issuerView) }),
    handle: async (d) => ({ issuers: await d.issuers.list() }),
  }),
  route('POST /admin/api/issuers', ADMINS, {
    summary: 'Create an issuer (a Profile with its own did:web and signing key)',
    tag: 'issuers',
    body: s.issuerInput,
    status: 201,
    response: issuerView,
    handle: async (d, { body }) => d.issuers.create(body),
  }),
  route('GET /admin/api/issuers/{slug}', ANY, {
    summary: 'One issuer',
    tag: 'issuers',
    response: issuerView,
    handle: async (d, { params }) => d.issuers.get(params.slug ?? ''),
  }),
  route('PUT /admin/api/issuers/{slug}', MANAGERS, {
    summary: "Replace an issuer's profile (name, url, email, description, image)",
    tag: 'issuers',
    body: s.issuerProfileInput,
    response: issuerView,
    handle: async (d, { actor, params, body }) => d.issuers.update(actor, params.slug ?? '', body),
  }),
  route('GET /admin/api/sources', ANY, {
    summary: 'Event sources allowed to award',
    tag: 'issuers',
    response: z.object({ sources: z.array(z.string()) }),
    handle: async (d) => d.issuers.listSources(),
  }),
  route('POST /admin/api/sources', ADMINS, {
    summary: 'Allow an event source',
    tag: 'issuers',
    body: s.sourceInput,
    status: 201,
    handle: async (d, { body }) => d.issuers.addSource(body.name),
  }),
  route('POST /admin/api/images', MANAGERS, {
    summary: 'Upload a badge image (PNG or SVG, at most 256 KB); returns its stable public URL',
    tag: 'achievements',
    bodyKind: 'image',
    status: 201,
    response: z.object({ url: z.string(), id: z.string(), contentType: z.string(), bytes: z.number() }),
    handle: async (d, { actor, raw }) => {
      const image = validateImage(raw.bytes, raw.contentType);
      const url = await d.saveImage(image, actor);
      return { url, id: image.id, contentType: image.contentType, bytes: image.bytes };
    },
  }),
  // ---- achievements and review ----
  route('GET /admin/api/achievements', ANY, {
    summary: 'Search and filter the catalog',
    tag: 'achievements',
    query: s.achievementQuery,
    response: z.object({ achievements: z.array(achievementItem) }),
    handle: async (d, { query }) => d.catalog.list(query),
  }),
  route('POST /admin/api/achievements', MANAGERS, {
    summary: 'Create an achievement (version 1, a draft)',
    tag: 'achievements',
    body: s.achievementInput,
    status: 201,
    response: achievementView,
    handle: async (d, { actor, body }) => d.catalog.create(actor, body),
  }),
  route('GET /admin/api/achievements/{id}', ANY, {
    summary: 'An achievement with all its versions',
    tag: 'achievements',
    response: achievementView,
    handle: async (d, { params }) => d.catalog.get(params.id ?? ''),
  }),
  route('PUT /admin/api/achievements/{id}', MANAGERS, {
    summary: 'Edit: a draft in place; a published achievement gets a new draft version',
    tag: 'achievements',
    body: s.achievementContentInput,
    response: achievementView,
    handle: async (d, { actor, params, body }) => d.catalog.edit(actor, params.id ?? '', body),
  }),
  route('GET /admin/api/achievements/{id}/history', ANY, {
    summary: 'Audit trail and review comments: who did what, when',
    tag: 'review',
    response: z.object({ entries: z.array(auditItem) }),
    handle: async (d, { params }) => d.catalog.history(params.id ?? ''),
  }),
  route('POST /admin/api/achievements/{id}/comments', ['admin', 'issuer-admin', 'reviewer'], {
    summary: 'Comment on the newest version',
    tag: 'review',
    body: s.commentInput,
    status: 201,
    response: auditItem,
    handle: async (d, { actor, params, body }) => d.catalog.comment(actor, params.id ?? '', body.comment),
  }),
  route('POST /admin/api/achievements/{id}/submit', MANAGERS, {
    summary: 'Submit the draft for committee review',
    tag: 'review',
    response: achievementView,
    handle: async (d, { actor, params }) => d.catalog.submit(actor, params.id ?? ''),
  }),
  route('POST /admin/api/achievements/{id}/withdraw', MANAGERS, {
    summary: 'Withdraw from review back to draft',
    tag: 'review',
    response: achievementView,
    handle: async (d, { actor, params }) => d.catalog.withdraw(actor, params.id ?? ''),
  }),
  route('POST /admin/api/achievements/{id}/publish', MANAGERS, {
    summary: 'Publish the approved version (it becomes the one awarded)',
    tag: 'review',
    response: achievementView,
    handle: async (d, { actor, params }) => d.catalog.publish(actor, params.id ?? ''),
  }),
  route('POST /admin/api/achievements/{id}/approve', REVIEWERS, {
    summary: 'Approve the version in review (reviewers who did not author it)',
    tag: 'review',
    body: s.optionalCommentInput,
    response: achievementView,
    handle: async (d, { actor, params, body }) => d.catalog.approve(actor, params.id ?? '', body.comment),
  }),
  route('POST /admin/api/achievements/{id}/request-changes', REVIEWERS, {
    summary: 'Send the version in review back to draft, saying why',
    tag: 'review',
    body: s.commentInput,
    response: achievementView,
    handle: async (d, { actor, params, body }) => d.catalog.requestChanges(actor, params.id ?? '', body.comment),
  }),
  route('POST /admin/api/achievements/{id}/retire', MANAGERS, {
    summary: 'Retire a published achievement: nothing more is awarded',
    tag: 'review',
    body: s.optionalCommentInput,
    response: achievementView,
    handle: async (d, { actor, params, body }) => d.catalog.retire(actor, params.id ?? '', body.comment),
  }),
  // ---- rules ----
  route('GET /admin/api/rules', ANY, {
    summary: 'List rules',
    tag: 'rules',
    query: s.ruleQuery,
    response: z.object({ rules: z.array(anyRuleItem) }),
    handle: async (d, { query }) => d.rules.list(query),
  }),
  route('POST /admin/api/rules', MANAGERS, {
    summary: 'Create a match rule or a stacking rule',
    tag: 'rules',
    body: s.ruleInput,
    status: 201,
    response: anyRuleItem,
    handle: async (d, { actor, body }) => d.rules.create(actor, body),
  }),
  route('POST /admin/api/rules/test', ANY, {
    summary: 'The rule tester: which rules an event would fire, and why not',
    tag: 'rules',
    body: s.ruleTestInput,
    handle: async (d, { body }) => d.rules.test(body),
  }),
  route('GET /admin/api/rules/{id}', ANY, {
    summary: 'One rule',
    tag: 'rules',
    response: anyRuleItem,
    handle: async (d, { params }) => d.rules.get(params.id ?? ''),
  }),
  route('PUT /admin/api/rules/{id}', MANAGERS, {
    summary: 'Replace a rule (its mode included: live, dry-run, off)',
    tag: 'rules',
    body: s.ruleUpdateInput,
    response: anyRuleItem,
    handle: async (d, { actor, params, body }) => d.rules.update(actor, params.id ?? '', body),
  }),
  route('GET /admin/api/rules/{id}/dry-runs', MANAGERS, {
    summary: "A dry-run rule's would-be awards, newest first",
    tag: 'rules',
    query: s.dryRunQuery,
    response: page('items', dryRunItem),
    handle: async (d, { actor, params, query }) => d.rules.dryRuns(actor, params.id ?? '', query),
  }),
  route('POST /admin/api/rules/{id}/dry-runs/promote', MANAGERS, {
    summary: 'Promote would-be awards to real ones (issued and emailed through the award path)',
    tag: 'rules',
    body: s.promoteInput,
    status: 202,
    response: z.object({
      promoted: z.array(z.string()),
      skipped: z.array(z.object({ eventId: z.string(), reason: z.string() })),
    }),
    handle: async (d, { actor, params, body }) => d.rules.promote(actor, params.id ?? '', body.eventIds),
  }),
  route('POST /admin/api/rules/{id}/progress', MANAGERS, {
    summary: "A learner's progress on a stacking rule (by email, sent in the body, never in a URL)",
    tag: 'rules',
    body: s.progressInput,
    handle: async (d, { actor, params, body }) => d.rules.progress(actor, params.id ?? '', body.email),
  }),
  // ---- activity ----
  route('GET /admin/api/events', ANY, {
    summary: 'The event log: received, issued, no-match, dry-run, rejected with reason',
    tag: 'activity',
    query: s.eventQuery,
    response: page('events', eventRecordItem),
    handle: async (d, { query }) => d.activity.events(query),
  }),
  route('POST /admin/api/credentials/search', MANAGERS, {
    summary: 'Search credentials by learner email, achievement, issuer, state',
    tag: 'credentials',
    body: s.credentialSearchInput,
    response: page('credentials', credentialView),
    handle: async (d, { actor, body }) => d.activity.searchCredentials(actor, body),
  }),
  route('GET /admin/api/credentials/{id}', MANAGERS, {
    summary: 'One credential, with its signed document',
    tag: 'credentials',
    response: credentialView.extend({ document: z.record(z.string(), z.unknown()) }),
    handle: async (d, { actor, params }) => d.activity.credential(actor, params.id ?? ''),
  }),
  route('POST /admin/api/credentials/{id}/resend', MANAGERS, {
    summary: 'Resend the claim email with a new link (the old one stops working), optionally to a corrected address',
    tag: 'credentials',
    body: s.resendInput,
    response: z.object({ credentialId: z.string(), expiresAt: z.string() }),
    handle: async (d, { actor, params, body }) => d.activity.resend(actor, params.id ?? '', body.email),
  }),
  route('POST /admin/api/credentials/{id}/revoke', MANAGERS, {
    summary: 'Revoke a credential for good (its status list bit is set), with a reason',
    tag: 'credentials',
    body: s.statusChangeInput,
    response: statusChangeView,
    handle: async (d, { actor, params, body }) => d.credentialStatus.revoke(actor, params.id ?? '', body.reason),
  }),
  route('POST /admin/api/credentials/{id}/suspend', MANAGERS, {
    summary: 'Suspend a credential (reversible), with a reason',
    tag: 'credentials',
    body: s.statusChangeInput,
    response: statusChangeView,
    handle: async (d, { actor, params, body }) => d.credentialStatus.suspend(actor, params.id ?? '', body.reason),
  }),
  route('POST /admin/api/credentials/{id}/reinstate', MANAGERS, {
    summary: 'Lift a suspension, with a reason',
    tag: 'credentials',
    body: s.statusChangeInput,
    response: statusChangeView,
    handle: async (d, { actor, params, body }) => d.credentialStatus.reinstate(actor, params.id ?? '', body.reason),
  }),
  route('POST /admin/api/credentials/revoke', MANAGERS, {
    summary: 'Revoke many credentials: by ids, every credential of an achievement (page by page), or of one event',
    tag: 'credentials',
    body: s.bulkRevokeInput,
    response: z.object({
      matched: z.number(),
      revoked: z.number(),
      alreadyRevoked: z.number(),
      notFound: z.array(z.string()),
      notRevocable: z.array(z.string()),
      nextCursor: z.string().optional(),
    }),
    handle: async (d, { actor, body }) =>
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
  }),
];
