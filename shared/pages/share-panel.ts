import { html, PAGE_SCRIPT, SafeHtml } from '../runtime/html.ts';
import type { BadgeView } from './badge-view.ts';
import { qrSvg } from './qr.ts';

/** Where the learner's take-aways live (all on our own origin). */
export interface ShareLinks {
  /** The credential's page and id. */
  credentialUrl: string;
  /** The signed credential as a `.json` file. */
  jsonDownload: string;
  /** The printable certificate. */
  certificatePdf: string;
  /** The learner's own "add to a wallet" page. */
  wallet: string;
  /** More downloads other parts provide (VC-JWT, baked PNG/SVG), label → URL. */
  more?: readonly { label: string; href: string }[];
}

const monthYear = (iso: string | undefined) => {
  if (!iso) return {};
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? {} : { year: String(d.getUTCFullYear()), month: String(d.getUTCMonth() + 1) };
};

/** The last path segment of the credential URL: its id, which LinkedIn shows as the credential ID. */
const idOf = (credentialUrl: string) => decodeURIComponent(new URL(credentialUrl).pathname.split('/').pop() ?? '');

/**
 * LinkedIn's "Add to profile" link for a certification: name, issuing organisation, issue and expiry month, the
 * credential's URL and id, prefilled in the member's own profile form (nothing is posted on their behalf).
 */
export const linkedInAddToProfileUrl = (view: BadgeView, credentialUrl: string): string => {
  const issued = monthYear(view.validFrom);
  const expires = monthYear(view.validUntil);
  const params = new URLSearchParams({
    startTask: 'CERTIFICATION_NAME',
    name: view.name,
    organizationName: view.issuerName,
  });
  if (issued.year) params.set('issueYear', issued.year);
  if (issued.month) params.set('issueMonth', issued.month);
  if (expires.year) params.set('expirationYear', expires.year);
  if (expires.month) params.set('expirationMonth', expires.month);
  params.set('certUrl', credentialUrl);
  params.set('certId', idOf(credentialUrl));
  return `https://www.linkedin.com/profile/add?${params}`;
};

/** LinkedIn's "share in a post" link: the member writes the post; the page's OpenGraph tags make its preview. */
export const linkedInShareUrl = (credentialUrl: string): string =>
  `https://www.linkedin.com/sharing/share-offsite/?${new URLSearchParams({ url: credentialUrl })}`;

/** An HTML snippet for e-portfolios and email signatures: the badge image (if any) and name, linking to the page. */
export const embedSnippet = (view: BadgeView, credentialUrl: string): string =>
  html`<a href="${credentialUrl}" title="Verify this credential">${
    view.imageUrl
      ? html`<img src="${view.imageUrl}" alt="${view.name}" width="96" height="96" style="border:0"><br>`
      : ''
  }${view.name}</a> · ${view.issuerName}`.value;

/** OpenGraph and Twitter tags, for rich previews wherever the link is pasted; no personal data. */
export const shareMeta = (view: BadgeView, credentialUrl: string, jsonUrl?: string): SafeHtml => {
  const description = (view.description ?? `A verifiable credential issued by ${view.issuerName}.`).slice(0, 300);
  const title = `${view.name} — ${view.issuerName}`;
  return html`<meta name="description" content="${description}">
<meta property="og:type" content="website">
<meta property="og:title" content="${title}">
<meta property="og:description" content="${description}">
<meta property="og:url" content="${credentialUrl}">
<meta property="og:site_name" content="${view.issuerName}">
${view.imageUrl ? html`<meta property="og:image" content="${view.imageUrl}">\n<meta property="og:image:alt" content="${view.name}">\n` : ''}<meta name="twitter:card" content="summary">
<meta name="twitter:title" content="${title}">
<meta name="twitter:description" content="${description}">
${view.imageUrl ? html`<meta name="twitter:image" content="${view.imageUrl}">\n` : ''}<link rel="canonical" href="${credentialUrl}">
${jsonUrl ? html`<link rel="alternate" type="application/ld+json" href="${jsonUrl}">` : ''}`;
};

/**
 * Share, download and wallet actions of a credential page: LinkedIn (add to profile, post), copy link, an
 * embeddable snippet, a QR code of the page, the credential as JSON and a PDF certificate, and the way to a wallet.
 * Links to LinkedIn are plain links: nothing is loaded from it until the learner clicks.
 */
export const sharePanel = (view: BadgeView, links: ShareLinks): SafeHtml => {
  const snippet = embedSnippet(view, links.credentialUrl);
  return html`<section aria-labelledby="share-heading" class="panel">
<h2 id="share-heading">Share</h2>
<ul class="actions">
<li><a class="button" href="${linkedInAddToProfileUrl(view, links.credentialUrl)}" rel="noopener noreferrer" target="_blank">Add to LinkedIn profile</a></li>
<li><a class="button secondary" href="${linkedInShareUrl(links.credentialUrl)}" rel="noopener noreferrer" target="_blank">Share in a LinkedIn post</a></li>
<li><button type="button" class="secondary" data-copy="${links.credentialUrl}" aria-describedby="copy-link-status">Copy link</button> <span id="copy-link-status" role="status" class="muted"></span></li>
</ul>
<h3 id="embed-heading">Embed in an e-portfolio or email signature</h3>
<label for="embed-code">HTML to paste</label>
<textarea id="embed-code" readonly rows="4">${snippet}</textarea>
<p><button type="button" class="secondary" data-copy-from="embed-code" aria-describedby="copy-embed-status">Copy HTML</button> <span id="copy-embed-status" role="status" class="muted"></span></p>
<h3>QR code of this page</h3>
${qrSvg(links.credentialUrl, `QR code linking to this credential: ${links.credentialUrl}`, 160)}
</section>
<section aria-labelledby="download-heading" class="panel">
<h2 id="download-heading">Keep it</h2>
<ul class="actions">
<li><a href="${links.jsonDownload}" download>Save the credential file (.json)</a></li>
<li><a href="${links.certificatePdf}">Printable certificate (PDF)</a></li>
${(links.more ?? []).map((m) => html`<li><a href="${m.href}" download>${m.label}</a></li>`)}
<li><a href="${links.wallet}">Add to a wallet</a> <span class="muted">(for the person who claimed it)</span></li>
</ul>
</section>
<script>${new SafeHtml(PAGE_SCRIPT)}</script>`;
};
