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
