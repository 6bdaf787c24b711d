import type { AppStore } from '#shared/adapters/app-store.dynamodb.ts';
import type { ClaimKey as ClaimKeyPort } from '#shared/adapters/claim-key.ts';
import type { EmailContent } from '../domain/claim-email.ts';

export type NotifyStore = Pick<AppStore, 'getCredential' | 'getClaim' | 'getIssuer' | 'markEmailSent'>;

/** What the reminder run reads and writes: due reminders by day, moved on once each. */
export type ReminderStore = NotifyStore & Pick<AppStore, 'dueReminders' | 'advanceReminder' | 'cancelReminder'>;

/** Unsubscribe, bounces and resend. */
export type LearnerMailStore = NotifyStore & Pick<AppStore, 'stopReminders' | 'markEmailProblem' | 'replaceClaim'>;

export interface OutgoingEmail extends EmailContent {
  to: string;
  /** Non-personal tags for delivery events (SES message tags). */
  tags: Record<string, string>;
}

/** Sends one email; throws on failure so the queue retries. SES in AWS, SMTP (MailDev) locally. */
export interface Mailer {
  send(email: OutgoingEmail): Promise<{ messageId: string }>;
}

export type ClaimKey = ClaimKeyPort;
export type { Clock } from '#shared/runtime/clock.ts';
