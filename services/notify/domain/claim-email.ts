import { html } from '#shared/runtime/html.ts';

export interface ClaimEmailInput {
  recipientName?: string;
  achievementName: string;
  achievementDescription?: string;
  issuerName: string;
  claimUrl: string;
  /** ISO timestamp after which the link no longer works. */
  expiresAt: string;
}

export interface EmailContent {
  subject: string;
  html: string;
  text: string;
}

const dateOf = (iso: string) =>
  new Date(iso).toLocaleDateString('en', { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' });

/** Strips line breaks from a header value (subject): a name must never inject headers. */
const oneLine = (s: string) => s.replace(/[\r\n]+/g, ' ').trim();

/**
 * The claim email, in HTML and plain text. Every value from an event or the catalog is escaped; the HTML reads
 * fine without images and the text part carries the same link.
 */
export const renderClaimEmail = (input: ClaimEmailInput): EmailContent => {
  const greeting = input.recipientName ? `Hello ${input.recipientName},` : 'Hello,';
  const expires = dateOf(input.expiresAt);
  const subject = oneLine(`${input.issuerName} awarded you “${input.achievementName}”`).slice(0, 200);
  const text = [
    greeting,
    '',
    `${input.issuerName} has awarded you the digital credential “${input.achievementName}”.`,
    ...(input.achievementDescription ? ['', input.achievementDescription] : []),
    '',
    'Claim it here:',
    input.claimUrl,
    '',
    `This link is personal and works until ${expires}.`,
    'Once claimed, your credential has its own page you can share, and anyone can verify it.',
  ].join('\n');
  const body = html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${subject}</title></head>
<body style="margin:0;padding:0;background:#f6f8fa;font-family:Arial,Helvetica,sans-serif;color:#1b1f24">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td align="center" style="padding:24px 12px">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:560px;background:#ffffff;border:1px solid #d0d7de;border-radius:8px">
<tr><td style="padding:24px">
<p style="margin:0 0 16px;font-size:16px">${greeting}</p>
<p style="margin:0 0 16px;font-size:16px">${input.issuerName} has awarded you the digital credential</p>
<h1 style="margin:0 0 16px;font-size:22px;line-height:1.3">${input.achievementName}</h1>
${input.achievementDescription ? html`<p style="margin:0 0 16px;font-size:15px;color:#57606a">${input.achievementDescription}</p>` : ''}
<p style="margin:24px 0"><a href="${input.claimUrl}" style="display:inline-block;background:#0b5cad;color:#ffffff;text-decoration:none;padding:12px 20px;border-radius:6px;font-size:16px">Claim your credential</a></p>
<p style="margin:0 0 8px;font-size:14px;color:#57606a">Or paste this link into your browser:<br><a href="${input.claimUrl}" style="color:#0b5cad;word-break:break-all">${input.claimUrl}</a></p>
<p style="margin:16px 0 0;font-size:14px;color:#57606a">This link is personal and works until ${expires}. Once claimed, your credential has its own page you can share, and anyone can verify it.</p>
</td></tr></table></td></tr></table></body></html>`.value;
  return { subject, html: body, text };
};
