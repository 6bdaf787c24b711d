import type { VerificationResult } from '#shared/credentials/verify.ts';
import { badgeCard, badgeView } from '#shared/pages/badge-view.ts';
import { html } from '#shared/runtime/html.ts';

const CHECK_LABELS: Record<string, string> = {
  proof: 'Signature',
  key: 'Issuer key',
  issuer: 'Issuer identity',
  validity: 'Dates',
  schema: 'Open Badges 3.0 format',
  context: 'Document structure',
};

/** The public credential page: the badge and, live, whether it verifies. Never shows the learner's email. */
export const credentialPageBody = (document: Record<string, unknown>, verdict: VerificationResult, jsonUrl: string) =>
  badgeCard(
    badgeView(document),
    html`<h2>Verification</h2>
<p class="${verdict.verified ? 'ok' : 'bad'}"><strong>${verdict.verified ? '✔ Verified' : '✘ Not verified'}</strong></p>
<ul>${verdict.checks.map(
      (c) =>
        html`<li class="${c.ok ? 'ok' : 'bad'}">${CHECK_LABELS[c.name] ?? c.name}: ${c.ok ? 'passed' : 'failed'}${
          c.message && !c.ok ? html` <span class="muted">(${c.message})</span>` : ''
        }</li>`,
    )}</ul>
<p><a href="${jsonUrl}" type="application/ld+json">Download the signed credential (JSON)</a></p>`,
  );

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
