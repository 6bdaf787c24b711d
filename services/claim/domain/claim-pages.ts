import { badgeCard, badgeView, formatDate } from '#shared/pages/badge-view.ts';
import { html } from '#shared/runtime/html.ts';
import type { HttpResult } from '#shared/runtime/http.ts';
import { htmlPage } from '#shared/runtime/http.ts';
import type { ClaimState } from '../app/claim-credential.ts';

/**
 * The page for each state of a claim link; statuses say what happened (404 unknown, 410 used, expired or revoked,
 * 409 suspended for now).
 */
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
<p>Each claim link accepts a credential once. It still opens your credential on this device, where you can share it, download it or add it to a wallet:</p>
<form method="post" action="${links.claimAction}"><button type="submit">Open my credential</button></form>
<p><a href="${links.credential(state.credentialId)}">View the public page</a></p></div>`,
      );
    case 'revoked':
      return htmlPage(
        410,
        'Credential revoked',
        html`<div class="card"><h1>This credential was revoked</h1>
<p>The institution that issued it revoked it on ${formatDate(state.revokedAt)}, so it can no longer be claimed. If you think this is a mistake, contact the institution.</p></div>`,
      );
    case 'suspended':
      return htmlPage(
        409,
        'Credential on hold',
        html`<div class="card"><h1>This credential is on hold</h1>
<p>The institution that issued it has suspended it for now, so it cannot be claimed yet. If it is reinstated, this link works again until ${formatDate(state.expiresAt)}.</p></div>`,
      );
    case 'open': {
      const view = badgeView(state.credential.document);
      const who = state.credential.recipientName;
      return htmlPage(
        200,
        `Claim “${view.name}”`,
        badgeCard(
          view,
          html`<section aria-labelledby="accept-heading" class="panel">
<h2 id="accept-heading">${who ? `${who}, this` : 'This'} credential is waiting for you</h2>
<p>Accept it to get its permanent page, which you can share and anyone can verify. This link works until ${formatDate(state.expiresAt)}.</p>
<form method="post" action="${links.claimAction}"><button type="submit">Accept credential</button></form>
<p class="muted">Accepting sets one cookie on this device so that it can add the credential to a wallet. Nothing tracks you.</p>
</section>`,
        ),
      );
    }
  }
};

export type UnsubscribeView =
  | { state: 'confirm'; action: string }
  | { state: 'done'; credential: string }
  | { state: 'unknown' };

/** Reminder opt-out: a GET only asks (mail scanners follow links), the POST acts. */
export const unsubscribePage = (view: UnsubscribeView): HttpResult => {
  switch (view.state) {
    case 'unknown':
      return htmlPage(
        404,
        'Link not valid',
        html`<div class="card"><h1>This link is not valid</h1><p>Check that you opened the whole link from your email.</p></div>`,
      );
    case 'confirm':
      return htmlPage(
        200,
        'Stop reminders',
        html`<div class="card"><h1>Stop reminders about this credential?</h1>
<p>You will get no more reminders to claim it. Your claim link keeps working until it expires.</p>
<form method="post" action="${view.action}"><button type="submit">Stop reminders</button></form></div>`,
      );
    case 'done':
      return htmlPage(
        200,
        'Reminders stopped',
        html`<div class="card"><h1>Reminders stopped</h1>
<p>You will get no more reminders about this credential. Its claim link keeps working until it expires.</p></div>`,
      );
  }
};
