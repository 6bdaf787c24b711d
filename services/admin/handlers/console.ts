import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { z } from 'zod';
import { badgeCard } from '#shared/pages/badge-view.ts';
import { isPermanent } from '#shared/runtime/errors.ts';
import { CONTENT_SECURITY_POLICY, html, page, pageHeaders, SafeHtml } from '#shared/runtime/html.ts';
import type { HttpEvent, HttpResult, RouteHandler } from '#shared/runtime/http.ts';
import type { AuthorizedRequest } from '#shared/runtime/jwt-auth.ts';
import { MAX_BULK_ROWS, type makeBulkAward } from '../app/bulk-award.ts';
import type { HostedSignIn } from '../app/hosted-sign-in.ts';
import { type Actor, actorFromClaims, hasAnyRole, type Role } from '../domain/actor.ts';
import { validateImage } from '../domain/images.ts';
import * as s from '../domain/schemas.ts';
import type { AdminApiDeps } from './api.ts';

/**
 * The console at `/admin`: server-rendered pages over the same use cases as the JSON API, in process.
 *
 * Authentication: the session is the same JWT the API takes, kept in an HttpOnly, Secure, SameSite=Strict cookie
 * scoped to `/admin`, and verified on every request by the same code as the local API's authorizer
 * (shared/runtime/jwt-auth.ts `makeJwtAuthorizer`). No valid session: a redirect to the sign-in page. Then roles,
 * as in the API: every page names the roles it allows, and anything else is 403. The session comes from the local
 * sign-in form in local mode; in AWS from the user pool's hosted UI (authorization code + PKCE, `/admin/callback`),
 * the ID token verified against the pool's JWKS by that same code (issuer, audience = the console client, token_use).
 *
 * CSRF: the session cookie is SameSite=Strict (no cross-site request carries it), every POST must come from our own
 * origin when the browser says where it comes from (`Origin`), and every form carries a double-submit token that
 * must equal the `laurel_csrf` cookie (HttpOnly too: the page writes it into the form, no script reads it). Either
 * defence alone stops a cross-site form; together they also cover a sibling subdomain, which counts as same-site.
 */

export const SESSION_COOKIE = 'laurel_console';
export const CSRF_COOKIE = 'laurel_csrf';
const COOKIE_ATTRIBUTES = 'Path=/admin; HttpOnly; Secure; SameSite=Strict';
/** The hosted sign-in's state and PKCE verifier, kept for ten minutes for the callback only. */
export const OAUTH_STATE_COOKIE = 'laurel_oauth_state';
export const OAUTH_VERIFIER_COOKIE = 'laurel_oauth_verifier';
// Lax, not Strict: the way back from the hosted UI is a cross-site top-level GET, which Strict would strip.
const OAUTH_COOKIE_ATTRIBUTES = 'Path=/admin/callback; HttpOnly; Secure; SameSite=Lax';
const OAUTH_COOKIE_SECONDS = 600;

/** Verifies a session token: the local API's authorizer (or Cognito's, in AWS), fed the cookie as a bearer token. */
export type SessionVerifier = (headers: Record<string, string | undefined>) => Promise<AuthorizedRequest | undefined>;

export interface ConsoleDeps extends AdminApiDeps {
  bulkAward: ReturnType<typeof makeBulkAward>;
  /** Undefined when this deployment has no console sign-in configured: every page then redirects to sign-in. */
  verifySession?: SessionVerifier;
  /** AWS: sign-in through the user pool's hosted UI (code + PKCE); `/admin/sign-in` then redirects there. */
  hostedSignIn?: HostedSignIn;
  publicBaseUrl: string;
}

const CONSOLE_STYLE = `
body>main{max-width:72rem}nav.top{display:flex;flex-wrap:wrap;gap:.25rem 1rem;margin-bottom:1rem;align-items:center}
nav.top a{color:var(--accent)}nav.top form{margin-left:auto}
.table-wrap{overflow-x:auto}table{border-collapse:collapse;width:100%;background:#fff}
th,td{text-align:left;padding:.4rem .5rem;border-bottom:1px solid var(--line);vertical-align:top;overflow-wrap:anywhere}
input,select{font:inherit;padding:.45rem;border:1px solid var(--muted);border-radius:.375rem;width:100%;max-width:32rem}
form.stack>div{margin-bottom:.75rem}form.inline{display:inline-flex;flex-wrap:wrap;gap:.5rem;align-items:end}
form.inline input,form.inline select{width:auto}.stats{display:grid;grid-template-columns:repeat(auto-fit,minmax(10rem,1fr));gap:.75rem}
.stat{background:#fff;border:1px solid var(--line);border-radius:.5rem;padding:.75rem}.stat b{display:block;font-size:1.6rem}
.error{border:2px solid #a40e26;background:#fff5f5;padding:.75rem;border-radius:.5rem}
.notice{border:2px solid #116329;background:#f0fff4;padding:.75rem;border-radius:.5rem}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
`;

const styleHash = createHash('sha256').update(CONSOLE_STYLE).digest('base64');
/** The shared strict policy, plus the console's one stylesheet by hash; no script at all. */
export const CONSOLE_CSP = CONTENT_SECURITY_POLICY.replace(
  /style-src ([^;]+)/,
  `style-src $1 'sha256-${styleHash}'`,
).replace(/script-src [^;]+/, "script-src 'none'");

const headers = {
  ...pageHeaders,
  'content-security-policy': CONSOLE_CSP,
  'cache-control': 'no-store',
  'x-frame-options': 'DENY',
  // `no-referrer` would make the browser send `Origin: null` on our own form posts; same-origin keeps it exact.
  'referrer-policy': 'same-origin',
};

type Form = URLSearchParams;

interface PageContext {
  event: HttpEvent;
  actor: Actor;
  csrf: string;
  form: Form;
  /** The multipart form's file parts, by field name. */
  files: Map<string, UploadedFile>;
  params: Record<string, string>;
  query: Record<string, string>;
}

interface PageRoute {
  method: 'GET' | 'POST';
  path: string;
  allow: readonly Role[];
  handle: (d: ConsoleDeps, ctx: PageContext) => Promise<HttpResult>;
}

/** A page: its route key (as the manifest spells it), the roles that may see it, and what it does. */
const pageRoute = (
  key: `${PageRoute['method']} /admin${string}`,
  allow: PageRoute['allow'],
  handle: PageRoute['handle'],
): PageRoute => {
  const [method, path] = key.split(' ') as [PageRoute['method'], string];
  return { method, path, allow, handle };
};

const ANY: readonly Role[] = ['admin', 'issuer-admin', 'reviewer', 'viewer'];
const MANAGERS: readonly Role[] = ['admin', 'issuer-admin'];
const ADMINS: readonly Role[] = ['admin'];
const REVIEWERS: readonly Role[] = ['reviewer'];

// ---- cookies, forms, responses ----

export const cookiesOf = (event: HttpEvent): Record<string, string> => {
  const list = event.cookies ?? (event.headers.cookie ?? '').split(';');
  const out: Record<string, string> = {};
  for (const c of list) {
    const at = c.indexOf('=');
    if (at > 0) out[c.slice(0, at).trim()] = c.slice(at + 1).trim();
  }
  return out;
};

/** An uploaded file part: its bytes as sent and the type the browser declared. */
export interface UploadedFile {
  bytes: Buffer;
  contentType: string | undefined;
}

/**
 * The posted form: urlencoded, or multipart (the CSV and image uploads). Every part is also a text field (the CSV is
 * read that way); parts sent with a filename are kept as bytes too, unchanged, for the image checks.
 */
