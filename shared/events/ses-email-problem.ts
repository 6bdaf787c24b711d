import { z } from 'zod';
import { defineEvent, type EventDefinition } from './define-event.ts';

/**
 * What SES publishes (through the configuration set's EventBridge destination, on the default bus) when a message
 * bounces or draws a complaint. Only the fields Laurel reads are checked; SES adds more. Our own message tags come
 * back in `mail.tags` (each value a list), which is how a bounce finds its credential without an address lookup.
 */
export const sesEmailProblemDetail = z.looseObject({
  eventType: z.enum(['Bounce', 'Complaint']),
  bounce: z.looseObject({ bounceType: z.string(), bounceSubType: z.string().optional() }).optional(),
  complaint: z.looseObject({ complaintFeedbackType: z.string().optional() }).optional(),
  mail: z.looseObject({
    messageId: z.string(),
    timestamp: z.string().optional(),
    tags: z.record(z.string(), z.array(z.string())).default({}),
  }),
});

export type SesEmailProblem = z.output<typeof sesEmailProblemDetail>;

export const SES_EVENT_SOURCE = 'aws.ses';
export const SES_DETAIL_TYPES = ['Email Bounced', 'Email Complaint Received'] as const;

const bounced = defineEvent({
  source: SES_EVENT_SOURCE,
  detailType: SES_DETAIL_TYPES[0],
  version: 0,
  detail: sesEmailProblemDetail,
});

/** SES bounce and complaint events: one contract, one rule pattern with both detail-types. */
export const SesEmailProblem: EventDefinition<typeof sesEmailProblemDetail> = {
  ...bounced,
  pattern: { source: [SES_EVENT_SOURCE], 'detail-type': [...SES_DETAIL_TYPES] },
};
