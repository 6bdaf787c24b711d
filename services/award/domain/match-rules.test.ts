import { describe, expect, it } from 'vitest';
import { achievementEarned, demoRule } from '#shared/testing/fixtures.ts';
import { evaluateRules } from './match-rules.ts';

const withResult = (result: { score?: number; grade?: string; status?: string } | undefined) =>
  achievementEarned({ activity: { kind: 'course-completed', externalId: 'CS101', result } });

describe('evaluateRules', () => {
  it('fires when the score meets the minimum', () => {
    const [v] = evaluateRules([demoRule()], withResult({ score: 70 }));
    expect(v?.fires).toBe(true);
  });

  it('says why a score below the minimum does not fire', () => {
    const [v] = evaluateRules([demoRule()], withResult({ score: 69.5 }));
    expect(v).toMatchObject({ fires: false, reason: 'rule cs101-completed needs a score of at least 70; got 69.5' });
  });

  it('fires only inside its date window on occurredAt, bounds included, saying why not', () => {
    const rule = demoRule({
      conditions: { occurredFrom: '2026-05-01T00:00:00Z', occurredUntil: '2026-05-31T23:59:59Z' },
    });
    const at = (occurredAt: string) => evaluateRules([rule], achievementEarned({ occurredAt }))[0];
    expect(at('2026-05-01T00:00:00Z')?.fires).toBe(true);
    expect(at('2026-05-31T23:59:59Z')?.fires).toBe(true);
    expect(at('2026-04-30T23:59:59Z')).toMatchObject({
      fires: false,
      reason: expect.stringContaining('from 2026-05-01'),
    });
    expect(at('2026-06-01T00:00:00+02:00')?.fires).toBe(true);
    expect(at('2026-06-01T00:00:00Z')).toMatchObject({
      fires: false,
      reason: expect.stringContaining('until 2026-05-31'),
    });
  });

  it('does not fire on a missing score when one is required', () => {
    const [v] = evaluateRules([demoRule()], withResult(undefined));
    expect(v).toMatchObject({ fires: false, reason: expect.stringContaining('the event has none') });
  });

  it('matches grades and statuses case-insensitively and rejects others', () => {
    const rule = demoRule({ conditions: { grades: ['A', 'B'], statuses: ['passed'] } });
    expect(evaluateRules([rule], withResult({ grade: 'a', status: 'Passed' }))[0]?.fires).toBe(true);
    expect(evaluateRules([rule], withResult({ grade: 'C', status: 'passed' }))[0]).toMatchObject({
      fires: false,
      reason: expect.stringContaining('grade in [A, B]; got C'),
    });
    expect(evaluateRules([rule], withResult({ grade: 'A', status: 'failed' }))[0]?.fires).toBe(false);
  });

  it('never fires a rule that is off, and fires a rule without conditions', () => {
    const verdicts = evaluateRules(
      [demoRule({ id: 'off', mode: 'off' }), demoRule({ id: 'any', conditions: {} })],
      withResult(undefined),
    );
    expect(verdicts.map((v) => v.fires)).toEqual([false, true]);
  });
});
