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
