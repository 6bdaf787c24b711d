import { HttpError } from '#shared/runtime/errors.ts';
import type { ActorRef } from '#shared/tables/app-table.ts';

/**
 * Who may do what in the console. Roles come from the token's `cognito:groups` (the same claim in local tokens):
 * `admin` (everything but review), `reviewer` (the committee: approve, request changes, comment), `viewer` (read),
 * and `issuer-admin:<slug>` (admin for that issuer's achievements, rules and credentials only).
 */
export const ROLES = ['admin', 'issuer-admin', 'reviewer', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export const ISSUER_ADMIN_PREFIX = 'issuer-admin:';

export interface Actor {
  sub: string;
  email?: string;
  roles: ReadonlySet<Role>;
  /** Issuers this actor administers through `issuer-admin:<slug>` groups. */
  issuers: readonly string[];
}

/**
 * Groups from a claim as API Gateway hands it over (`[a b]`), as a JSON array, or comma-separated; a native array
 * (a test, or a future authorizer) too.
 */
export const groupsOf = (claim: unknown): string[] => {
  if (Array.isArray(claim)) return claim.map(String);
  if (typeof claim !== 'string') return [];
  const text = claim.trim();
  if (text.startsWith('[') && text.endsWith(']')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (Array.isArray(parsed)) return parsed.map(String);
    } catch {
      // API Gateway's own `[a b]` form
    }
    return text
      .slice(1, -1)
      .split(/[\s,]+/)
      .filter(Boolean);
  }
  return text.split(/[\s,]+/).filter(Boolean);
};

const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** The actor a verified token's claims describe; undefined without a subject (no token reached us). */
export const actorFromClaims = (claims: Record<string, unknown> | undefined): Actor | undefined => {
  const sub = claims?.sub;
  if (typeof sub !== 'string' || sub.length === 0) return undefined;
  const groups = groupsOf(claims?.['cognito:groups']);
  const roles = new Set<Role>();
  const issuers: string[] = [];
  for (const group of groups) {
    if (group === 'admin' || group === 'reviewer' || group === 'viewer') roles.add(group);
    else if (group.startsWith(ISSUER_ADMIN_PREFIX)) {
      const slug = group.slice(ISSUER_ADMIN_PREFIX.length);
      if (SLUG.test(slug)) {
        roles.add('issuer-admin');
        issuers.push(slug);
      }
    }
  }
  const email = typeof claims?.email === 'string' ? claims.email : undefined;
  return { sub, ...(email ? { email } : {}), roles, issuers };
};

/** For audit trails: who, without the role set. */
export const refOf = (actor: Actor): ActorRef => ({ sub: actor.sub, ...(actor.email ? { email: actor.email } : {}) });

export const hasAnyRole = (actor: Actor, allowed: readonly Role[]) => allowed.some((r) => actor.roles.has(r));

export const forbidden = (message = 'your role does not allow this') => new HttpError(403, 'AUTH.FORBIDDEN', message);

/** May the actor change things that belong to this issuer? Admins: any; issuer admins: their own. */
export const canManage = (actor: Actor, issuerSlug: string) =>
  actor.roles.has('admin') || (actor.roles.has('issuer-admin') && actor.issuers.includes(issuerSlug));

export const assertCanManage = (actor: Actor, issuerSlug: string) => {
  if (!canManage(actor, issuerSlug)) throw forbidden(`you do not administer issuer ${issuerSlug}`);
};

/** May the actor see learners' personal data (emails) of this issuer's credentials? The same people. */
export const canSeeLearners = canManage;