const formWithFiles = (event: HttpEvent): { form: Form; files: Map<string, UploadedFile> } => {
  const files = new Map<string, UploadedFile>();
  if (!event.body) return { form: new URLSearchParams(), files };
  const bytes = Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
  const type = event.headers['content-type'] ?? '';
  const boundary = /^multipart\/form-data;.*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(type);
  if (!boundary) return { form: new URLSearchParams(bytes.toString('utf8')), files };
  return multipart(bytes, boundary[1] ?? boundary[2] ?? '', files);
};

const formOf = (event: HttpEvent): Form => formWithFiles(event).form;

/**
 * Just enough of RFC 7578 for our forms: each part's name, its content as text, and a file part's bytes. Split as
 * latin1, which maps every byte to one character and back, so binary parts survive untouched.
 */
const multipart = (body: Buffer, boundary: string, files: Map<string, UploadedFile>) => {
  const form = new URLSearchParams();
  for (const part of body.toString('latin1').split(`--${boundary}`)) {
    const end = part.indexOf('\r\n\r\n');
    if (end === -1) continue;
    const head = part.slice(0, end);
    const name = /content-disposition:[^\r\n]*\bname="([^"]*)"/i.exec(head)?.[1];
    if (!name) continue;
    const content = Buffer.from(part.slice(end + 4).replace(/\r\n$/, ''), 'latin1');
    form.append(name, content.toString('utf8'));
    if (/content-disposition:[^\r\n]*\bfilename="/i.test(head))
      files.set(name, { bytes: content, contentType: /content-type:\s*([^\r\n]+)/i.exec(head)?.[1]?.trim() });
  }
  return { form, files };
};

const sameToken = (a: string | undefined, b: string | undefined) =>
  !!a && !!b && a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

const redirect = (location: string, cookies?: string[]): HttpResult => ({
  statusCode: 303,
  headers: { location, 'cache-control': 'no-store' },
  ...(cookies ? { cookies } : {}),
});

const newCsrf = () => randomBytes(32).toString('base64url');
const csrfCookie = (value: string) => `${CSRF_COOKIE}=${value}; ${COOKIE_ATTRIBUTES}; Max-Age=43200`;

const field = (csrf: string) => html`<input type="hidden" name="_csrf" value="${csrf}">`;

const nav = (actor: Actor, csrf: string) => html`<nav class="top" aria-label="Console">
<a href="/admin">Dashboard</a><a href="/admin/issuers">Issuers</a><a href="/admin/achievements">Achievements</a>
<a href="/admin/review">Review</a><a href="/admin/rules">Rules</a>
${hasAnyRole(actor, MANAGERS) ? html`<a href="/admin/credentials">Credentials</a><a href="/admin/bulk">Bulk award</a>` : ''}<a href="/admin/events">Event log</a>
<form method="post" action="/admin/sign-out">${field(csrf)}<button class="secondary" type="submit">Sign out ${actor.email ?? actor.sub}</button></form>
</nav>`;

const render = (status: number, title: string, body: SafeHtml, cookies?: string[], head?: SafeHtml): HttpResult => ({
  statusCode: status,
  headers,
  body: page(`${title} · Laurel console`, body, html`${head ?? ''}<style>${new SafeHtml(CONSOLE_STYLE)}</style>`),
  ...(cookies ? { cookies } : {}),
});

const layout = (ctx: Pick<PageContext, 'actor' | 'csrf'>, title: string, content: SafeHtml, status = 200) =>
  render(status, title, html`${nav(ctx.actor, ctx.csrf)}<h1>${title}</h1>${content}`);

const table = (head: string[], rows: SafeHtml[]) =>
  html`<div class="table-wrap"><table><thead><tr>${head.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead><tbody>${
    rows.length > 0 ? rows : html`<tr><td colspan="${head.length}">Nothing here yet.</td></tr>`
  }</tbody></table></div>`;

const input = (name: string, label: string, value = '', type = 'text', extra: { required?: boolean } = {}) =>
  html`<div><label for="f-${name}">${label}</label><input id="f-${name}" name="${name}" type="${type}" value="${value}"${
    extra.required ? html` required` : ''
  }></div>`;

const select = (name: string, label: string, options: readonly string[], value = '') =>
  html`<div><label for="f-${name}">${label}</label><select id="f-${name}" name="${name}">${options.map(
    (o) => html`<option value="${o}"${o === value ? html` selected` : ''}>${o || '(any)'}</option>`,
  )}</select></div>`;

const problem = (message: string) => html`<p class="error" role="alert">${message}</p>`;

/** A zod problem list as one message naming each field. */
const issues = (error: z.ZodError) =>
  error.issues
    .slice(0, 20)
    .map((i) => `${i.path.join('.') || 'form'}: ${i.message}`)
    .join('; ');

const opt = (form: Form, name: string) => {
  const v = form.get(name)?.trim();
  return v ? v : undefined;
};

const postButton = (action: string, label: string, csrf: string, extra?: SafeHtml) =>
  html`<form class="inline" method="post" action="${action}">${field(csrf)}${extra ?? ''}<button type="submit">${label}</button></form>`;

// ---- pages ----

const WEEK_MS = 7 * 86_400_000;

const dashboard = pageRoute('GET /admin', ANY, async (d, ctx) => {
  const [events, inReview] = await Promise.all([
    d.activity.events({ limit: 200 }),
    d.catalog.list({ reviewStatus: 'in-review' }),
  ]);
  const since = Date.now() - WEEK_MS;
  const recent = events.events.filter((e) => Date.parse(e.receivedAt) >= since);
  const count = (outcome: string) => recent.filter((e) => e.outcome === outcome).length;
  let claimed = 0;
  if (hasAnyRole(ctx.actor, MANAGERS)) {
    const credentials = await d.activity.searchCredentials(ctx.actor, { limit: 200, state: 'claimed' });
    claimed = credentials.credentials.filter((c) => Date.parse(c.claimedAt ?? '') >= since).length;
  }
  const stat = (label: string, value: number) => html`<div class="stat"><b>${value}</b>${label}</div>`;
  return layout(
    ctx,
    'This week',
    html`<div class="stats">${stat('awarded', count('issued'))}${stat('claimed', claimed)}${stat(
      'pending review',
      inReview.achievements.length,
    )}${stat('dry-run awards', count('dry-run'))}${stat('rejected events', count('rejected'))}</div>`,
  );
});

const issuersPage =
  (notice?: SafeHtml): PageRoute['handle'] =>
  async (d, ctx) => {
    const issuers = await d.issuers.list();
    const form = hasAnyRole(ctx.actor, ADMINS)
      ? html`<h2>New issuer</h2><form class="stack" method="post" action="/admin/issuers">${field(ctx.csrf)}
${input('slug', 'Slug (its did:web name)', ctx.form.get('slug') ?? '', 'text', { required: true })}
${input('name', 'Name', ctx.form.get('name') ?? '', 'text', { required: true })}
${input('url', 'Web site', ctx.form.get('url') ?? '', 'url', { required: true })}
${input('email', 'Email', ctx.form.get('email') ?? '', 'email')}
${input('description', 'Description', ctx.form.get('description') ?? '')}
<button type="submit">Create issuer</button></form>`
      : '';
    return layout(
      ctx,
      'Issuers',
      html`${notice ?? ''}${table(
        ['Slug', 'Name', 'Web site', 'Keys'],
        issuers.map(
          (i) =>
            html`<tr><td><a href="/admin/issuers/${encodeURIComponent(i.slug)}">${i.slug}</a></td><td>${i.name}</td><td>${i.url}</td><td>${i.keys.length}</td></tr>`,
        ),
      )}${form}`,
    );
  };

