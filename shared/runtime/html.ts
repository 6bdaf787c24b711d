import { createHash } from 'node:crypto';
import escapeHtml from 'escape-html';

/** Markup that has already been escaped (or is a trusted literal). */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString() {
    return this.value;
  }
}

type Interpolation = SafeHtml | string | number | undefined | null | false | readonly Interpolation[];

const render = (v: Interpolation): string => {
  if (v === undefined || v === null || v === false) return '';
  if (v instanceof SafeHtml) return v.value;
  if (Array.isArray(v)) return v.map(render).join('');
  return escapeHtml(String(v));
};

/** Tagged template that escapes every interpolated value unless it is already `SafeHtml`. */
export const html = (strings: TemplateStringsArray, ...values: Interpolation[]): SafeHtml =>
  new SafeHtml(
    strings.reduce((out, s, i) => out + s + (i < values.length ? render(values[i] as Interpolation) : ''), ''),
  );

const STYLE = `
:root{color-scheme:light;--ink:#1b1f24;--muted:#57606a;--accent:#0b5cad;--line:#d0d7de}
*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:#f6f8fa}
main{max-width:42rem;margin:0 auto;padding:1.5rem 1rem}
.card{background:#fff;border:1px solid var(--line);border-radius:.75rem;padding:1.5rem}
h1{font-size:1.6rem;line-height:1.25;margin:.25rem 0 1rem}h2{font-size:1.1rem;margin:1.5rem 0 .5rem}
.muted{color:var(--muted)}.badge-img{width:8rem;height:8rem;object-fit:contain}
button,.button{display:inline-block;font:inherit;padding:.7rem 1.2rem;border-radius:.5rem;border:0;background:var(--accent);color:#fff;text-decoration:none;cursor:pointer}
button:focus-visible,a:focus-visible{outline:3px solid #ffbf47;outline-offset:2px}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}dt{font-weight:600}dd{margin:0;overflow-wrap:anywhere}
.ok{color:#116329}.bad{color:#a40e26}
.panel{border-top:1px solid var(--line);margin-top:1.5rem;padding-top:.5rem}h3{font-size:1rem;margin:1.25rem 0 .5rem}
.actions{list-style:none;padding:0;margin:0;display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center}
.button.secondary,button.secondary{background:#fff;color:var(--accent);border:1px solid var(--accent)}
textarea{width:100%;font:14px/1.4 ui-monospace,Menlo,Consolas,monospace;border:1px solid var(--muted);border-radius:.375rem;padding:.5rem}
label{display:block;font-weight:600;margin-bottom:.25rem}.qr{display:block;max-width:100%;height:auto}
`;

/**
 * The one script pages run: copy buttons (`data-copy="text"`, or `data-copy-from="<textarea id>"`), reporting in the
 * element their `aria-describedby` names. A constant, allowed by its hash in the CSP; it never fetches anything.
 */
export const PAGE_SCRIPT =
  "document.addEventListener('click',function(e){var b=e.target.closest&&e.target.closest('[data-copy],[data-copy-from]');if(!b)return;var s=b.getAttribute('data-copy-from');var t=s?document.getElementById(s).value:b.getAttribute('data-copy');var o=document.getElementById(b.getAttribute('aria-describedby'));navigator.clipboard.writeText(t).then(function(){if(o)o.textContent='Copied.';},function(){if(o)o.textContent='Copy did not work: select the text and copy it.';});});";

const styleHash = createHash('sha256').update(STYLE).digest('base64');
const scriptHash = createHash('sha256').update(PAGE_SCRIPT).digest('base64');

/** Strict CSP: nothing but our one inline stylesheet (by hash), images, and forms back to ourselves. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `style-src 'sha256-${styleHash}'`,
  `script-src 'sha256-${scriptHash}'`,
  'img-src https: data:',
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Security headers every HTML page carries. */
export const pageHeaders = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
} as const;

/** The page shell: language, viewport for phones, our stylesheet. */
export const page = (title: string, body: SafeHtml, head?: SafeHtml): string =>
  html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
${head ?? ''}
<style>${new SafeHtml(STYLE)}</style>
</head>
<body><main>${body}</main></body>
</html>`.value;
