import { describe, expect, it } from 'vitest';
import { AchievementEarnedV1 } from '#shared/events/achievement-earned.v1.ts';
import { achievementEarned } from '#shared/testing/fixtures.ts';
import { readAchievementEarned } from './read-event.ts';

const body = (detail: unknown, source = 'demo.lms') => JSON.stringify(AchievementEarnedV1.wrap(detail, source));

describe('readAchievementEarned', () => {
  it('reads a valid event with its source', () => {
    const detail = achievementEarned({ eventId: 'evt-1' });
    const read = readAchievementEarned(body(detail), 'm-1');
    expect(read).toEqual({ ok: true, source: 'demo.lms', event: detail });
  });

  it('rejects a message that is not JSON, under its delivery id', () => {
    expect(readAchievementEarned('{not json', 'm-1')).toEqual({
      ok: false,
      rejection: {
        eventId: 'delivery:m-1',
        deliveryId: 'm-1',
        reasonCode: 'EVENT.NOT_JSON',
        reason: 'message is not JSON',
      },
    });
  });

  it('rejects a detail that is not an object', () => {
    const read = readAchievementEarned(body('just a string'), 'm-1');
    expect(read).toMatchObject({
      ok: false,
      rejection: { reasonCode: 'EVENT.INVALID', reason: 'detail is not a JSON object' },
    });
  });

  it('rejects another detail-type, whatever its detail', () => {
    const wrapped = { ...AchievementEarnedV1.wrap(achievementEarned({ eventId: 'e-1' }), 'demo.lms') };
    const read = readAchievementEarned(JSON.stringify({ ...wrapped, 'detail-type': 'DryRunAwardPromoted' }), 'm-1');
    expect(read).toMatchObject({
      ok: false,
      rejection: { eventId: 'e-1', detailType: 'DryRunAwardPromoted', reasonCode: 'EVENT.UNSUPPORTED_TYPE' },
    });
  });

  it('rejects an unsupported version', () => {
    const read = readAchievementEarned(body({ ...achievementEarned({ eventId: 'e-2' }), version: 2 }), 'm-1');
    expect(read).toMatchObject({ ok: false, rejection: { eventId: 'e-2', reasonCode: 'EVENT.UNSUPPORTED_VERSION' } });
  });

  it('names every missing field and keeps the producer eventId', () => {
    const { learner: _l, ...detail } = achievementEarned({ eventId: 'e-3' });
    const read = readAchievementEarned(body({ ...detail, activity: { kind: 'course-completed' } }), 'm-1');
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.rejection.eventId).toBe('e-3');
    expect(read.rejection.reason).toContain('learner');
    expect(read.rejection.reason).toContain('activity.externalId');
  });

  it('rejects wrong types without echoing values', () => {
    const detail = { ...achievementEarned({ eventId: 'e-4' }), learner: { email: 'not-an-email-secret' } };
    const read = readAchievementEarned(body({ ...detail, activity: { kind: 7, externalId: ['x'] } }), 'm-1');
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.rejection.reason).toMatch(/learner\.email/);
    expect(read.rejection.reason).not.toContain('not-an-email-secret');
  });

  it('rejects a 300 KB name and keeps the recorded reason short', () => {
    const detail = achievementEarned({ eventId: 'e-5' });
    const huge = 'x'.repeat(300_000);
    const read = readAchievementEarned(body({ ...detail, learner: { ...detail.learner, name: huge } }), 'm-1');
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.rejection.reason).toContain('learner.name');
    expect(read.rejection.reason.length).toBeLessThanOrEqual(1000);
  });

  it('rejects markup in a learner name', () => {
    const detail = achievementEarned({ eventId: 'e-6' });
    const read = readAchievementEarned(
      body({ ...detail, learner: { ...detail.learner, name: '<script>alert(1)</script>' } }),
      'm-1',
    );
    expect(read).toMatchObject({ ok: false, rejection: { reasonCode: 'EVENT.INVALID' } });
  });

  it('falls back to the bus id when the eventId itself is unusable', () => {
    const envelope = AchievementEarnedV1.wrap({ ...achievementEarned(), eventId: 'x'.repeat(500) }, 'demo.lms');
    const read = readAchievementEarned(JSON.stringify(envelope), 'm-1');
    expect(read).toMatchObject({ ok: false, rejection: { eventId: `eventbridge:${envelope.id}` } });
  });

  it('rejects unknown fields, so typos in optional fields are not silently ignored', () => {
    const read = readAchievementEarned(body({ ...achievementEarned(), evidnce: [] }), 'm-1');
    expect(read).toMatchObject({ ok: false, rejection: { reasonCode: 'EVENT.INVALID' } });
  });
});