const createIssuer = pageRoute('POST /admin/issuers', ADMINS, async (d, ctx) => {
  const parsed = s.issuerInput.safeParse({
    slug: opt(ctx.form, 'slug') ?? '',
    name: opt(ctx.form, 'name') ?? '',
    url: opt(ctx.form, 'url') ?? '',
    ...(opt(ctx.form, 'email') && { email: opt(ctx.form, 'email') }),
    ...(opt(ctx.form, 'description') && { description: opt(ctx.form, 'description') }),
  });
  if (!parsed.success) return issuersPage(problem(issues(parsed.error)))(d, ctx);
  const created = await d.issuers.create(parsed.data);
  return issuersPage(html`<p class="notice" role="status">Created issuer ${created.name}.</p>`)(d, {
    ...ctx,
    form: new URLSearchParams(),
  });
});

/** An issuer's profile, and for those who manage it the editor (the API's PUT: name, url, email, description, image). */
const issuerView =
  (message?: SafeHtml): PageRoute['handle'] =>
  async (d, ctx) => {
    const slug = ctx.params.slug ?? '';
    const issuer = await d.issuers.get(slug);
    const f = message
      ? ctx.form
      : new URLSearchParams({
          name: issuer.name,
          url: issuer.url,
          email: issuer.email ?? '',
          description: issuer.description ?? '',
          image: issuer.image ?? '',
        });
    const editor = hasAnyRole(ctx.actor, MANAGERS)
      ? html`<h2>Edit the profile</h2><form class="stack" method="post" action="/admin/issuers/${encodeURIComponent(slug)}" enctype="multipart/form-data">${field(ctx.csrf)}
${input('name', 'Name', f.get('name') ?? '', 'text', { required: true })}
${input('url', 'Web site', f.get('url') ?? '', 'url', { required: true })}
${input('email', 'Email', f.get('email') ?? '', 'email')}
${textarea('description', 'Description', f.get('description') ?? '')}
${input('image', 'Image URL', f.get('image') ?? '', 'url')}
<div><label for="f-imageFile">Or upload an image (PNG or SVG, at most 256 KB)</label><input id="f-imageFile" name="imageFile" type="file" accept="image/png,image/svg+xml"></div>
<button type="submit">Save issuer</button></form>`
      : '';
    return layout(
      ctx,
      issuer.name,
      html`${message ?? ''}<p>${issuer.slug} · ${issuer.url}${issuer.email ? html` · ${issuer.email}` : ''} · ${issuer.keys.length} key(s)</p>
${issuer.description ? html`<p>${issuer.description}</p>` : ''}${editor}`,
    );
  };

const issuerPage = pageRoute('GET /admin/issuers/{slug}', ANY, issuerView());

const editIssuer = pageRoute('POST /admin/issuers/{slug}', MANAGERS, async (d, ctx) => {
  const slug = ctx.params.slug ?? '';
  const profile = await withUploadedImage(d, ctx, s.issuerProfileInput, {
    name: opt(ctx.form, 'name') ?? '',
    url: opt(ctx.form, 'url') ?? '',
    ...(opt(ctx.form, 'email') && { email: opt(ctx.form, 'email') }),
    ...(opt(ctx.form, 'description') && { description: opt(ctx.form, 'description') }),
    ...(opt(ctx.form, 'image') && { image: opt(ctx.form, 'image') }),
  });
  if ('problem' in profile) return issuerView(problem(profile.problem))(d, ctx);
  await d.issuers.update(ctx.actor, slug, profile.data);
  return redirect(`/admin/issuers/${encodeURIComponent(slug)}`);
});

const ACHIEVEMENT_TYPES = ['Badge', 'Certificate', 'Course', 'MicroCredential', 'Competency', 'Achievement'];

const ALIGNMENT_FIELDS = ['targetName', 'targetUrl', 'targetFramework', 'targetCode', 'targetType'] as const;

/** The alignments box: one a line, `name | url | framework | code | type` (the last three may be left out). */
const alignmentsFromText = (text: string) =>
  text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const cells = line.split('|').map((c) => c.trim());
      return Object.fromEntries(
        ALIGNMENT_FIELDS.flatMap((f, i) => (cells[i] || i < 2 ? [[f, cells[i] ?? '']] : [])),
      ) as Record<string, string>;
    });

const alignmentsToText = (alignments: readonly Partial<Record<(typeof ALIGNMENT_FIELDS)[number], string>>[]) =>
  alignments
    .map((a) =>
      ALIGNMENT_FIELDS.map((f) => a[f] ?? '')
        .join(' | ')
        .replace(/( \| )+$/, ''),
    )
    .join('\n');

/** A number field: absent when empty; anything else is left for the schema to judge (`abc` is NaN, refused). */
const num = (form: Form, name: string) => {
  const v = opt(form, name);
  return v === undefined ? undefined : Number(v);
};

