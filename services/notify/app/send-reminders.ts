import { isPermanent } from '#shared/runtime/errors.ts';
import type { ReminderRecord } from '#shared/tables/app-table.ts';
import { makeComposeClaimEmail } from './compose.ts';
import type { ClaimKey, Clock, Mailer, ReminderStore } from './ports.ts';

export interface SendRemindersDeps {
  store: ReminderStore;
  claimKey: ClaimKey;
  mailer: Mailer;
  clock: Clock;
  publicBaseUrl: string;
  /** Days after the claim email when reminders go out (`CLAIM_REMINDER_DAYS`, default 3 and 14). */
  reminderDays: readonly number[];
  /** How many days back to look for reminders a stopped schedule left behind. @default 7 */
  lookbackDays?: number;
  /** Most reminders one run handles; the rest wait for the next run. @default 200 */
  maxPerRun?: number;
}

export interface RemindersResult {
  sent: number;
  /** Reminders dropped because the credential was claimed, unsubscribed, bounced or its link expired. */
  cancelled: number;
  /** Sends that failed; they stay due and are tried again next run. */
  failed: number;
}

const DAY_MS = 86_400_000;

/**
 * One scheduled run of claim reminders.
 *
 * 1. Find the reminders due by now: one Query per day partition of the index, today and the few days before
 *    (a run that did not happen leaves its reminders there); no scan.
 * 2. Drop those whose credential was claimed, unsubscribed or bounced, or whose claim link has expired.
 * 3. Send the others in the learner's language, then move each to its next step of the schedule (counted from the
 *    first email), or remove it after the last one. The move is conditional on the step, so a reminder is never
 *    moved twice.
 */
export const makeSendReminders = (deps: SendRemindersDeps) => {
  const { store, mailer, clock, reminderDays } = deps;
  const lookbackDays = deps.lookbackDays ?? 7;
  const maxPerRun = deps.maxPerRun ?? 200;
  const compose = makeComposeClaimEmail(deps);

  const nextOf = (reminder: ReminderRecord, emailSentAt: string | undefined, now: Date): ReminderRecord | undefined => {
    const days = reminderDays[reminder.step + 1];
    if (days === undefined) return undefined;
    const base = Date.parse(emailSentAt ?? reminder.dueAt);
    // After an outage, never two reminders in a row: the next one is at least a day away.
    const dueAt = Math.max(base + days * DAY_MS, now.getTime() + DAY_MS);
    return { credentialId: reminder.credentialId, step: reminder.step + 1, dueAt: new Date(dueAt).toISOString() };
  };

  return async (): Promise<RemindersResult> => {
    const now = clock.now();
    const nowIso = now.toISOString();
    const result: RemindersResult = { sent: 0, cancelled: 0, failed: 0 };
    const due: ReminderRecord[] = [];
    for (let back = lookbackDays; back >= 0 && due.length < maxPerRun; back--) {
      const day = new Date(now.getTime() - back * DAY_MS).toISOString().slice(0, 10);
      due.push(...(await store.dueReminders(day, nowIso, maxPerRun - due.length)));
    }

    for (const reminder of due) {
      const credential = await store.getCredential(reminder.credentialId);
      const stop =
        !credential ||
        credential.claimedAt !== undefined ||
        credential.remindersStoppedAt !== undefined ||
        credential.emailStatus === 'bounced' ||
        credential.emailStatus === 'complained';
      if (stop) {
        await store.cancelReminder(reminder.credentialId);
        result.cancelled++;
        continue;
      }
      let composed: Awaited<ReturnType<typeof compose>>;
      try {
        composed = await compose(credential, { reminderAt: now });
      } catch (error) {
        // No claim token any more (a resend replaced it meanwhile): nothing to remind of. Anything else: next run.
        if (!isPermanent(error)) throw error;
        await store.cancelReminder(reminder.credentialId);
        result.cancelled++;
        continue;
      }
      if ('skip' in composed || composed.claim.expiresAt <= nowIso) {
        await store.cancelReminder(reminder.credentialId);
        result.cancelled++;
        continue;
      }
      try {
        await mailer.send(composed.email);
      } catch {
        result.failed++;
        continue;
      }
      await store.advanceReminder(reminder.credentialId, reminder.step, nextOf(reminder, credential.emailSentAt, now));
      result.sent++;
    }
    return result;
  };
};
