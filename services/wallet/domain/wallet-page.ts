import { badgeView, formatDate } from '#shared/pages/badge-view.ts';
import { qrSvg } from '#shared/pages/qr.ts';
import { html } from '#shared/runtime/html.ts';
import type { Offers } from '../app/wallet.ts';

/** The learner's page for adding a claimed credential to a wallet: QR codes for a phone, deep links on the phone. */
export const walletPageBody = (offers: Offers, links: { credential: string; credentialDownload: string }) => {
  if (offers.state === 'not-owner')
    return html`<div class="card"><h1>Add to a wallet</h1>
<p>Wallet copies are made for the person who claimed this credential. Open the claim link from your email on this device (it still opens your credential after you accepted it), then come back here.</p>
<p><a href="${links.credential}">Back to the credential</a></p></div>`;
  const view = badgeView(offers.credential.document);
  return html`<div class="card"><h1>Add “${view.name}” to a wallet</h1>
<p>Scan a code with your wallet app, or on this phone tap the link for your wallet. The wallet proves it holds a key of yours, and receives a copy of the credential made out to that key. These codes work once, until ${formatDate(offers.expiresAt)} ${new Date(offers.expiresAt).toISOString().slice(11, 16)} UTC; reload the page for new ones.</p>
<section aria-labelledby="oid4vci-heading" class="panel">
<h2 id="oid4vci-heading">OpenID4VC wallets</h2>
${qrSvg(offers.oid4vci.deepLink, 'QR code: credential offer for OpenID4VC wallets')}
<p><a class="button" href="${offers.oid4vci.deepLink}">Open in my wallet app</a></p>
</section>
<section aria-labelledby="lcw-heading" class="panel">
<h2 id="lcw-heading">Learner Credential Wallet</h2>
${qrSvg(offers.lcw.deepLink, 'QR code: add to Learner Credential Wallet')}
<p><a class="button" href="${offers.lcw.deepLink}">Open in Learner Credential Wallet</a></p>
</section>
<p>No wallet? <a href="${links.credentialDownload}" download>Download the credential (JSON)</a> and import it, or <a href="${links.credential}">go back to the credential</a>.</p>
</div>`;
};