/** The editor's content fields as the API's achievement content (the same schema judges both). */
const achievementContentFromForm = (form: Form) => {
  const tags = (opt(form, 'tags') ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  const alignments = alignmentsFromText(form.get('alignments') ?? '');
  const numbers = Object.fromEntries(
    (['creditsAvailable', 'validForDays'] as const).flatMap((n) =>
      num(form, n) === undefined ? [] : [[n, num(form, n)]],
    ),
  );
  return {
    name: opt(form, 'name') ?? '',
    description: opt(form, 'description') ?? '',
    criteria: {
      ...(opt(form, 'criteriaNarrative') && { narrative: opt(form, 'criteriaNarrative') }),
      ...(opt(form, 'criteriaUrl') && { id: opt(form, 'criteriaUrl') }),
    },
    ...(opt(form, 'image') && { image: opt(form, 'image') }),
    ...(opt(form, 'achievementType') && { achievementType: opt(form, 'achievementType') }),
    ...(tags.length > 0 && { tags }),
    ...(alignments.length > 0 && { alignments }),
    ...(opt(form, 'level') && { level: opt(form, 'level') }),
    ...(opt(form, 'fieldOfStudy') && { fieldOfStudy: opt(form, 'fieldOfStudy') }),
    ...numbers,
  };
};

/** The editor's fields as the API's achievement input. */
const achievementFromForm = (form: Form) => ({
  id: opt(form, 'id') ?? '',
  issuerSlug: opt(form, 'issuerSlug') ?? '',
  ...achievementContentFromForm(form),
});

/** A stored version's content as the editor's fields. */
const formFromContent = (c: z.output<typeof s.achievementContentInput>) =>
  new URLSearchParams({
    name: c.name,
    description: c.description,
    criteriaNarrative: c.criteria.narrative ?? '',
    criteriaUrl: c.criteria.id ?? '',
    image: c.image ?? '',
    achievementType: c.achievementType ?? '',
    tags: (c.tags ?? []).join(', '),
    alignments: alignmentsToText(c.alignments ?? []),
    level: c.level ?? '',
    creditsAvailable: c.creditsAvailable === undefined ? '' : String(c.creditsAvailable),
    fieldOfStudy: c.fieldOfStudy ?? '',
    validForDays: c.validForDays === undefined ? '' : String(c.validForDays),
  });

const textarea = (name: string, label: string, value: string, hint?: string) =>
  html`<div><label for="f-${name}">${label}</label>${hint ? html`<small id="h-${name}">${hint}</small>` : ''}<textarea id="f-${name}" name="${name}" rows="3"${
    hint ? html` aria-describedby="h-${name}"` : ''
  }>${value}</textarea></div>`;

/** Every content field of an achievement, filled from `f`; the image as a URL or an upload (PNG or SVG). */
const achievementFields = (f: Form) => html`${input('name', 'Name', f.get('name') ?? '', 'text', { required: true })}
${textarea('description', 'Description', f.get('description') ?? '')}
${textarea('criteriaNarrative', 'Criteria', f.get('criteriaNarrative') ?? '')}
${input('criteriaUrl', 'Criteria URL', f.get('criteriaUrl') ?? '', 'url')}
${input('image', 'Image URL', f.get('image') ?? '', 'url')}
<div><label for="f-imageFile">Or upload an image (PNG or SVG, at most 256 KB)</label><input id="f-imageFile" name="imageFile" type="file" accept="image/png,image/svg+xml"></div>
${select('achievementType', 'Type', ['', ...ACHIEVEMENT_TYPES], f.get('achievementType') ?? '')}
${input('tags', 'Tags and skills (comma-separated)', f.get('tags') ?? '')}
${textarea(
  'alignments',
  'Alignments',
  f.get('alignments') ?? '',
  'One a line: name | URL | framework | code | type (CFItem for CASE, ext:ESCOSkill, ext:ONETOccupation, ceterms:Credential)',
)}
${input('level', 'Level', f.get('level') ?? '')}
${input('creditsAvailable', 'Credits', f.get('creditsAvailable') ?? '', 'number')}
${input('fieldOfStudy', 'Field of study', f.get('fieldOfStudy') ?? '')}
${input('validForDays', 'Valid for (days; empty: no end)', f.get('validForDays') ?? '', 'number')}`;

/**
 * A form that may carry an image: the API's schema judges the fields, then the upload (if any) is checked by the API's
 * own code, stored, and its stable URL stands in for a typed one. A refusal of either (for the image: wrong type, too
 * large, unsafe SVG) comes back as the problem to show on the page again, with the form as typed; other errors go on.
 */
const withUploadedImage = async <S extends z.ZodType<object>>(
  d: ConsoleDeps,
  ctx: PageContext,
  schema: S,
  fields: unknown,
): Promise<{ data: z.output<S> & { image?: string } } | { problem: string }> => {
  const parsed = schema.safeParse(fields);
  if (!parsed.success) return { problem: issues(parsed.error) };
  const file = ctx.files.get('imageFile');
  if (!file || file.bytes.length === 0) return { data: parsed.data };
  try {
    return {
      data: { ...parsed.data, image: await d.saveImage(validateImage(file.bytes, file.contentType), ctx.actor) },
    };
  } catch (error) {
    if (isPermanent(error) && error.expose) return { problem: `imageFile: ${error.message}` };
    throw error;
  }
};

const achievementsPage =
  (notice?: SafeHtml, preview?: SafeHtml): PageRoute['handle'] =>
  async (d, ctx) => {
    const q = s.achievementQuery.safeParse({
      ...(ctx.query.q && { q: ctx.query.q }),
      ...(ctx.query.status && { status: ctx.query.status }),
    });
    const { achievements } = await d.catalog.list(q.success ? q.data : {});
    const issuers = await d.issuers.list();
    const f = ctx.form;
    const editor = hasAnyRole(ctx.actor, MANAGERS)
      ? html`<h2 id="new">New achievement</h2>${preview ?? ''}<form class="stack" method="post" action="/admin/achievements" enctype="multipart/form-data">${field(ctx.csrf)}
${input('id', 'Id (slug)', f.get('id') ?? '', 'text', { required: true })}
${select(
  'issuerSlug',
  'Issuer',
  issuers.map((i) => i.slug),
  f.get('issuerSlug') ?? '',
)}
${achievementFields(f)}
<ul class="actions"><li><button class="secondary" type="submit" name="intent" value="preview">Preview</button></li>
<li><button type="submit" name="intent" value="create">Create draft</button></li></ul></form>`
      : '';
    return layout(
      ctx,
      'Achievements',
      html`${notice ?? ''}<form class="inline" method="get" action="/admin/achievements" role="search">
${input('q', 'Search', ctx.query.q ?? '', 'search')}${select('status', 'Status', ['', 'draft', 'published', 'retired'], ctx.query.status ?? '')}
<button type="submit">Filter</button></form>
${table(
  ['Name', 'Id', 'Issuer', 'Status', 'Review'],
  achievements.map(
    (a) =>
      html`<tr><td><a href="/admin/achievements/${encodeURIComponent(a.id)}">${a.name}</a></td><td>${a.id}</td><td>${a.issuerSlug}</td><td>${a.status}</td><td>${a.latestStatus ?? a.status}</td></tr>`,
  ),
)}${editor}`,
    );
  };

const createAchievement = pageRoute('POST /admin/achievements', MANAGERS, async (d, ctx) => {
  const input = achievementFromForm(ctx.form);
  const issuer = (await d.issuers.list()).find((i) => i.slug === input.issuerSlug);
  // The learner's view of the badge, from the form as it stands (escaped like the public page).
  const preview = html`<section aria-label="Preview: how a learner sees it"><h3>Preview</h3>${badgeCard({
    name: input.name || 'Achievement',
    ...(input.description && { description: input.description }),
    ...(input.criteria.narrative && { criteriaNarrative: input.criteria.narrative }),
    ...(input.criteria.id && /^https?:\/\//i.test(input.criteria.id) && { criteriaUrl: input.criteria.id }),
    ...(input.image && /^https:\/\//i.test(input.image) && { imageUrl: input.image }),
    issuerName: issuer?.name ?? 'Issuer',
    evidence: [],
    alignments: [],
  })}</section>`;
  if (ctx.form.get('intent') === 'preview') return achievementsPage(undefined, preview)(d, ctx);
  const achievement = await withUploadedImage(d, ctx, s.achievementInput, input);
  if ('problem' in achievement) return achievementsPage(problem(achievement.problem), preview)(d, ctx);
  await d.catalog.create(ctx.actor, achievement.data);
  return redirect(`/admin/achievements/${encodeURIComponent(achievement.data.id)}`);
});

/** An achievement: its latest version, the review actions the role allows, the draft's editor, the history. */
const achievementView =
  (editProblem?: string): PageRoute['handle'] =>
  async (d, ctx) => {
    const id = ctx.params.id ?? '';
    const { achievement, versions } = await d.catalog.get(id);
    const { entries } = await d.catalog.history(id);
    const latest = versions[versions.length - 1];
    const state = latest?.status ?? achievement.status;
    const base = `/admin/achievements/${encodeURIComponent(id)}`;
    const actions: SafeHtml[] = [];
    if (hasAnyRole(ctx.actor, MANAGERS)) {
      if (state === 'draft') actions.push(postButton(`${base}/submit`, 'Submit for review', ctx.csrf));
      if (state === 'approved') actions.push(postButton(`${base}/publish`, 'Publish', ctx.csrf));
      if (state === 'in-review' || state === 'approved')
        actions.push(postButton(`${base}/withdraw`, 'Withdraw', ctx.csrf));
    }
    if (hasAnyRole(ctx.actor, REVIEWERS) && state === 'in-review') {
      const comment = html`<label for="f-approve">Comment</label><input id="f-approve" name="comment">`;
      actions.push(postButton(`${base}/approve`, 'Approve', ctx.csrf, comment));
      const why = html`<label for="f-changes">What to change</label><input id="f-changes" name="comment" required>`;
      actions.push(postButton(`${base}/request-changes`, 'Request changes', ctx.csrf, why));
    }
    if (hasAnyRole(ctx.actor, ['admin', 'issuer-admin', 'reviewer'])) {
      const comment = html`<label for="f-comment">Comment</label><input id="f-comment" name="comment" required>`;
      actions.push(postButton(`${base}/comment`, 'Comment', ctx.csrf, comment));
    }
    // A draft is edited in place (the API's PUT); what was refused comes back as it was typed, with the problem.
    const shown = latest ?? achievement;
    const editor =
      hasAnyRole(ctx.actor, MANAGERS) && state === 'draft' && latest
        ? html`<h2 id="edit">Edit the draft</h2>${editProblem ? problem(editProblem) : ''}<form class="stack" method="post" action="${base}/edit" enctype="multipart/form-data">${field(ctx.csrf)}
${achievementFields(editProblem ? ctx.form : formFromContent(latest))}<button type="submit">Save draft</button></form>`
        : '';
    return layout(
      ctx,
      achievement.name,
      html`<p>${achievement.id} · issuer ${achievement.issuerSlug} · version ${latest?.version ?? 1} is <strong>${state}</strong>
${latest ? html` · approvals: ${latest.approvals.length}` : ''}</p>
${badgeCard({
  name: shown.name,
  ...(shown.description && { description: shown.description }),
  ...(shown.criteria?.narrative && { criteriaNarrative: shown.criteria.narrative }),
  ...(shown.image && /^https:\/\//i.test(shown.image) && { imageUrl: shown.image }),
  issuerName: achievement.issuerSlug,
  evidence: [],
  alignments: (shown.alignments ?? []).map((a) => ({
    name: a.targetName,
    url: a.targetUrl,
    framework: a.targetFramework,
    code: a.targetCode,
  })),
})}
<ul class="actions">${actions.map((a) => html`<li>${a}</li>`)}</ul>${editor}
<h2>History</h2>${table(
        ['When', 'Who', 'What', 'Comment'],
        entries.map(
          (e) =>
            html`<tr><td>${e.at}</td><td>${e.actor.email ?? e.actor.sub}</td><td>${e.action} (v${e.version})</td><td>${e.comment ?? ''}</td></tr>`,
        ),
      )}`,
    );
  };

const achievementPage = pageRoute('GET /admin/achievements/{id}', ANY, achievementView());

/** Saves the draft's editor: the latest version must be a draft; an upload becomes its image. */
const editDraft = async (d: ConsoleDeps, ctx: PageContext, id: string) => {
  const { versions } = await d.catalog.get(id);
  if (versions[versions.length - 1]?.status !== 'draft')
    throw new PageError(409, 'Only a draft can be edited here; withdraw it from review first.');
  const content = await withUploadedImage(d, ctx, s.achievementContentInput, achievementContentFromForm(ctx.form));
  if ('problem' in content) return achievementView(content.problem)(d, ctx);
  await d.catalog.edit(ctx.actor, id, content.data);
  return redirect(`/admin/achievements/${encodeURIComponent(id)}`);
};

const achievementAction = pageRoute('POST /admin/achievements/{id}/{action}', ANY, async (d, ctx) => {
  const id = ctx.params.id ?? '';
  const action = ctx.params.action ?? '';
  const comment = opt(ctx.form, 'comment');
  const need = (roles: readonly Role[]) => {
    if (!hasAnyRole(ctx.actor, roles)) throw forbiddenPage();
  };
  switch (action) {
    case 'edit':
      need(MANAGERS);
      return editDraft(d, ctx, id);
    case 'submit':
    case 'publish':
    case 'withdraw':
      need(MANAGERS);
      await d.catalog[action](ctx.actor, id);
      break;
    case 'approve':
      need(REVIEWERS);
      await d.catalog.approve(ctx.actor, id, comment);
      break;
    case 'request-changes': {
      need(REVIEWERS);
      const input = parsedOr400(s.commentInput, { comment: comment ?? '' });
      await d.catalog.requestChanges(ctx.actor, id, input.comment);
      break;
    }
    case 'comment': {
      need(['admin', 'issuer-admin', 'reviewer']);
      const input = parsedOr400(s.commentInput, { comment: comment ?? '' });
      await d.catalog.comment(ctx.actor, id, input.comment);
      break;
    }
    default:
      throw new PageError(404, 'no such action');
  }
  return redirect(`/admin/achievements/${encodeURIComponent(id)}`);
});

const reviewQueue = pageRoute('GET /admin/review', ANY, async (d, ctx) => {
  const { achievements } = await d.catalog.list({ reviewStatus: 'in-review' });
  return layout(
    ctx,
    'Review queue',
    table(
      ['Achievement', 'Issuer', 'Updated'],
      achievements.map(
        (a) =>
          html`<tr><td><a href="/admin/achievements/${encodeURIComponent(a.id)}">${a.name}</a></td><td>${a.issuerSlug}</td><td>${a.updatedAt ?? ''}</td></tr>`,
      ),
    ),
  );
});

const MODES = ['dry-run', 'live', 'off'] as const;

const rulesPage =
  (notice?: SafeHtml): PageRoute['handle'] =>
  async (d, ctx) => {
    const { rules } = await d.rules.list({});
    const f = ctx.form;
    const manage = hasAnyRole(ctx.actor, MANAGERS);
    const create = manage
      ? html`<h2>New rule</h2><form class="stack" method="post" action="/admin/rules">${field(ctx.csrf)}
${input('id', 'Id (slug)', f.get('id') ?? '', 'text', { required: true })}
${input('name', 'Name (optional)', f.get('name') ?? '')}
${select('type', 'Type: match an activity, or stack achievements into a pathway', RULE_TYPES, f.get('type') ?? 'match')}
${input('achievementId', 'Achievement id (awarded)', f.get('achievementId') ?? '', 'text', { required: true })}
${select('mode', 'Mode', MODES, f.get('mode') ?? 'dry-run')}
<fieldset><legend>Match: the activity</legend>
${input('source', 'Event source', f.get('source') ?? '')}
${input('kind', 'Activity kind', f.get('kind') ?? '')}
${input('externalId', 'Activity external id', f.get('externalId') ?? '')}
${input('minScore', 'Minimum score (optional)', f.get('minScore') ?? '', 'number')}
${input('grades', 'Grades accepted (comma-separated, optional)', f.get('grades') ?? '')}
${input('statuses', 'Statuses accepted (comma-separated, optional)', f.get('statuses') ?? '')}
${input('occurredFrom', 'Occurred from (ISO date-time, e.g. 2026-05-01T00:00:00Z; optional)', f.get('occurredFrom') ?? '')}
${input('occurredUntil', 'Occurred until (ISO date-time; optional)', f.get('occurredUntil') ?? '')}
</fieldset>
<fieldset><legend>Stack: the achievements it takes</legend>
${input('requires', 'Required achievements (their ids, comma-separated)', f.get('requires') ?? '')}
${input('threshold', 'How many of them (empty: all of them)', f.get('threshold') ?? '', 'number')}
</fieldset>
<button type="submit">Create rule</button></form>`
      : '';
    const tester = html`<h2>Rule tester</h2><form class="stack" method="post" action="/admin/rules/test">${field(ctx.csrf)}
${input('source', 'Source', f.get('testSource') ?? '', 'text', { required: true })}
<div><label for="f-detail">Event detail (JSON)</label><textarea id="f-detail" name="detail" rows="6">${f.get('detail') ?? ''}</textarea></div>
<button type="submit">Test</button></form>`;
    return layout(
      ctx,
      'Rules',
      html`${notice ?? ''}${table(
        ['Rule', 'Type', 'Achievement', 'Mode', manage ? 'Switch mode' : ''],
        rules.map((r) => {
          const base = `/admin/rules/${encodeURIComponent(r.id)}`;
          const sw = manage
            ? html`<form class="inline" method="post" action="${base}/mode">${field(ctx.csrf)}<label class="visually-hidden" for="m-${r.id}">Mode of ${r.id}</label><select id="m-${r.id}" name="mode">${MODES.map(
                (m) => html`<option value="${m}"${m === r.mode ? html` selected` : ''}>${m}</option>`,
              )}</select><button type="submit">Set</button></form>`
            : '';
          return html`<tr><td><a href="${base}">${r.name ?? r.id}</a></td><td>${r.type}</td><td>${r.achievementId}</td><td>${r.mode}</td><td>${sw}</td></tr>`;
        }),
      )}${create}${tester}`,
    );
  };

const createRule = pageRoute('POST /admin/rules', MANAGERS, async (d, ctx) => {
  const parsed = s.ruleInput.safeParse(ruleFromForm(ctx.form));
  if (!parsed.success) return rulesPage(problem(issues(parsed.error)))(d, ctx);
  await d.rules.create(ctx.actor, parsed.data);
  return redirect(`/admin/rules/${encodeURIComponent(parsed.data.id)}`);
});

const RULE_TYPES = ['match', 'stack'] as const;

/** A comma-separated list, trimmed, empty entries dropped; absent when empty. */
const list = (form: Form, name: string) => {
  const items = (opt(form, name) ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  return items.length > 0 ? items : undefined;
};

/** The rule form as the API's rule input: a match rule with its conditions, or a stack rule (all of, or N of). */
const ruleFromForm = (f: Form) => {
  const common = {
    id: opt(f, 'id') ?? '',
    achievementId: opt(f, 'achievementId') ?? '',
    mode: opt(f, 'mode') ?? 'dry-run',
    ...(opt(f, 'name') && { name: opt(f, 'name') }),
  };
  if (f.get('type') === 'stack')
    return {
      type: 'stack',
      ...common,
      requires: list(f, 'requires') ?? [],
      ...(num(f, 'threshold') !== undefined && { threshold: num(f, 'threshold') }),
    };
  const grades = list(f, 'grades');
  const statuses = list(f, 'statuses');
  return {
    type: 'match',
    ...common,
    source: opt(f, 'source') ?? '',
    kind: opt(f, 'kind') ?? '',
    externalId: opt(f, 'externalId') ?? '',
    conditions: {
      ...(num(f, 'minScore') !== undefined && { minScore: num(f, 'minScore') }),
      ...(grades && { grades }),
      ...(statuses && { statuses }),
      ...(opt(f, 'occurredFrom') && { occurredFrom: opt(f, 'occurredFrom') }),
      ...(opt(f, 'occurredUntil') && { occurredUntil: opt(f, 'occurredUntil') }),
    },
  };
};

/** A rule's conditions or stacking, for its page. */
const ruleDetails = (rule: Record<string, unknown>) => {
  if (rule.type === 'stack') {
    const requires = (rule.requires as string[] | undefined) ?? [];
    const threshold = rule.threshold as number | undefined;
    return html`<dt>Takes</dt><dd>${threshold === undefined || threshold === requires.length ? 'all' : `${threshold}`} of: ${requires.join(', ')}</dd>`;
  }
  const c = (rule.conditions ?? {}) as z.output<typeof s.conditionsInput>;
  const parts = [
    c.minScore === undefined ? '' : `score at least ${c.minScore}`,
    c.grades ? `grade one of ${c.grades.join(', ')}` : '',
    c.statuses ? `status one of ${c.statuses.join(', ')}` : '',
    c.occurredFrom ? `from ${c.occurredFrom}` : '',
    c.occurredUntil ? `until ${c.occurredUntil}` : '',
  ].filter(Boolean);
  return html`<dt>Matches</dt><dd>${String(rule.source)} · ${String(rule.kind)} · ${String(rule.externalId)}</dd><dt>Conditions</dt><dd>${
    parts.length > 0 ? parts.join('; ') : 'none'
  }</dd>`;
};

const testRule = pageRoute('POST /admin/rules/test', ANY, async (d, ctx) => {
  let detail: unknown;
  try {
    detail = JSON.parse(ctx.form.get('detail') ?? '');
  } catch {
    return rulesPage(problem('detail: is not JSON'))(d, ctx);
  }
  const parsed = s.ruleTestInput.safeParse({ source: opt(ctx.form, 'source') ?? '', detail });
  if (!parsed.success) return rulesPage(problem(issues(parsed.error)))(d, ctx);
  const result = await d.rules.test(parsed.data);
  return rulesPage(
    html`<section class="notice" role="status"><h2>Tester result</h2><pre>${JSON.stringify(result, null, 2)}</pre></section>`,
  )(d, ctx);
});

const rulePage = pageRoute('GET /admin/rules/{id}', ANY, async (d, ctx) => {
  const id = ctx.params.id ?? '';
  const rule = await d.rules.get(id);
  const base = `/admin/rules/${encodeURIComponent(id)}`;
  let dryRuns: SafeHtml | string = '';
  if (hasAnyRole(ctx.actor, MANAGERS)) {
    const { items } = await d.rules.dryRuns(ctx.actor, id, { limit: 50 });
    dryRuns = html`<h2>Dry-run awards</h2>${table(
      ['Event', 'Learner', 'When', 'Status'],
      items.map(
        (i) =>
          html`<tr><td>${i.eventId}</td><td>${learnerOf(i.event)}</td><td>${i.recordedAt}</td><td>${i.status}</td></tr>`,
      ),
    )}${
      items.some((i) => i.status === 'pending')
        ? postButton(`${base}/promote`, 'Promote pending awards (issue and email them)', ctx.csrf)
        : ''
    }`;
  }
  return layout(
    ctx,
    `Rule ${rule.name ?? rule.id}`,
    html`<dl><dt>Type</dt><dd>${rule.type}</dd><dt>Achievement</dt><dd>${rule.achievementId}</dd><dt>Mode</dt><dd>${rule.mode}</dd>
${ruleDetails(rule as Record<string, unknown>)}</dl>${dryRuns}`,
  );
});

const ruleAction = pageRoute('POST /admin/rules/{id}/{action}', MANAGERS, async (d, ctx) => {
  const id = ctx.params.id ?? '';
  const action = ctx.params.action;
  if (action === 'mode') {
    const mode = ctx.form.get('mode');
    if (!MODES.includes(mode as (typeof MODES)[number])) throw new PageError(400, 'mode: must be live, dry-run or off');
    const { id: _id, createdAt: _c, updatedAt: _u, ...rest } = (await d.rules.get(id)) as Record<string, unknown>;
    await d.rules.update(ctx.actor, id, parsedOr400(s.ruleUpdateInput, { ...pickRule(rest), mode }));
    return redirect('/admin/rules');
  }
  if (action === 'promote') {
    await d.rules.promote(ctx.actor, id);
    return redirect(`/admin/rules/${encodeURIComponent(id)}`);
  }
  throw new PageError(404, 'no such action');
});

/** The learner a dry-run event names (shown to managers only). */
const learnerOf = (event: Record<string, unknown>) => {
  const learner = event.learner as { email?: unknown; name?: unknown } | undefined;
  return [learner?.name, learner?.email].filter((v) => typeof v === 'string').join(' ');
};

/** The fields a rule update takes, from a stored rule. */
const pickRule = (r: Record<string, unknown>) => {
  const keys =
    r.type === 'stack'
      ? ['type', 'achievementId', 'requires', 'threshold', 'name']
      : ['type', 'achievementId', 'source', 'kind', 'externalId', 'conditions', 'name'];
  return Object.fromEntries(keys.filter((k) => r[k] !== undefined).map((k) => [k, r[k]]));
};

const STATES = ['', 'pending', 'emailed', 'email-failed', 'claimed', 'suspended', 'revoked'] as const;

const credentialsPage =
  (notice?: SafeHtml): PageRoute['handle'] =>
  async (d, ctx) => {
    const f = ctx.form;
    let results: SafeHtml | string = '';
    if (ctx.event.requestContext.http.method === 'POST' && f.get('intent') === 'search') {
      const parsed = s.credentialSearchInput.safeParse({
        ...(opt(f, 'email') && { email: opt(f, 'email') }),
        ...(opt(f, 'achievementId') && { achievementId: opt(f, 'achievementId') }),
        ...(opt(f, 'state') && { state: opt(f, 'state') }),
      });
      if (!parsed.success) results = problem(issues(parsed.error));
      else {
        const { credentials } = await d.activity.searchCredentials(ctx.actor, parsed.data);
        results = table(
          ['Learner', 'Achievement', 'Issued', 'State', 'Actions'],
          credentials.map((c) => {
            const base = `/admin/credentials/${encodeURIComponent(c.id)}`;
            const reason = html`<label for="r-${c.id}">Reason</label><input id="r-${c.id}" name="reason" required>`;
            const act = (a: string, label: string) =>
              html`<form class="inline" method="post" action="${base}/${a}">${field(ctx.csrf)}${a === 'resend' ? '' : reason}<button type="submit">${label}</button></form>`;
            return html`<tr><td>${c.recipientName ?? ''} ${c.recipientEmail}</td><td>${c.achievementId}</td><td>${c.issuedAt}</td><td>${c.state}</td><td>${
              c.state === 'revoked'
                ? ''
                : html`${act('resend', 'Resend claim email')}${
                    c.state === 'suspended' ? act('reinstate', 'Reinstate') : act('suspend', 'Suspend')
                  }${act('revoke', 'Revoke')}`
            }</td></tr>`;
          }),
        );
      }
    }
    return layout(
      ctx,
      'Credentials',
      html`${notice ?? ''}<form class="inline" method="post" action="/admin/credentials" role="search">${field(ctx.csrf)}
<input type="hidden" name="intent" value="search">
${input('email', 'Learner email', f.get('email') ?? '', 'email')}${input('achievementId', 'Achievement id', f.get('achievementId') ?? '')}
${select('state', 'State', STATES, f.get('state') ?? '')}<button type="submit">Search</button></form>${results}`,
    );
  };

const credentialAction = pageRoute('POST /admin/credentials/{id}/{action}', MANAGERS, async (d, ctx) => {
  const id = ctx.params.id ?? '';
  const action = ctx.params.action ?? '';
  if (action === 'resend') {
    await d.activity.resend(ctx.actor, id);
    return credentialsPage(html`<p class="notice" role="status">The claim email was sent again.</p>`)(d, ctx);
  }
  if (action !== 'revoke' && action !== 'suspend' && action !== 'reinstate') throw new PageError(404, 'no such action');
  const { reason } = parsedOr400(s.statusChangeInput, { reason: opt(ctx.form, 'reason') ?? '' });
  const result = await d.credentialStatus[action](ctx.actor, id, reason);
  return credentialsPage(
    html`<p class="notice" role="status">${result.action}: ${result.outcome} (${result.credentialId}).</p>`,
  )(d, ctx);
});

const eventsPage = pageRoute('GET /admin/events', ANY, async (d, ctx) => {
  const outcome = s.eventQuery.shape.outcome.safeParse(ctx.query.outcome || undefined);
  const { events } = await d.activity.events({
    limit: 100,
    ...(outcome.success && outcome.data && { outcome: outcome.data }),
  });
  return layout(
    ctx,
    'Event log',
    html`<form class="inline" method="get" action="/admin/events">${select(
      'outcome',
      'Outcome',
      ['', ...s.eventQuery.shape.outcome.unwrap().options],
      ctx.query.outcome ?? '',
    )}<button type="submit">Filter</button></form>${table(
      ['Event', 'Source', 'Outcome', 'Reason'],
      events.map(
        (e) =>
          html`<tr><td>${e.eventId}</td><td>${e.source ?? ''}</td><td>${e.outcome}</td><td>${e.reason ?? ''}</td></tr>`,
      ),
    )}`,
  );
});

const bulkForm = (
  csrf: string,
) => html`<form class="stack" method="post" action="/admin/bulk" enctype="multipart/form-data">${field(csrf)}
<div><label for="f-csv">CSV file</label><input id="f-csv" name="csv" type="file" accept=".csv,text/csv" required></div>
<p class="muted">First line: <code>email,name,achievement,score,evidenceUrl</code> (score and evidenceUrl optional), at most ${MAX_BULK_ROWS} rows.</p>
<button type="submit">Check the file</button></form>`;

const bulkPage = pageRoute('GET /admin/bulk', MANAGERS, async (_d, ctx) =>
  layout(ctx, 'Bulk award', html`<p>Nothing is issued until you have seen every row checked.</p>${bulkForm(ctx.csrf)}`),
);

const bulkCheck = pageRoute('POST /admin/bulk', MANAGERS, async (d, ctx) => {
  const csv = ctx.form.get('csv') ?? '';
  const rows = await d.bulkAward.validate(ctx.actor, csv);
  const bad = rows.filter((r) => r.problems.length > 0);
  const good = rows.length - bad.length;
  return layout(
    ctx,
    'Bulk award: check',
    html`<p role="status" id="bulk-summary">${rows.length} rows: ${good} valid, ${bad.length} with problems.</p>
${
  bad.length > 0
    ? html`<h2>Rows with problems (not issued)</h2>${table(
        ['Line', 'Email', 'Achievement', 'Problems'],
        bad.map(
          (r) =>
            html`<tr><td>${r.line}</td><td>${r.email}</td><td>${r.achievementId}</td><td>${r.problems.join('; ')}</td></tr>`,
        ),
      )}`
    : ''
}
${
  good > 0
    ? html`<form class="stack" method="post" action="/admin/bulk/issue">${field(ctx.csrf)}<textarea name="csv" hidden aria-hidden="true">${csv}</textarea>
<button type="submit">Issue ${good} credentials</button></form>`
    : ''
}<h2>Another file</h2>${bulkForm(ctx.csrf)}`,
  );
});

const bulkIssue = pageRoute('POST /admin/bulk/issue', MANAGERS, async (d, ctx) => {
  const result = await d.bulkAward.issue(ctx.actor, ctx.form.get('csv') ?? '');
  return redirect(`/admin/bulk/${result.job}?rows=${result.rows}`);
});

const bulkProgress = pageRoute('GET /admin/bulk/{job}', MANAGERS, async (d, ctx) => {
  const p = await d.bulkAward.progress(ctx.params.job ?? '', Number(ctx.query.rows));
  const done = p.issuing === 0;
  const res = layout(
    ctx,
    done ? 'Bulk award: done' : 'Bulk award: issuing',
    html`<p role="status" id="bulk-progress">${p.issued} of ${p.total} issued, ${p.issuing} in progress, ${p.failed.length} failed.</p>
${done ? '' : html`<p class="muted">This page refreshes itself every two seconds.</p>`}
${
  p.failed.length > 0
    ? table(
        ['Line', 'Why'],
        p.failed.map((f) => html`<tr><td>${f.line}</td><td>${f.reason}</td></tr>`),
      )
    : ''
}`,
  );
  // A plain refresh while it runs: polling without any script.
  return done ? res : { ...res, headers: { ...res.headers, refresh: '2' } };
});

const pages: readonly PageRoute[] = [
  dashboard,
  pageRoute('GET /admin/issuers', ANY, issuersPage()),
  createIssuer,
  issuerPage,
  editIssuer,
  pageRoute('GET /admin/achievements', ANY, achievementsPage()),
  createAchievement,
  achievementPage,
  achievementAction,
  reviewQueue,
  pageRoute('GET /admin/rules', ANY, rulesPage()),
  createRule,
  testRule,
  rulePage,
  ruleAction,
  pageRoute('GET /admin/credentials', MANAGERS, credentialsPage()),
  pageRoute('POST /admin/credentials', MANAGERS, credentialsPage()),
  credentialAction,
  eventsPage,
  bulkPage,
  bulkCheck,
  bulkIssue,
  bulkProgress,
];

// ---- errors ----

class PageError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}
const forbiddenPage = () => new PageError(403, 'Your role does not allow this.');

/** The value as the API's schema reads it; a refusal is a 400 page naming each problem. */
const parsedOr400 = <S extends z.ZodType>(schema: S, value: unknown): z.output<S> => {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new PageError(400, issues(parsed.error));
  return parsed.data;
};

// ---- sign in and out ----

const signInPage = (csrf: string, message?: string, status = 200, cookies?: string[]) =>
  render(
    status,
    'Sign in',
    html`<h1>Sign in to the Laurel console</h1>${message ? problem(message) : ''}
<form class="stack" method="post" action="/admin/sign-in">${field(csrf)}
${input('email', 'Email', '', 'email', { required: true })}${input('password', 'Password', '', 'password', { required: true })}
<button type="submit">Sign in</button></form>`,
    cookies,
  );

/** Is this POST from our own pages: our origin (when the browser names one) and the double-submit token? */
const csrfOk = (event: HttpEvent, form: Form, publicBaseUrl: string) => {
  const origin = event.headers.origin;
  if (origin && origin !== new URL(publicBaseUrl).origin) return false;
  return sameToken(form.get('_csrf') ?? undefined, cookiesOf(event)[CSRF_COOKIE]);
};

const oauthCookies = (state: string, verifier: string, maxAge: number) => [
  `${OAUTH_STATE_COOKIE}=${state}; ${OAUTH_COOKIE_ATTRIBUTES}; Max-Age=${maxAge}`,
  `${OAUTH_VERIFIER_COOKIE}=${verifier}; ${OAUTH_COOKIE_ATTRIBUTES}; Max-Age=${maxAge}`,
];

/** The session cookie and a fresh CSRF token, for a session token that expires at `expiresAt`. */
const sessionCookies = (token: string, expiresAt: string) => {
  const maxAge = Math.max(0, Math.floor((Date.parse(expiresAt) - Date.now()) / 1000));
  return [`${SESSION_COOKIE}=${token}; ${COOKIE_ATTRIBUTES}; Max-Age=${maxAge}`, csrfCookie(newCsrf())];
};

const signInAgain = (status: number, message: string, cookies: string[]) =>
  render(
    status,
    'Sign in',
    html`<h1>Sign in to the Laurel console</h1>${problem(message)}<p><a href="/admin/sign-in">Sign in again</a></p>`,
    cookies,
  );

/**
 * The way back from the hosted UI. The session cookie is SameSite=Strict, and a browser still counts a redirect
 * that ends a cross-site chain as cross-site, so the session would not ride along on a 303 to `/admin`: the page
 * instead moves on by itself (a meta refresh, no script), which is a same-site navigation.
 */
const callback =
  (d: ConsoleDeps): RouteHandler =>
  async (event) => {
    const clear = oauthCookies('', '', 0);
    if (!d.hostedSignIn) return signInAgain(404, 'This console signs in with a password.', clear);
    const query = (event.queryStringParameters ?? {}) as Record<string, string | undefined>;
    if (query.error) return signInAgain(401, 'The sign-in was cancelled or refused.', clear);
    const cookies = cookiesOf(event);
    try {
      const session = await d.hostedSignIn.finish({
        code: query.code,
        state: query.state,
        keptState: cookies[OAUTH_STATE_COOKIE],
        keptVerifier: cookies[OAUTH_VERIFIER_COOKIE],
      });
      return render(
        200,
        'Signed in',
        html`<h1>Signed in</h1><p><a href="/admin">Continue to the console</a></p>`,
        [...sessionCookies(session.token, session.expiresAt), ...clear],
        html`<meta http-equiv="refresh" content="0;url=/admin">`,
      );
    } catch (error) {
      if (isPermanent(error) && error.expose) return signInAgain(error.status, error.message, clear);
      throw error;
    }
  };

const signInRoutes = (d: ConsoleDeps): Record<string, RouteHandler> => ({
  'GET /admin/callback': callback(d),
  'GET /admin/sign-in': async (event) => {
    if (d.hostedSignIn) {
      const start = d.hostedSignIn.start();
      return redirect(start.location, oauthCookies(start.state, start.codeVerifier, OAUTH_COOKIE_SECONDS));
    }
    const existing = cookiesOf(event)[CSRF_COOKIE];
    const csrf = existing && /^[A-Za-z0-9_-]{43}$/.test(existing) ? existing : newCsrf();
    return signInPage(csrf, undefined, 200, existing === csrf ? undefined : [csrfCookie(csrf)]);
  },
  'POST /admin/sign-in': async (event) => {
    const form = formOf(event);
    const csrf = newCsrf();
    if (!csrfOk(event, form, d.publicBaseUrl))
      return signInPage(csrf, 'The form expired; please try again.', 403, [csrfCookie(csrf)]);
    if (!d.signIn) return signInPage(csrf, "Sign in with the institution's user pool.", 404, [csrfCookie(csrf)]);
    try {
      const session = await d.signIn(form.get('email') ?? '', form.get('password') ?? '');
      // The session, with a fresh CSRF token for it.
      return redirect('/admin', sessionCookies(session.token, session.expiresAt));
    } catch (error) {
      if (isPermanent(error) && error.status === 401)
        return signInPage(csrf, 'Wrong email or password.', 401, [csrfCookie(csrf)]);
      throw error;
    }
  },
  'POST /admin/sign-out': async (event) => {
    const form = formOf(event);
    if (!csrfOk(event, form, d.publicBaseUrl)) return render(403, 'Forbidden', problem('The form expired.'));
    // AWS: the hosted UI's logout ends its own session too, else the next sign-in would pass straight through.
    return redirect(d.hostedSignIn ? d.hostedSignIn.logoutUrl() : '/admin/sign-in', [
      `${SESSION_COOKIE}=; ${COOKIE_ATTRIBUTES}; Max-Age=0`,
      `${CSRF_COOKIE}=; ${COOKIE_ATTRIBUTES}; Max-Age=0`,
    ]);
  },
});

/** The pages' route keys, for the manifest's test. */
export const consoleRouteKeys = () => [
  'GET /admin/callback',
  'GET /admin/sign-in',
  'POST /admin/sign-in',
  'POST /admin/sign-out',
  ...pages.map((p) => `${p.method} ${p.path}`),
];

/**
 * Every console page, guarded: a valid session cookie (else a redirect to sign in), one of the page's roles (else
 * 403), and for a POST our origin and the CSRF token (else 403). Errors the use cases expose are shown on the page.
 */
export const consoleRoutes = (d: ConsoleDeps): Record<string, RouteHandler> => {
  const guarded = Object.fromEntries(
    pages.map((p): [string, RouteHandler] => [
      `${p.method} ${p.path}`,
      async (event) => {
        const cookies = cookiesOf(event);
        const token = cookies[SESSION_COOKIE];
        const authorized =
          token && d.verifySession ? await d.verifySession({ authorization: `Bearer ${token}` }) : undefined;
        const actor = actorFromClaims(authorized?.claims);
        if (!actor) return redirect('/admin/sign-in');
        const csrf = cookies[CSRF_COOKIE] ?? '';
        const { form, files } =
          p.method === 'POST' ? formWithFiles(event) : { form: new URLSearchParams(), files: new Map() };
        const ctx: PageContext = {
          event,
          actor,
          csrf,
          form,
          files,
          params: (event.pathParameters ?? {}) as Record<string, string>,
          query: (event.queryStringParameters ?? {}) as Record<string, string>,
        };
        if (!hasAnyRole(actor, p.allow))
          return layout(ctx, 'Forbidden', problem('Your role does not allow this.'), 403);
        if (p.method === 'POST' && !csrfOk(event, form, d.publicBaseUrl))
          return layout(
            ctx,
            'Forbidden',
            problem('The form expired or came from elsewhere; go back and try again.'),
            403,
          );
        try {
          return await p.handle(d, ctx);
        } catch (error) {
          if (error instanceof PageError || (isPermanent(error) && error.expose))
            return layout(ctx, 'Problem', problem(error.message), error.status);
          throw error;
        }
      },
    ]),
  );
  return { ...signInRoutes(d), ...guarded };
};
