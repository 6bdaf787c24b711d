import { badgeCard, badgeView, formatDate } from '#shared/pages/badge-view.ts';
import { html } from '#shared/runtime/html.ts';
import type { HttpResult } from '#shared/runtime/http.ts';
import { htmlPage } from '#shared/runtime/http.ts';
import type { ClaimState } from '../app/claim-credential.ts';

/** The page for each state of a claim link; statuses say what happened (404 unknown, 410 used or expired). */
export const claimPage = (
  state: ClaimState,
  links: { credential: (id: string) => string; claimAction: string },
): HttpResult => {
  switch (state.state) {
    case 'unknown':
      return htmlPage(
        404,
        'Claim link not found',
        html`<div class="card"><h1>This claim link is not valid</h1>
<p>Check that you opened the whole link from your email. If it still does not work, ask the institution that sent it for a new one.</p></div>`,
      );
    case 'expired':
      return htmlPage(
        410,
        'Claim link expired',
        html`<div class="card"><h1>This claim link has expired</h1>
<p>It worked until ${formatDate(state.expiresAt)}. Ask the institution that sent it to send you a new one; your credential is still on record.</p></div>`,
      );
    case 'used':
      return htmlPage(
        410,
        'Already claimed',
        html`<div class="card"><h1>This credential has already been claimed</h1>
<p>Each claim link works once. The credential itself stays available:</p>
<p><a class="button" href="${links.credential(state.credentialId)}">View the credential</a></p></div>`,
      );
    case 'open': {
      const view = badgeView(state.credential.document);
      const who = state.credential.recipientName;
      return htmlPage(
        200,
        `Claim “${view.name}”`,
        badgeCard(
          view,
          html`<h2>${who ? `${who}, this` : 'This'} credential is waiting for you</h2>
<p>Accept it to get its permanent page, which you can share and anyone can verify. This link works until ${formatDate(state.expiresAt)}.</p>
<form method="post" action="${links.claimAction}"><button type="submit">Accept credential</button></form>`,
        ),
      );
    }
  }
};
