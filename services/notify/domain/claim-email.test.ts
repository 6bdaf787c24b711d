import { describe, expect, it } from 'vitest';
import { renderClaimEmail } from './claim-email.ts';

const input = {
  recipientName: 'Ada Lovelace',
  achievementName: 'Introduction to Computer Science',
  achievementDescription: 'Programming fundamentals.',
  issuerName: 'Demo University',
  claimUrl: 'https://badges.example.edu/claim/abc',
  expiresAt: '2026-06-13T16:20:00.000Z',
};

describe('renderClaimEmail', () => {
  it('carries the claim link, names and expiry in both parts', () => {
    const email = renderClaimEmail(input);
    expect(email.subject).toBe('Demo University awarded you “Introduction to Computer Science”');
    for (const part of [email.html, email.text]) {
      expect(part).toContain(input.claimUrl);
      expect(part).toContain('Introduction to Computer Science');
      expect(part).toContain('June 13, 2026');
    }
    expect(email.text).toMatch(/^Hello Ada Lovelace,/);
  });

  it('escapes markup from names and descriptions in the HTML part', () => {
    const email = renderClaimEmail({
      ...input,
      recipientName: 'Eve <img src=x onerror=alert(1)>',
      achievementName: '<script>alert("x")</script>',
      issuerName: 'A & B "College"',
    });
    expect(email.html).not.toContain('<script>');
    expect(email.html).not.toContain('<img src=x');
    expect(email.html).toContain('&lt;script&gt;');
    expect(email.html).toContain('A &amp; B &quot;College&quot;');
  });

  it('keeps the subject on one line', () => {
    const email = renderClaimEmail({ ...input, achievementName: 'Intro\r\nBcc: eve@example.com' });
    expect(email.subject).not.toMatch(/[\r\n]/);
  });
});

describe('renderClaimEmail, localized and branded', () => {
  it('writes Spanish when the learner’s locale asks for it, with dates in Spanish', () => {
    const email = renderClaimEmail({ ...input, locales: ['es-MX', 'en'] });
    expect(email.locale).toBe('es');
    expect(email.subject).toBe('Demo University te ha otorgado «Introduction to Computer Science»');
    expect(email.text).toMatch(/^Hola, Ada Lovelace:/);
    expect(email.text).toContain('13 de junio de 2026');
    expect(email.html).toContain('<html lang="es">');
    expect(email.html).toContain('Reclama tu credencial');
  });

  it('falls back to the issuer’s language, then English, for unknown or malformed tags', () => {
    expect(renderClaimEmail({ ...input, locales: ['de', 'es'] }).locale).toBe('es');
    expect(renderClaimEmail({ ...input, locales: ['not a tag!', undefined] }).locale).toBe('en');
  });

  it('puts the issuer’s logo (with its name as alt text) and colour in the HTML, and its name in text', () => {
    const email = renderClaimEmail({
      ...input,
      branding: { logoUrl: 'https://demo.example.edu/logo.png', primaryColor: '#ffd700' },
    });
    expect(email.html).toContain('<img src="https://demo.example.edu/logo.png" alt="Demo University"');
    expect(email.html).toContain('background:#ffd700;color:#1b1f24'); // dark text on a light colour
    expect(email.html).toMatch(/<p style="[^"]*">Demo University<\/p>/); // named in text, images or not
  });

  it('ignores a logo that is not https and a colour that is not #rrggbb', () => {
    const email = renderClaimEmail({
      ...input,
      branding: { logoUrl: 'javascript:alert(1)', primaryColor: 'red;background:url(x)' },
    });
    expect(email.html).not.toContain('javascript:');
    expect(email.html).not.toContain('url(x)');
    expect(email.html).toContain('background:#0b5cad;color:#ffffff');
  });

  it('words a reminder differently and offers the unsubscribe link in both parts and as headers', () => {
    const unsubscribeUrl = 'https://badges.example.edu/unsubscribe/c-1.mac';
    const email = renderClaimEmail({ ...input, reminder: { daysSinceAward: 3 }, unsubscribeUrl });
    expect(email.subject).toBe(
      'Reminder: your credential “Introduction to Computer Science” from Demo University is waiting',
    );
    expect(email.text).toContain('3 days ago');
    expect(email.text).toContain(unsubscribeUrl);
    expect(email.html).toContain(unsubscribeUrl);
    expect(email.headers).toEqual({
      'List-Unsubscribe': `<${unsubscribeUrl}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
    expect(renderClaimEmail({ ...input, locales: ['es'], reminder: { daysSinceAward: 1 } }).text).toContain(
      'hace 1 día',
    );
  });
});
