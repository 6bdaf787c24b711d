import type { z } from 'zod';
import {
  type AchievementEarnedV1 as AchievementEarned,
  AchievementEarnedV1,
} from '#shared/events/achievement-earned.v1.ts';

export interface Rejection {
  eventId: string;
  deliveryId: string;
  source?: string;
  detailType?: string;
  reasonCode: string;
  reason: string;
}

export type ReadResult = { ok: true; source: string; event: AchievementEarned } | { ok: false; rejection: Rejection };

const MAX_REASON = 1000;
const shortString = (v: unknown, max: number) =>
  typeof v === 'string' && v.length > 0 && v.length <= max ? v : undefined;
const wellFormedEventId = (v: unknown) => {
  const s = shortString(v, 128);
  return s && /^[\w.:@/+-]+$/.test(s) ? s : undefined;
};

/** Readable summary of what is wrong, naming fields but never echoing their values (they may be personal data). */
export const describeIssues = (error: z.ZodError): string => {
  const lines = error.issues.slice(0, 10).map((i) => `${i.path.join('.') || '(detail)'}: ${i.message}`);
  if (error.issues.length > 10) lines.push(`and ${error.issues.length - 10} more`);
  const text = lines.join('; ');
  return text.length > MAX_REASON ? `${text.slice(0, MAX_REASON - 1)}…` : text;
};

/**
 * Reads one queue message as an `AchievementEarned` v1 envelope. Anything else becomes a rejection that keeps the
 * producer's eventId when it is usable (so the producer can look it up), or EventBridge's delivery id otherwise.
 */
export const readAchievementEarned = (body: string, deliveryId: string): ReadResult => {
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch {
    return {
      ok: false,
      rejection: {
        eventId: `delivery:${deliveryId}`,
        deliveryId,
        reasonCode: 'EVENT.NOT_JSON',
        reason: 'message is not JSON',
      },
    };
  }
  const envelope = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const busId = shortString(envelope.id, 128) ?? deliveryId;
  const detail = envelope.detail as Record<string, unknown> | undefined;
  const source = shortString(envelope.source, 256);
  const reject = (reasonCode: string, reason: string): ReadResult => ({
    ok: false,
    rejection: {
      eventId: wellFormedEventId(detail?.eventId) ?? `eventbridge:${busId}`,
      deliveryId: busId,
      source,
      detailType: shortString(envelope['detail-type'], 128),
      reasonCode,
      reason,
    },
  });

  // The award queue carries promotions too (told apart before this): anything but AchievementEarned is not ours.
  if (envelope['detail-type'] !== AchievementEarnedV1.detailType)
    return reject('EVENT.UNSUPPORTED_TYPE', `detail-type must be ${AchievementEarnedV1.detailType}`);
  if (typeof detail !== 'object' || detail === null || Array.isArray(detail))
    return reject('EVENT.INVALID', 'detail is not a JSON object');
  if (detail.version !== AchievementEarnedV1.version)
    return reject('EVENT.UNSUPPORTED_VERSION', `detail.version must be ${AchievementEarnedV1.version}`);
  const parsed = AchievementEarnedV1.detail.safeParse(detail);
  if (!parsed.success) return reject('EVENT.INVALID', describeIssues(parsed.error));
  if (!source) return reject('EVENT.INVALID', 'the event has no source');
  return { ok: true, source, event: parsed.data };
};
