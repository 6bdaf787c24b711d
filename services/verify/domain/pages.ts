import { type VerificationResult, verdictOf } from '#shared/credentials/verify.ts';
import { badgeCard, badgeView, formatDate } from '#shared/pages/badge-view.ts';
import { html, type SafeHtml } from '#shared/runtime/html.ts';

/** Each check as a person would ask it. */
const CHECK_LABELS: Record<string, string> = {
  format: 'Readable credential',
  context: 'Open Badges 3.0 vocabulary',
  type: 'Credential type',
  schema: 'Open Badges 3.0 format',
  issuer: 'Issuer profile',
  subject: 'Recipient and achievement',
  evidence: 'Evidence',
  key: 'Issuer’s signing key found',
  proof: 'Signature (not altered since signing)',
  controller: 'Signed by the issuer',
  claims: 'Token details match',
  issuance: 'In force (issued)',
  expiration: 'Not expired',
  status: 'Not revoked or suspended',
};

const dateOf = (document: Record<string, unknown>, field: 'validFrom' | 'validUntil') => {
  const value = document[field];
  return typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? formatDate(value) : undefined;
};

/** The verdict in one sentence a person understands, for the page's headline. */
export const verdictSentence = (
  document: Record<string, unknown>,
  result: VerificationResult,
): { tone: 'ok' | 'bad'; headline: string; detail: string } => {
  switch (verdictOf(result)) {
    case 'valid':
      return {
        tone: 'ok',
        headline: '✔ Valid',
        detail: 'Signed by its issuer, unchanged since, and neither revoked, suspended nor expired.',
      };
    case 'revoked':
      return {
        tone: 'bad',
        headline: '✘ Revoked',
        detail: 'The issuer has withdrawn this credential. It is no longer valid.',
      };
    case 'suspended':
      return {
        tone: 'bad',
        headline: '⏸ Suspended',
        detail: 'The issuer has suspended this credential. It is not valid while the suspension lasts.',
      };
    case 'expired': {
      const until = dateOf(document, 'validUntil');
      return {
        tone: 'bad',
        headline: '✘ Expired',
        detail: until ? `It was valid until ${until}.` : 'Its validity has ended.',
      };
    }
    case 'not-yet-valid': {
      const from = dateOf(document, 'validFrom');
      return {
        tone: 'bad',
        headline: 'Not yet valid',
        detail: from ? `It becomes valid on ${from}.` : 'It is not valid yet.',
      };
    }
    default:
      return {
        tone: 'bad',
        headline: '✘ Not valid',
        detail: 'It did not pass verification: it may have been altered, or its issuer could not be confirmed.',
      };
  }
};

export interface CredentialLinks {
  /** The credential's own URL (its JSON for API clients). */
  json: string;
  /** The same URL with `?format=png` / `?format=svg`: the badge image with the credential baked in. */
  png: string;
  svg: string;
  /** `?format=jwt`: the VC-JWT form, when the issuer has an RSA key. */
  jwt?: string;
}

/** The public credential page: the badge and, live, whether it verifies. Never shows the learner's email. */
export const credentialPageBody = (
  document: Record<string, unknown>,
  verdict: VerificationResult,
  links: string | CredentialLinks,
  /** More for the card's end (the sharing panel). */
  extra?: SafeHtml,
): SafeHtml => {
  const { json, png, svg, jwt }: CredentialLinks =
    typeof links === 'string' ? { json: links, png: `${links}?format=png`, svg: `${links}?format=svg` } : links;
  const sentence = verdictSentence(document, verdict);
  const warnings = verdict.checks.filter((c) => c.ok && c.warning);
  return badgeCard(
    badgeView(document),
    html`<h2>Verification</h2>
<p class="${sentence.tone}"><strong>${sentence.headline}</strong>: ${sentence.detail}</p>
${
  warnings.length
    ? html`<p class="muted">Note: ${warnings.map((w, i) => html`${i ? '; ' : ''}${w.message ?? ''}`)}</p>`
    : ''
}
<details><summary>What was checked</summary>
<ul>${verdict.checks.map(
      (c) =>
        html`<li class="${c.ok ? 'ok' : 'bad'}">${CHECK_LABELS[c.name] ?? c.name}: ${c.ok ? 'yes' : 'no'}${
          c.message && !c.ok ? html` <span class="muted">(${c.message})</span>` : ''
        }</li>`,
    )}</ul></details>
<h2>Download</h2>
<ul>
<li><a href="${png}" download>Badge image with the credential inside (PNG)</a></li>
<li><a href="${svg}" download>Badge image with the credential inside (SVG)</a></li>
<li><a href="${json}" type="application/ld+json">The signed credential (JSON)</a></li>
${jwt ? html`<li><a href="${jwt}" download>The signed credential as a VC-JWT</a></li>` : ''}
</ul>
${extra ?? ''}`,
  );
};

/** An achievement on its own: what it is and how it is earned, as a card without dates or evidence. */
export const achievementPageBody = (achievement: Record<string, unknown>) =>
  badgeCard(badgeView({ name: achievement.name, issuer: achievement.creator, credentialSubject: { achievement } }));

export const issuerPageBody = (profile: { name?: unknown; url?: unknown; description?: unknown; id?: unknown }) => {
  const url = typeof profile.url === 'string' && /^https?:\/\//.test(profile.url) ? profile.url : undefined;
  return html`<div class="card"><h1>${String(profile.name ?? 'Issuer')}</h1>
${typeof profile.description === 'string' ? html`<p>${profile.description}</p>` : ''}
<dl><dt>Identifier</dt><dd><code>${String(profile.id ?? '')}</code></dd>
${url ? html`<dt>Website</dt><dd><a href="${url}" rel="noopener">${url}</a></dd>` : ''}</dl></div>`;
};
