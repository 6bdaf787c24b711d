/** Claim and reminder emails, English (ICU MessageFormat). The reference catalog: every other locale has these keys. */
export const en = {
  subject: '{issuer} awarded you “{achievement}”',
  reminderSubject: 'Reminder: your credential “{achievement}” from {issuer} is waiting',
  greeting: 'Hello {name},',
  greetingNoName: 'Hello,',
  awarded: '{issuer} has awarded you the digital credential',
  awardedText: '{issuer} has awarded you the digital credential “{achievement}”.',
  reminderIntro:
    'A reminder: {issuer} awarded you the digital credential “{achievement}” {days, plural, one {# day} other {# days}} ago, and it has not been claimed yet.',
  claimButton: 'Claim your credential',
  claimHere: 'Claim it here:',
  pasteLink: 'Or paste this link into your browser:',
  personal:
    'This link is personal and works until {expires, date, long}. Once claimed, your credential has its own page you can share, and anyone can verify it.',
  unsubscribe: 'No more reminders about this credential',
  unsubscribeText: 'To stop reminders about this credential:',
  sentBy: 'Sent by {issuer} through its digital credentials service.',
} as const;

export type MessageKey = keyof typeof en;
