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
  const detailType = shortString(envelope['detail-type'], 128);
  const eventId = wellFormedEventId(detail?.eventId) ?? `eventbridge:${busId}`;

  if (typeof detail !== 'object' || detail === null || Array.isArray(detail))
    return {
      ok: false,
      rejection: {
        eventId,
        deliveryId: busId,
        source,
        detailType,
        reasonCode: 'EVENT.INVALID',
        reason: 'detail is not a JSON object',
      },
    };
  if (detail.version !== AchievementEarnedV1.version)
    return {
      ok: false,
      rejection: {
        eventId,
        deliveryId: busId,
        source,
        detailType,
        reasonCode: 'EVENT.UNSUPPORTED_VERSION',
        reason: `detail.version must be ${AchievementEarnedV1.version}`,
      },
    };
  const parsed = AchievementEarnedV1.detail.safeParse(detail);
  if (!parsed.success || !source)
    return {
      ok: false,
      rejection: {
        eventId,
        deliveryId: busId,
        source,
        detailType,
        reasonCode: 'EVENT.INVALID',
        reason: parsed.success ? 'the event has no source' : describeIssues(parsed.error),
      },
    };
  return { ok: true, source, event: parsed.data };
};
