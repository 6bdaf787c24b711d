import { html } from '#shared/runtime/html.ts';
import { negotiateLocale, translator } from './i18n.ts';

/** How an issuer's emails look (from its `branding`); every field optional, each one checked where it is stored. */
export interface EmailBranding {
  logoUrl?: string;
  primaryColor?: string;
}

export interface ClaimEmailInput {
  recipientName?: string;
  achievementName: string;
  achievementDescription?: string;
  issuerName: string;
  claimUrl: string;
  /** ISO timestamp after which the link no longer works. */
  expiresAt: string;
  branding?: EmailBranding;
  /** Language preferences, best first: the learner's (from the event), then the issuer's. */
  locales?: (string | undefined)[];
  /** Reminders say how long ago the credential was awarded. */
  reminder?: { daysSinceAward: number };
  /** One-click unsubscribe from reminders (a page that confirms, and the RFC 8058 POST target). */
  unsubscribeUrl?: string;
}

export interface EmailContent {
  subject: string;
  html: string;
  text: string;
  /** Extra headers, such as `List-Unsubscribe`. */
  headers?: Record<string, string>;
  /** The language it was written in. */
  locale?: string;
}

/** Strips line breaks from a header value (subject): a name must never inject headers. */
const oneLine = (s: string) => s.replace(/[\r\n]+/g, ' ').trim();

const DEFAULT_PRIMARY = '#0b5cad';
const HEX = /^#[0-9a-fA-F]{6}$/;

/** WCAG relative luminance of `#rrggbb`. */
const luminance = (hex: string) => {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
};

/** White or near-black text on `background`, whichever has the higher contrast (at least 4.5:1 for any colour). */
export const textOn = (background: string) => {
  const l = luminance(background);
  return (1.05 / (l + 0.05) >= (l + 0.05) / 0.05 ? '#ffffff' : '#1b1f24') as '#ffffff' | '#1b1f24';
};

/**
 * The claim email (or a reminder), in HTML and plain text, in the learner's language where we have it, branded with
 * the issuer's logo and colour. Every value from an event or the catalog is escaped; the issuer's name is always
 * text (the logo is an addition with alt text), so the email reads the same with images blocked, and the text part
 * carries the same links.
 */
export const renderClaimEmail = (input: ClaimEmailInput): EmailContent => {
  const locale = negotiateLocale(...(input.locales ?? []));
  const t = translator(locale);
  const values = { issuer: input.issuerName, achievement: input.achievementName };
  const primary =
    input.branding?.primaryColor && HEX.test(input.branding.primaryColor)
      ? input.branding.primaryColor
      : DEFAULT_PRIMARY;
  const onPrimary = textOn(primary);
  const logo =
    input.branding?.logoUrl && /^https:\/\//.test(input.branding.logoUrl) ? input.branding.logoUrl : undefined;

  const greeting = input.recipientName ? t('greeting', { name: input.recipientName }) : t('greetingNoName');
  const expires = t('personal', { expires: new Date(input.expiresAt) });
  const subject = oneLine(t(input.reminder ? 'reminderSubject' : 'subject', values)).slice(0, 200);
  const intro = input.reminder
    ? t('reminderIntro', { ...values, days: input.reminder.daysSinceAward })
    : t('awardedText', values);

  const text = [
    greeting,
    '',
    intro,
    ...(input.achievementDescription ? ['', input.achievementDescription] : []),
    '',
    t('claimHere'),
    input.claimUrl,
    '',
    expires,
    ...(input.unsubscribeUrl ? ['', t('unsubscribeText'), input.unsubscribeUrl] : []),
    '',
    '--',
    t('sentBy', values),
  ].join('\n');

  const body = html`<!doctype html>
<html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${subject}</title></head>
<body style="margin:0;padding:0;background:#f6f8fa;font-family:Arial,Helvetica,sans-serif;color:#1b1f24">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td align="center" style="padding:24px 12px">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:560px;background:#ffffff;border:1px solid #d0d7de;border-radius:8px">
<tr><td style="padding:16px 24px;background:${primary};color:${onPrimary};border-radius:8px 8px 0 0">
${logo ? html`<img src="${logo}" alt="${input.issuerName}" height="40" style="display:block;height:40px;max-width:200px;margin:0 0 8px;border:0;color:${onPrimary};font-size:16px">` : ''}
<p style="margin:0;font-size:18px;font-weight:bold;color:${onPrimary}">${input.issuerName}</p></td></tr>
<tr><td style="padding:24px">
<p style="margin:0 0 16px;font-size:16px">${greeting}</p>
${
  input.reminder
    ? html`<p style="margin:0 0 16px;font-size:16px">${intro}</p>`
    : html`<p style="margin:0 0 16px;font-size:16px">${t('awarded', values)}</p>`
}
<h1 style="margin:0 0 16px;font-size:22px;line-height:1.3">${input.achievementName}</h1>
${input.achievementDescription ? html`<p style="margin:0 0 16px;font-size:15px;color:#57606a">${input.achievementDescription}</p>` : ''}
<p style="margin:24px 0"><a href="${input.claimUrl}" style="display:inline-block;background:${primary};color:${onPrimary};text-decoration:none;padding:12px 20px;border-radius:6px;font-size:16px;font-weight:bold">${t('claimButton')}</a></p>
<p style="margin:0 0 8px;font-size:14px;color:#57606a">${t('pasteLink')}<br><a href="${input.claimUrl}" style="color:#0b5cad;word-break:break-all">${input.claimUrl}</a></p>
<p style="margin:16px 0 0;font-size:14px;color:#57606a">${expires}</p>
</td></tr>
<tr><td style="padding:16px 24px;border-top:1px solid #d0d7de;font-size:12px;color:#57606a">
<p style="margin:0">${t('sentBy', values)}</p>
${input.unsubscribeUrl ? html`<p style="margin:8px 0 0"><a href="${input.unsubscribeUrl}" style="color:#57606a">${t('unsubscribe')}</a></p>` : ''}
</td></tr></table></td></tr></table></body></html>`.value;

  return {
    subject,
    html: body,
    text,
    locale,
    ...(input.unsubscribeUrl
      ? {
          headers: {
            'List-Unsubscribe': `<${input.unsubscribeUrl}>`,
            'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
          },
        }
      : {}),
  };
};
