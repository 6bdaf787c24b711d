import { html, type SafeHtml } from '../runtime/html.ts';

/** The parts of a signed Open Badge a person reads; everything is taken defensively from the document. */
export interface BadgeView {
  name: string;
  description?: string;
  criteriaNarrative?: string;
  criteriaUrl?: string;
  imageUrl?: string;
  issuerName: string;
  issuerUrl?: string;
  validFrom?: string;
  validUntil?: string;
  evidence: { name?: string; narrative?: string; url?: string }[];
  /** Frameworks and competencies the achievement aligns to (OB `alignment`). */
  alignments: { name: string; url?: string; framework?: string; code?: string }[];
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const str = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : undefined);
/** Only http(s) links become hrefs: a `javascript:` URL in a document must never be clickable. */
const httpUrl = (v: unknown) => {
  const s = str(v);
  return s && /^https?:\/\//i.test(s) ? s : undefined;
};

export const badgeView = (document: Obj): BadgeView => {
  const subject = obj(
    Array.isArray(document.credentialSubject) ? document.credentialSubject[0] : document.credentialSubject,
  );
  const achievement = obj(subject.achievement);
  const criteria = obj(achievement.criteria);
  const issuer = obj(document.issuer);
  const image = achievement.image;
  return {
    name: str(achievement.name) ?? str(document.name) ?? 'Achievement',
    description: str(achievement.description),
    criteriaNarrative: str(criteria.narrative),
    criteriaUrl: httpUrl(criteria.id),
    imageUrl: httpUrl(typeof image === 'string' ? image : obj(image).id),
    issuerName: str(issuer.name) ?? str(document.issuer) ?? 'Unknown issuer',
    issuerUrl: httpUrl(issuer.url),
    validFrom: str(document.validFrom),
    validUntil: str(document.validUntil),
    evidence: (Array.isArray(document.evidence) ? document.evidence : []).map((e) => {
      const ev = obj(e);
      return { name: str(ev.name), narrative: str(ev.narrative), url: httpUrl(ev.id) };
    }),
    alignments: (Array.isArray(achievement.alignment) ? achievement.alignment : []).flatMap((a) => {
      const al = obj(a);
      const name = str(al.targetName);
      return name
        ? [{ name, url: httpUrl(al.targetUrl), framework: str(al.targetFramework), code: str(al.targetCode) }]
        : [];
    }),
  };
};

export const formatDate = (iso: string) =>
  new Date(iso).toLocaleDateString('en', { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' });

/** The badge as a card: image, name, issuer, description, criteria, dates, evidence. */
export const badgeCard = (view: BadgeView, extra?: SafeHtml): SafeHtml => html`<article class="card">
${view.imageUrl ? html`<img class="badge-img" src="${view.imageUrl}" alt="">` : ''}
<h1>${view.name}</h1>
<p class="muted">Issued by ${view.issuerUrl ? html`<a href="${view.issuerUrl}" rel="noopener">${view.issuerName}</a>` : view.issuerName}</p>
${view.description ? html`<p>${view.description}</p>` : ''}
${
  view.criteriaNarrative || view.criteriaUrl
    ? html`<h2>How it is earned</h2>${view.criteriaNarrative ? html`<p>${view.criteriaNarrative}</p>` : ''}${
        view.criteriaUrl ? html`<p><a href="${view.criteriaUrl}" rel="noopener">Full criteria</a></p>` : ''
      }`
    : ''
}
${
  view.alignments.length > 0
    ? html`<h2>Aligned to</h2><ul>${view.alignments.map(
        (a) =>
          html`<li>${a.url ? html`<a href="${a.url}" rel="noopener">${a.name}</a>` : a.name}${
            a.framework || a.code
              ? html` <span class="muted">(${[a.framework, a.code].filter(Boolean).join(', ')})</span>`
              : ''
          }</li>`,
      )}</ul>`
    : ''
}
<dl>
${view.validFrom ? html`<dt>Issued</dt><dd>${formatDate(view.validFrom)}</dd>` : ''}
${view.validUntil ? html`<dt>Expires</dt><dd>${formatDate(view.validUntil)}</dd>` : ''}
</dl>
${
  view.evidence.length > 0
    ? html`<h2>Evidence</h2><ul>${view.evidence.map(
        (e) =>
          html`<li>${e.url ? html`<a href="${e.url}" rel="noopener">${e.name ?? e.url}</a>` : (e.name ?? 'Evidence')}${
            e.narrative ? html`<br><span class="muted">${e.narrative}</span>` : ''
          }</li>`,
      )}</ul>`
    : ''
}
${extra ?? ''}
</article>`;
